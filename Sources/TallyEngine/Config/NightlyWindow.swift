import Foundation
import TallyCore

/// The nightly default: the day before today, where "today" is the calendar date in the configured
/// time zone (so a job at 00:30 in Berlin reconciles the Berlin day that just ended, whatever the
/// UTC date, across daylight-saving changes too).
public enum NightlyWindow {
    /// Yesterday in `timezone` as of the instant `now`.
    ///
    /// - Throws: ``RunError`` `.usage` for an unknown time zone.
    public static func yesterday(in timezone: String, now: Date = Date()) throws(RunError) -> CivilDate {
        guard let zone = TimeZone(identifier: timezone) else {
            throw RunError(
                code: .usage, message: "unknown time zone '\(timezone)'; use an IANA name such as UTC or Europe/Berlin.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        guard let year = parts.year, let month = parts.month, let day = parts.day else {
            throw RunError(code: .internalFailure, message: "cannot tell today's date in \(timezone)")
        }
        return CivilDate(year: year, month: month, day: day).adding(days: -1)
    }
}
