import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Named points where a test can have the process killed with SIGKILL, to prove that a run
/// killed at that moment leaves the store as it was, or paused, to do something to the world
/// (stop PostgreSQL) at exactly that moment instead of after a guessed delay.
///
/// Set `TALLY_CRASH_AT` to one of ``points`` to be killed there; set `TALLY_PAUSE_AT` to one and
/// `TALLY_PAUSE_DIR` to a folder to pause there once: the process creates `<dir>/<point>.paused`
/// and waits (at most 60 s) until that file is removed. Unset (always, outside tests) they do nothing.
public enum CrashPoint {
    /// In the order a run reaches them. `connected`: both connections open, before the
    /// migrations; `migrated`: before the provider's lock; `locked`: before the run row;
    /// `ledger-stream`: at each streamed batch; `ledger-read`: the snapshot read and committed;
    /// `classified`: before the store's transaction; `reports-staged`: in it, the new reports
    /// written aside and not swapped in; `store-write`: in it, before COMMIT; `alert-delivery`:
    /// after the run's transaction committed (alerts in the outbox), before any is sent.
    public static let points = [
        "connected", "migrated", "locked", "ledger-stream", "ledger-read", "classified", "reports-staged", "store-write",
        "alert-delivery",
    ]

    private static let paused = Mutex<Set<String>>([])

    /// Kills the process at once when `TALLY_CRASH_AT` names this point; pauses when `TALLY_PAUSE_AT` does.
    public static func hit(_ name: String) {
        if let wanted = getenv("TALLY_CRASH_AT"), String(cString: wanted) == name { kill(getpid(), SIGKILL) }
        guard let wanted = getenv("TALLY_PAUSE_AT"), String(cString: wanted) == name,
            let directory = getenv("TALLY_PAUSE_DIR"), paused.withLock({ $0.insert(name).inserted })
        else { return }
        let marker = String(cString: directory) + "/" + name + ".paused"
        let descriptor = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        close(descriptor)
        for _ in 0..<6000 where access(marker, F_OK) == 0 { usleep(10_000) }
    }
}
