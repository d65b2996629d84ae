/// The ``LineDetails`` of a run's settlement lines, kept compactly for the rule passes: one
/// packed location, one day and two text lengths per line, the texts in one byte arena.
///
/// The passes need the details of the residue only, which is known after the ledger has been
/// streamed; the store keeps every line's, in the order the readers emit them (file by file, line
/// by line), so a lookup is a binary search. About 20 bytes a line plus its texts, and nothing at
/// all in a run without rule passes (the sink does not ask the readers for details).
struct LineDetailStore: Sendable {
    private var locations: [UInt64] = []
    private var days: [Int32] = []
    private var starts: [UInt32] = []
    private var remittanceLengths: [UInt16] = []
    private var counterpartyLengths: [UInt16] = []
    private var arena: [UInt8] = []
    /// Whether locations arrived in order (they do from the readers; a lookup falls back to a scan otherwise).
    private var ordered = true

    static let noDay = Int32.min
    /// Longest text kept per field, in bytes (cut at a character boundary).
    static let maximumText = 1_024

    private static func packed(_ location: SourceLocation) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: location.file)) << 32 | UInt64(UInt32(truncatingIfNeeded: location.line))
    }

    var count: Int { locations.count }
    var footprintBytes: Int { locations.capacity * 8 + days.capacity * 4 + starts.capacity * 4 + arena.capacity + 4 * count }

    mutating func add(_ details: LineDetails, at location: SourceLocation) {
        let key = Self.packed(location)
        if let last = locations.last, last >= key { ordered = false }
        locations.append(key)
        days.append(details.date.map { Int32(clamping: $0.daysSinceEpoch) } ?? Self.noDay)
        starts.append(UInt32(clamping: arena.count))
        let remittance = Self.cut(details.remittance)
        let counterparty = Self.cut(details.counterparty)
        remittanceLengths.append(UInt16(remittance.count))
        counterpartyLengths.append(UInt16(counterparty.count))
        arena += remittance
        arena += counterparty
    }

    /// The details stored for a line, or empty ones.
    func details(at location: SourceLocation) -> LineDetails {
        let key = Self.packed(location)
        let position: Int?
        if ordered {
            var low = 0
            var high = locations.count
            while low < high {
                let middle = (low + high) / 2
                if locations[middle] < key { low = middle + 1 } else { high = middle }
            }
            position = low < locations.count && locations[low] == key ? low : nil
        } else {
            position = locations.firstIndex(of: key)
        }
        guard let position else { return LineDetails() }
        let start = Int(starts[position])
        let remittanceEnd = start + Int(remittanceLengths[position])
        let end = remittanceEnd + Int(counterpartyLengths[position])
        let day = days[position]
        return LineDetails(
            date: day == Self.noDay ? nil : CivilDate(daysSinceEpoch: Int(day)),
            remittance: String(decoding: arena[start..<remittanceEnd], as: UTF8.self),
            counterparty: String(decoding: arena[remittanceEnd..<end], as: UTF8.self))
    }

    /// Adds the lines of another store (another part of a run).
    mutating func merge(_ other: LineDetailStore) {
        guard other.count > 0 else { return }
        if let last = locations.last, let first = other.locations.first, last >= first { ordered = false }
        let base = UInt32(clamping: arena.count)
        locations += other.locations
        days += other.days
        starts += other.starts.map { $0 &+ base }
        remittanceLengths += other.remittanceLengths
        counterpartyLengths += other.counterpartyLengths
        arena += other.arena
        ordered = ordered && other.ordered
    }

    /// At most ``maximumText`` bytes of the text, ending on a character.
    private static func cut(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        guard bytes.count > maximumText else { return bytes }
        var end = maximumText
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        bytes.removeSubrange(end...)
        return bytes
    }
}
