import Foundation
import TallyCore
import TallyYAML
import Yams

/// How a generic CSV maps onto settlement records (`--format csv --mapping FILE.yml`).
///
/// ```yaml
/// delimiter: ";"              # default ","
/// decimal_separator: ","      # default "."
/// thousands_separator: "."    # optional; dropped from amounts
/// skip_rows: 2                # lines before the header row
/// reference: Payment ID       # the column holding the reference
/// kind:
///   column: Type
///   values: { Charge: charge, Refund: refund, Chargeback: chargeback }   # others: non-transaction lines
/// amount:
///   column: Gross             # a signed decimal; or debit: / credit: columns; minor_units: true for integers
/// fee: Fee                    # optional
/// net: Net                    # optional
/// remittance: Purpose          # optional: the free text the rule passes read (docs/matching.md)
/// counterparty: Payer name     # optional
/// currency:
///   column: Currency          # or constant: EUR
/// timestamp:
///   column: Processed On
///   format: yyyy-MM-dd'T'HH:mm:ss.SSS
/// ```
public struct CSVMapping: Sendable, Hashable {
    /// How the amount is found.
    public enum Amount: Sendable, Hashable {
        case signed(column: String)
        case debitCredit(debit: String, credit: String)
    }

    /// How the currency is found.
    public enum CurrencySource: Sendable, Hashable {
        case column(String)
        case constant(Currency)
    }

    /// How the kind is found.
    public enum KindSource: Sendable, Hashable {
        case column(String, values: [String: TransactionKind])
        case constant(TransactionKind)
    }

    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var decimalSeparator: UInt8 = UInt8(ascii: ".")
    /// A grouping character to drop from amounts (`1.234,56`), if the export writes one.
    public var thousandsSeparator: UInt8?
    public var skipRows = 0
    public var reference: String
    public var kind: KindSource
    public var amount: Amount
    public var minorUnits = false
    public var fee: String?
    public var net: String?
    public var currency: CurrencySource
    public var timestampColumn: String?
    public var timestampFormat: TimestampPattern?
    /// The free text and the payer's or payee's name, for the rule passes.
    public var remittance: String?
    public var counterparty: String?

    /// Every column the mapping reads (checked against the header).
    public var columns: [String] {
        var names = [reference]
        if case .column(let name, _) = kind { names.append(name) }
        switch amount {
        case .signed(let column): names.append(column)
        case .debitCredit(let debit, let credit): names += [debit, credit]
        }
        if case .column(let name) = currency { names.append(name) }
        return names + [fee, net, timestampColumn, remittance, counterparty].compactMap { $0 }
    }
}

/// Every problem of a mapping file, each with its key path and what was expected (exit 64).
public struct MappingError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problems: [String]

    public var description: String {
        "\(path): the mapping has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension CSVMapping {
    /// Reads and validates a YAML mapping file; unknown keys are errors, not silence.
    public static func load(path: String) throws(MappingError) -> CSVMapping {
        let text: String
        do throws(YAMLDocumentError) { text = try YAMLDocument.text(path: path) } catch {
            throw MappingError(path: path, problems: ["\(error)"])
        }
        return try parse(text, path: path)
    }

    /// Validates a mapping given as YAML text.
    public static func parse(_ text: String, path: String = "mapping") throws(MappingError) -> CSVMapping {
        let root: Node?
        do throws(YAMLDocumentError) { root = try YAMLDocument.compose(text) } catch {
            throw MappingError(path: path, problems: ["\(error)"])
        }
        guard let root, let top = root.mapping else {
            throw MappingError(path: path, problems: ["expected a mapping of keys at the top level"])
        }
        let reader = YAMLReader()
        reader.allow(
            top,
            keys: [
                "delimiter", "decimal_separator", "thousands_separator", "skip_rows", "reference", "kind", "amount", "fee", "net",
                "currency", "timestamp", "remittance", "counterparty",
            ], at: "")

        var delimiter = UInt8(ascii: ",")
        if let text = reader.text(top, "delimiter", at: "") {
            let value = text == "tab" || text == "\\t" ? "\t" : text
            if value.utf8.count == 1, let byte = value.utf8.first, byte != UInt8(ascii: "\""), byte != 10, byte != 13 {
                delimiter = byte
            } else {
                reader.problem("delimiter", "expected one character such as ',' ';' or 'tab', found '\(text)'")
            }
        }
        var decimalSeparator = UInt8(ascii: ".")
        if let text = reader.text(top, "decimal_separator", at: "") {
            if text == "." || text == "," {
                decimalSeparator = text.utf8.first!
            } else {
                reader.problem("decimal_separator", "expected '.' or ',', found '\(text)'")
            }
        }
        var thousandsSeparator: UInt8?
        if let text = reader.text(top, "thousands_separator", at: "") {
            if [".", ",", "'", " "].contains(text), text.utf8.first != decimalSeparator {
                thousandsSeparator = text.utf8.first
            } else {
                reader.problem(
                    "thousands_separator", "expected '.', ',', \"'\" or ' ' different from decimal_separator, found '\(text)'")
            }
        }
        var skipRows = 0
        if let text = reader.text(top, "skip_rows", at: "") {
            if let value = Int(text), value >= 0 {
                skipRows = value
            } else {
                reader.problem("skip_rows", "expected a whole number of rows (0 or more), found '\(text)'")
            }
        }
        let reference = reader.text(top, "reference", at: "")
        if reference == nil && top["reference"] == nil {
            reader.problem("reference", "required (the column holding the reference)")
        }

        var kind: KindSource?
        if let node = top["kind"] {
            if let map = node.mapping {
                reader.allow(map, keys: ["column", "values", "constant"], at: "kind.")
                if let constant = reader.text(map, "constant", at: "kind.") {
                    if let value = TransactionKind(name: constant) {
                        kind = .constant(value)
                    } else {
                        reader.problem("kind.constant", "expected charge, refund or chargeback, found '\(constant)'")
                    }
                } else if let column = reader.text(map, "column", at: "kind.") {
                    var values: [String: TransactionKind] = [:]
                    if let valuesNode = map["values"] {
                        if let entries = valuesNode.mapping {
                            for (key, value) in entries {
                                let name = key.string ?? "?"
                                guard let target = value.string, let mapped = TransactionKind(name: target) else {
                                    reader.problem(
                                        "kind.values.\(name)",
                                        "expected charge, refund or chargeback, found '\(value.string ?? "a non-text value")'")
                                    continue
                                }
                                values[name] = mapped
                            }
                        } else {
                            reader.problem("kind.values", "expected a mapping of column values to charge, refund or chargeback")
                        }
                    } else {
                        reader.problem(
                            "kind.values", "required with kind.column (which values are charges, refunds, chargebacks)")
                    }
                    kind = .column(column, values: values)
                } else {
                    reader.problem("kind", "expected column (with values) or constant")
                }
            } else if let constant = node.string, let value = TransactionKind(name: constant) {
                kind = .constant(value)
            } else {
                reader.problem("kind", "expected a mapping with column and values, or one of charge, refund, chargeback")
            }
        } else {
            reader.problem("kind", "required (column and values, or constant)")
        }

        var amount: Amount?
        var minorUnits = false
        if let node = top["amount"] {
            if let map = node.mapping {
                reader.allow(map, keys: ["column", "debit", "credit", "minor_units"], at: "amount.")
                if let text = reader.text(map, "minor_units", at: "amount.") {
                    if let value = Bool(text) {
                        minorUnits = value
                    } else {
                        reader.problem("amount.minor_units", "expected true or false, found '\(text)'")
                    }
                }
                let column = reader.text(map, "column", at: "amount.")
                let debit = reader.text(map, "debit", at: "amount.")
                let credit = reader.text(map, "credit", at: "amount.")
                switch (column, debit, credit) {
                case (let column?, nil, nil): amount = .signed(column: column)
                case (nil, let debit?, let credit?): amount = .debitCredit(debit: debit, credit: credit)
                default: reader.problem("amount", "expected either column, or both debit and credit")
                }
            } else if let column = node.string {
                amount = .signed(column: column)
            }
        } else {
            reader.problem("amount", "required (column, or debit and credit)")
        }
        let fee = reader.text(top, "fee", at: "")
        let net = reader.text(top, "net", at: "")

        var currency: CurrencySource?
        if let node = top["currency"] {
            if let map = node.mapping {
                reader.allow(map, keys: ["column", "constant"], at: "currency.")
                if let constant = reader.text(map, "constant", at: "currency.") {
                    if let value = Currency(code: constant) {
                        currency = .constant(value)
                    } else {
                        reader.problem("currency.constant", "expected an ISO 4217 code such as EUR, found '\(constant)'")
                    }
                } else if let column = reader.text(map, "column", at: "currency.") {
                    currency = .column(column)
                } else {
                    reader.problem("currency", "expected column or constant")
                }
            } else if let text = node.string {
                currency = .column(text)
            }
        } else {
            reader.problem("currency", "required (column or constant)")
        }

        var timestampColumn: String?
        var timestampFormat: TimestampPattern?
        if let node = top["timestamp"] {
            if let map = node.mapping {
                reader.allow(map, keys: ["column", "format"], at: "timestamp.")
                timestampColumn = reader.text(map, "column", at: "timestamp.")
                if timestampColumn == nil { reader.problem("timestamp.column", "required with timestamp") }
                if let format = reader.text(map, "format", at: "timestamp.") {
                    do throws(TimestampPattern.Invalid) { timestampFormat = try TimestampPattern(format) } catch {
                        reader.problem("timestamp.format", "\(error.reason)")
                    }
                }
            } else {
                reader.problem("timestamp", "expected a mapping with column and format")
            }
        }

        guard reader.problems.isEmpty, let reference, let kind, let amount, let currency else {
            throw MappingError(path: path, problems: reader.problems)
        }
        var mapping = CSVMapping(
            delimiter: delimiter, decimalSeparator: decimalSeparator, thousandsSeparator: thousandsSeparator,
            skipRows: skipRows, reference: reference, kind: kind,
            amount: amount, minorUnits: minorUnits, fee: fee, net: net, currency: currency,
            timestampColumn: timestampColumn, timestampFormat: timestampFormat)
        mapping.remittance = reader.text(top, "remittance", at: "")
        mapping.counterparty = reader.text(top, "counterparty", at: "")
        return mapping
    }
}
