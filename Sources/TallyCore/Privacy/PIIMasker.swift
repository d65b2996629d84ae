/// Masks personal data in free text before it leaves Tally (`--mask-pii`): e-mail addresses,
/// card numbers and personal names become `[email]`, `[card]` and `[name]`.
///
/// It is applied to text that may carry what a provider wrote (reject reasons quoting raw
/// values, non-transaction categories, control texts, error and log lines), never to references
/// or amounts, which are the point of a reconciliation and stay as they are.
///
/// The rules, in order:
/// - **E-mail**: `local@domain.tld` (local part of letters, digits and `._%+-`; a domain of at
///   least two labels whose last has two or more letters).
/// - **Card number** (PAN): 13 to 19 digits, optionally grouped by single spaces or dashes,
///   passing the Luhn check, and standing alone: a digit run glued to letters, `_` or a decimal
///   part (`ch_4242…`, `4242….00`) is a reference or an amount, not a card.
/// - **Name**: two or more capitalised words in a row (`Jane Doe`, `J. Doe`, `Ludwig van Beethoven`,
///   `Jean-Luc O'Neil`), or a title followed by words (`Mr SMITH`, `Frau Müller`). There is no
///   dictionary: a lone first or last name is not found, and two capitalised words that are not a
///   name are masked too (masking too much is the safe side).
///
/// ```swift
/// let masker = PIIMasker()
/// masker.maskFreeText("Refund to Jane Doe <jane@example.com>")   // "Refund to [name] <[email]>"
/// masker.maskMessage("Gross Currency 'Jane Doe' is not an ISO 4217 code")
/// // "Gross Currency '[name]' is not an ISO 4217 code": names only inside quotes
/// ```
public struct PIIMasker: Sendable {
    public static let emailMask = "[email]"
    public static let cardMask = "[card]"
    public static let nameMask = "[name]"

    public init() {}

    /// Masks a field that is provider text as a whole (a description, a category, a memo).
    public func maskFreeText(_ text: String) -> String {
        guard Self.mayHoldPII(text) else { return text }
        var scalars = Array(text.unicodeScalars)
        scalars = Self.maskEmails(scalars)
        scalars = Self.maskCards(scalars)
        scalars = Self.maskNames(scalars)
        return Self.string(scalars)
    }

    /// Masks a message Tally wrote that may quote raw values in `'…'` or `"…"` (reject reasons,
    /// control texts, errors, log lines): e-mail addresses and card numbers anywhere, names only
    /// inside the quotes, so the message's own words (`Gross Transaction Amount`) stay readable.
    public func maskMessage(_ text: String) -> String {
        guard Self.mayHoldPII(text) else { return text }
        var scalars = Array(text.unicodeScalars)
        scalars = Self.maskEmails(scalars)
        scalars = Self.maskCards(scalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var closes = ClosingQuotes(scalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" || scalar == "\"", index == 0 || !Self.isWordScalar(scalars[index - 1]),
                let close = closes.closing(index)
            {
                out.append(scalar)
                out += Self.maskNames(Array(scalars[(index + 1)..<close]))
                out.append(scalars[close])
                index = close + 1
                continue
            }
            out.append(scalar)
            index += 1
        }
        return Self.string(out)
    }

    // MARK: Cheap pre-check

    /// Text with no `@`, fewer than 13 digits and no capital letter cannot match any rule.
    static func mayHoldPII(_ text: String) -> Bool {
        var digits = 0
        for scalar in text.unicodeScalars {
            if scalar == "@" || scalar.properties.isUppercase { return true }
            if ("0"..."9").contains(scalar) {
                digits += 1
                if digits >= 13 { return true }
            }
        }
        return false
    }

    static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// The quotes closing the ones a message opens. Opening quotes are asked for from left to right,
    /// so one cursor per quote character suffices: a quote never closed is looked for once, not
    /// again from every later opening (`'a 'a 'a …` would otherwise read the rest of the text each time).
    struct ClosingQuotes {
        let scalars: [Unicode.Scalar]
        /// Per quote character, the first closing one after the last opening asked about (`count`: none).
        var found: [Unicode.Scalar: Int] = [:]

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        /// The index of the quote closing the one at `open`: the same character, not followed by a letter.
        mutating func closing(_ open: Int) -> Int? {
            let quote = scalars[open]
            if let known = found[quote], known > open { return known < scalars.count ? known : nil }
            var index = open + 1
            while index < scalars.count {
                if scalars[index] == quote, index + 1 == scalars.count || !isWordScalar(scalars[index + 1]) { break }
                index += 1
            }
            found[quote] = index
            return index < scalars.count ? index : nil
        }
    }
}
