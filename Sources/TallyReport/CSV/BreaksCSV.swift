import TallyCore

/// Renders `breaks.csv`: one row per break with both sides, RFC 4180 quoting, and free-text cells
/// neutralised against formula injection (OWASP "CSV Injection").
public enum BreaksCSV {
    static let header = [
        "class", "severity", "reference", "kind", "provider_amount", "provider_currency", "provider_file",
        "provider_line", "ledger_amount", "ledger_currency", "ledger_status", "ledger_created_at", "difference",
        "differences", "first_seen", "age_days",
    ]

    public static func render(_ report: RunReport) -> [UInt8] {
        var out = ""
        out += header.joined(separator: ",") + "\r\n"
        for dated in report.breaks {
            let item = dated.item
            var cells: [String] = [
                item.breakClass.rawValue, item.severity.rawValue, text(item.reference), item.kindName ?? "",
            ]
            if let provider = item.provider {
                cells += [
                    provider.amount.decimalString, provider.amount.currency.code,
                    text(report.path(ofFile: provider.location.file)), String(provider.location.line),
                ]
            } else {
                cells += ["", "", "", ""]
            }
            if let ledger = item.ledger {
                cells += [ledger.amount.decimalString, ledger.amount.currency.code, text(ledger.status.text), ledger.createdAt.iso8601]
            } else {
                cells += ["", "", "", ""]
            }
            if let provider = item.provider, let ledger = item.ledger, provider.amount.currency == ledger.amount.currency {
                cells.append(MoneyFormatter.decimal(provider.amount.minor - ledger.amount.minor, exponent: provider.amount.currency.exponent))
            } else {
                cells.append("")
            }
            cells.append(item.differences.map(\.rawValue).joined(separator: " "))
            cells.append(dated.firstSeen.description)
            cells.append(String(dated.ageDays))
            out += cells.map(quote).joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// Neutralises a free-text cell: a leading `=`, `+`, `-`, `@`, TAB or CR gets a `'` prefix.
    /// Only provider- or ledger-supplied text goes through here; our own numbers stay numbers.
    public static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first else { return value }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + value
        default: return value
        }
    }

    /// RFC 4180: quote when the cell holds a comma, quote, CR or LF, doubling inner quotes.
    public static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return cell
        }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
