#if canImport(Glibc)
import Glibc
#endif

/// Named writes that a test can make fail with a chosen `errno`, to prove what a full, over-quota
/// or read-only disk does to a run without filling a real one.
///
/// Set `TALLY_FAIL_WRITE` to `<point>:<ERRNO>` (`report-write:ENOSPC`, `spill-write:EDQUOT`,
/// `spill-folder:EROFS`); the write at that point then fails as the system call would, with that
/// `errno`. Unset (always, outside tests) it does nothing. The kill and pause points of a run are
/// `CrashPoint`'s (TallyPostgres).
public enum WriteFault {
    /// `report-write`: each report file written into its staging folder; `index-write`:
    /// `reports/index.html`; `spill-folder`: creating the spill folder; `spill-write`: each write
    /// to a spill file.
    public static let points = ["report-write", "index-write", "spill-write", "spill-folder"]

    /// The `errno` names `TALLY_FAIL_WRITE` understands.
    static let codes: [String: Int32] = [
        "ENOSPC": ENOSPC, "EDQUOT": EDQUOT, "EROFS": EROFS, "EACCES": EACCES, "EIO": EIO,
    ]

    /// The `errno` the write at `point` must fail with, or nil (the write goes ahead).
    public static func injected(_ point: String) -> Int32? {
        guard let raw = getenv("TALLY_FAIL_WRITE") else { return nil }
        let wanted = String(cString: raw).split(separator: ":", maxSplits: 1).map(String.init)
        guard wanted.count == 2, wanted[0] == point else { return nil }
        return codes[wanted[1]]
    }

    /// True for the `errno` values that mean the disk or folder cannot take the file (full, over
    /// quota, read-only, not ours to write): an operator's problem to fix (exit 73), not a bug.
    public static func isCannotCreate(_ code: Int32) -> Bool {
        [ENOSPC, EDQUOT, EROFS, EACCES, EPERM, ENOTDIR].contains(code)
    }
}
