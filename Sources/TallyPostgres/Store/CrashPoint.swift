#if canImport(Glibc)
import Glibc
#endif

/// Named points where a test can have the process killed with SIGKILL, to prove that a run
/// killed at that moment leaves the store as it was.
///
/// Set `TALLY_CRASH_AT` to one of ``points``; unset (always, outside tests) it does nothing.
public enum CrashPoint {
    /// `alert-delivery`: after the run's transaction committed (alerts in the outbox), before any is sent.
    public static let points = ["ledger-stream", "store-write", "alert-delivery"]

    /// Kills the process at once when `TALLY_CRASH_AT` names this point.
    public static func hit(_ name: String) {
        guard let wanted = getenv("TALLY_CRASH_AT"), String(cString: wanted) == name else { return }
        kill(getpid(), SIGKILL)
    }
}
