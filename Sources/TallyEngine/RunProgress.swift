/// What a run is doing, for a progress line (the CLI draws it on a terminal only).
public enum RunProgress: Sendable {
    /// Reading a settlement file: bytes read of `total`, and ledger rows PostgreSQL has sent meanwhile.
    case reading(file: String, bytes: Int, total: Int, ledgerRows: Int)
    /// A later phase: `ledger` (the rest of the window and the lookups), `matching`, `writing`.
    case phase(String)
    /// The run is over: the line can be cleared.
    case done
}
