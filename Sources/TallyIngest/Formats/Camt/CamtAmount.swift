import TallyCore

/// Amounts of the control arithmetic of a camt file (balances, summaries, batch totals), kept at a
/// fixed scale of 10⁻⁵ (the schema's `fractionDigits 5`) so that values which do not fit their
/// currency's exponent still add up exactly. Transactions themselves are parsed with the currency's
/// exponent and rejected when they do not fit it.
struct CamtAmount: Hashable {
    static let scale = 5
    /// Signed value in units of 10⁻⁵ of the currency.
    var units: Int64
    var currency: String

    /// Parses an amount text; `debit` negates it. Lenient on a leading minus (seen in fixtures).
    init?(text: [UInt8], currency: String, debit: Bool) {
        let value: Int64? = text.withUnsafeBufferPointer { bytes in
            try? MoneyParser.parseMinor(bytes, exponent: Self.scale)
        }
        guard let value, value != .min else { return nil }
        units = debit ? -value : value
        self.currency = currency
    }

    init(units: Int64, currency: String) {
        self.units = units
        self.currency = currency
    }

    /// The decimal text with the currency's exponent when exact, else with as many digits as needed.
    var text: String {
        Self.format(units, currency: currency) + " " + currency
    }

    static func format(_ units: Int64, currency: String) -> String {
        var digits = Currency(code: currency)?.exponent ?? 2
        var divisor: Int64 = 1
        for _ in digits..<scale { divisor *= 10 }
        while digits < scale && units % divisor != 0 {
            digits += 1
            divisor /= 10
        }
        return MoneyFormatter.decimal(units / divisor, exponent: digits)
    }
}

/// Sums of amounts per currency, with overflow reported rather than wrapped.
struct CamtTotals: Equatable {
    private(set) var units: [String: Int64] = [:]
    private(set) var overflowed = false

    mutating func add(_ amount: CamtAmount) {
        let (sum, overflow) = units[amount.currency, default: 0].addingReportingOverflow(amount.units)
        if overflow { overflowed = true }
        units[amount.currency] = sum
    }

    mutating func add(_ other: CamtTotals) {
        for (currency, units) in other.units { add(CamtAmount(units: units, currency: currency)) }
        if other.overflowed { overflowed = true }
    }

    /// The total of one currency (0 when none).
    subscript(currency: String) -> Int64 { units[currency, default: 0] }

    /// "12.50 EUR, 3.00 USD" in currency order; "0" when empty.
    var text: String {
        guard !units.isEmpty else { return "0" }
        return units.sorted { $0.key < $1.key }.map { CamtAmount(units: $0.value, currency: $0.key).text }
            .joined(separator: ", ")
    }
}
