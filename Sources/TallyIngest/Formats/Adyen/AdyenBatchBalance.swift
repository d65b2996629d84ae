import TallyCore

/// The control of a settlement details batch (../shared/FORMATS.md §2.3): per net currency, the net of every
/// row but the payouts equals what the `MerchantPayout` rows sent to the bank.
///
/// Adyen files carry no trailer, so this derived check is what tells a complete batch from a
/// truncated or edited one. A batch that did not pay out carries its remainder to the next batch
/// in a `Balancetransfer` row, which counts like any other row, so such a batch nets to zero.
struct AdyenBatchBalance {
    struct Sums {
        /// Σ Net Credit − Σ Net Debit of the rows other than MerchantPayout, in minor units.
        var rows: Int64 = 0
        /// Σ Net Debit − Σ Net Credit of the MerchantPayout rows.
        var payouts: Int64 = 0
        var overflow = false
    }

    private(set) var sums: [Currency: Sums] = [:]
    /// The batch number of the first row that has one (it is the same on every row).
    private(set) var batch: String?

    mutating func add(net: Int64, currency: Currency, payout: Bool) {
        var entry = sums[currency, default: Sums()]
        if payout {
            let (value, overflow) = entry.payouts.subtractingReportingOverflow(net)
            entry.payouts = value
            entry.overflow = entry.overflow || overflow
        } else {
            let (value, overflow) = entry.rows.addingReportingOverflow(net)
            entry.rows = value
            entry.overflow = entry.overflow || overflow
        }
        sums[currency] = entry
    }

    mutating func noteBatch(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard batch == nil, !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return }
        batch = text
    }

    /// One control per net currency, in currency order.
    func controls(file: Int) -> [ControlResult] {
        let prefix = batch.map { "adyen batch \($0)" } ?? "adyen batch"
        return sums.sorted { $0.key < $1.key }.map { currency, sums in
            let name = "\(prefix) \(currency.code): net of the rows = MerchantPayout"
            guard !sums.overflow else {
                return ControlResult(
                    name: name, ok: false, expected: "sums within 64-bit minor units", actual: "overflow", file: file)
            }
            let expected = Money(minor: sums.payouts, currency: currency).description
            let actual = Money(minor: sums.rows, currency: currency).description
            return ControlResult(name: name, ok: sums.rows == sums.payouts, expected: expected, actual: actual, file: file)
        }
    }
}
