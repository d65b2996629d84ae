import Foundation
import TallyCore

/// Turns the run's calendar dates in a time zone into UTC instants (a few calls per run, so
/// Foundation's calendar is fine here; the hot path never sees it).
public enum WindowResolver {
    /// - Throws: ``RunError`` `.usage` for an unknown time zone or `from` after `to`.
    public static func resolve(
        from: CivilDate, to: CivilDate, timezone: String, lookbackDays: Int, lookaheadDays: Int
    ) throws(RunError) -> ReconciliationWindow {
        guard from <= to else {
            throw RunError(code: .usage, message: "--from \(from) is after --to \(to); swap them.")
        }
        guard lookbackDays >= 0, lookaheadDays >= 0 else {
            throw RunError(code: .usage, message: "--lookback-days and --lookahead-days must be 0 or more.")
        }
        guard let zone = TimeZone(identifier: timezone) else {
            throw RunError(
                code: .usage,
                message: "unknown time zone '\(timezone)'; use an IANA name such as UTC or Europe/Berlin.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func startOfDay(_ date: CivilDate) throws(RunError) -> Timestamp {
            let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: 0, minute: 0, second: 0)
            guard let instant = calendar.date(from: components) else {
                throw RunError(code: .usage, message: "cannot place \(date) in time zone \(timezone)")
            }
            let start = calendar.startOfDay(for: instant)
            return Timestamp(microseconds: Int64((start.timeIntervalSince1970).rounded()) * 1_000_000)
        }
        return ReconciliationWindow(
            from: from, to: to, start: try startOfDay(from), end: try startOfDay(to.adding(days: 1)),
            streamStart: try startOfDay(from.adding(days: -lookbackDays)),
            streamEnd: try startOfDay(to.adding(days: 1 + lookaheadDays)))
    }
}
