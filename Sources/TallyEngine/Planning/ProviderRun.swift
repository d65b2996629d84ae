import TallyCore

/// One provider's share of a `tally run`, as ``RunPlanner`` planned it: what to run, or why not.
public struct ProviderRun: Sendable {
    public var provider: String
    /// The lowest severity whose breaks make the run exit 1.
    public var failOn: FailLevel
    public var step: Step

    /// What the provider's run is.
    public enum Step: Sendable {
        /// One reconciliation over the window.
        case run(RunOptions)
        /// `--per-day`: one reconciliation per day whose file is present, in date order.
        case perDay(DayRange)
        /// The nightly default passes over the provider (its file has not arrived, or it has no
        /// `file_pattern`); the text is logged as a warning.
        case skipped(warning: String)
        /// The provider cannot run; the message is logged as it is and the code gives the exit status.
        case failed(RunError)
        /// Files of the window are missing and `--allow-missing` was not given (exit 66): the message
        /// is logged after the provider's name and alerted as the failure of `options`' run.
        case filesMissing(RunError, options: RunOptions)
    }
}

/// The days of a `--per-day` range, each run or missing.
public struct DayRange: Sendable {
    /// One day of the range.
    public enum Day: Sendable {
        case run(CivilDate, RunOptions)
        /// The day's file is not there: `path` is where it was looked for.
        case missing(CivilDate, path: String)
    }

    public var from: CivilDate
    public var to: CivilDate
    public var days: [Day]
    /// Missing days make the range exit 66 unless `--allow-missing` was given.
    public var allowMissing: Bool

    /// The days whose file is missing, in date order.
    public var missing: [CivilDate] {
        days.compactMap { if case .missing(let day, _) = $0 { day } else { nil } }
    }
}
