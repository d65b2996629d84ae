import TallyCore

extension LedgerSource {
    /// A whole ledger row as a value, or nil when it cannot be read.
    static func record(_ row: LedgerFields) -> LedgerRecord? {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        guard let kind = TransactionKind(bytes: row[.kind] ?? empty), let currency = Currency(bytes: row[.currency] ?? empty),
            let amount = row.amountMinor(), amount != .min, let createdAt = row.createdAt()
        else { return nil }
        return LedgerRecord(
            reference: row.text(.reference), kind: kind, amount: Money(minor: abs(amount), currency: currency),
            status: LedgerStatus(bytes: row[.status] ?? empty), createdAt: createdAt,
            merchantReference: row[.merchantReference].map { String(decoding: $0, as: UTF8.self) })
    }

    /// Rows matched per group: the settlement index loads the group's slots, entries and
    /// references before any of its rows is matched (``TallyCore/LedgerSink/prefetch(_:key:)``).
    static let prefetchGroup = 16

    /// Matches every row of a streamed batch, a group of rows at a time.
    public static func feed(_ batch: LedgerBatch, into sink: inout some LedgerSink) {
        withUnsafeTemporaryAllocation(of: LedgerFields.self, capacity: prefetchGroup) { group in
            var count = 0
            func flush(_ sink: inout some LedgerSink) {
                let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                sink.prefetch(count) { number in
                    (group[number][.reference] ?? empty, TransactionKind(bytes: group[number][.kind] ?? empty) ?? .charge)
                }
                for number in 0..<count { feed(group[number], into: &sink, lookedUp: false) }
                count = 0
            }
            batch.forEachRow { fields in
                group.initializeElement(at: count, to: fields)
                count += 1
                if count == prefetchGroup { flush(&sink) }
            }
            flush(&sink)
        }
    }

    /// Parses one row in place (no String unless the row becomes a break or a reject).
    public static func feed(_ row: LedgerFields, into sink: inout some LedgerSink, lookedUp: Bool) {
        // A looked-up row inside the streamed range was seen (and judged, or rejected) by the
        // stream already: skip it before it could be rejected a second time.
        if lookedUp, let createdAt = row.createdAt(), sink.window.streams(createdAt) { return }
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let reference = row[.reference] ?? empty
        guard let kind = TransactionKind(bytes: row[.kind] ?? empty) else {
            sink.addLedgerReject(
                "ledger row \(row.text(.reference)) has kind '\(row.text(.kind))', expected charge, refund or chargeback")
            return
        }
        guard let currency = Currency(bytes: row[.currency] ?? empty) else {
            sink.addLedgerReject("ledger row \(row.text(.reference)) has currency '\(row.text(.currency))', not an ISO 4217 code")
            return
        }
        guard let amount = row.amountMinor(), amount != .min else {
            sink.addLedgerReject("ledger row \(row.text(.reference)) has an unreadable amount_minor '\(row.text(.amountMinor))'")
            return
        }
        guard let createdAt = row.createdAt() else {
            sink.addLedgerReject("ledger row \(row.text(.reference)) has an unreadable created_at '\(row.text(.createdAt))'")
            return
        }
        let status = LedgerStatus(bytes: row[.status] ?? empty)
        let money = Money(minor: abs(amount), currency: currency)
        if lookedUp {
            sink.addLookedUpRow(
                LedgerRecord(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: money, status: status,
                    createdAt: createdAt, merchantReference: row[.merchantReference].map { String(decoding: $0, as: UTF8.self) }))
        } else {
            sink.addLedgerRow(
                reference, kind: kind, amount: money, status: status, createdAt: createdAt,
                merchantReference: row[.merchantReference])
        }
    }
}
