/// The window of one run: inclusive calendar dates in a time zone, resolved to UTC instants.
///
/// The time-zone arithmetic happens once, outside the core (the caller passes the instants),
/// so the core stays free of Foundation and clocks.
public struct ReconciliationWindow: Sendable, Hashable {
    public var from: CivilDate
    public var to: CivilDate
    /// First instant of `from` in the run's time zone.
    public var start: Timestamp
    /// First instant of the day after `to` in the run's time zone (exclusive end).
    public var end: Timestamp
    /// The streamed ledger range `[from − lookback, to + 1 day + lookahead)` as instants.
    public var streamStart: Timestamp
    public var streamEnd: Timestamp

    public init(
        from: CivilDate, to: CivilDate, start: Timestamp, end: Timestamp, streamStart: Timestamp, streamEnd: Timestamp
    ) {
        self.from = from
        self.to = to
        self.start = start
        self.end = end
        self.streamStart = streamStart
        self.streamEnd = streamEnd
    }

    /// Whether an instant lies in `[from, to]` (the run's dates, inclusive).
    @inlinable public func contains(_ instant: Timestamp) -> Bool { instant >= start && instant < end }

    /// Whether an instant lies in the streamed ledger range.
    @inlinable public func streams(_ instant: Timestamp) -> Bool { instant >= streamStart && instant < streamEnd }
}
