import TallyCore

/// Renders `breaks.csv`: one row per break with both sides, RFC 4180 quoting (CRLF line ends,
/// UTF-8 without a byte-order mark), and every provider- or ledger-supplied cell neutralised
/// against formula injection (OWASP "CSV Injection"); Tally's own numbers stay numbers, so
/// `-0.01` in `difference` is a negative amount a spreadsheet can add up.
///
/// Columns after `age_days` were added later; consumers that read by header name see no change.
/// After tonight's breaks come the items still open from earlier windows (`status`
/// `open_from_earlier`), so the file holds everything a person has to act on. The last columns
/// (`run_id`, `provider`, `window_from`, `window_to`) let exports of several runs be combined; a
/// rerun of a window writes the same bytes but for `run_id`. `matched_by` (the pass that paired
/// the two sides, `key` or a rule pass's name) came after them, and `item_id` (the open item's
/// stable id, empty for a class that opens none) after that, then the item's `item_state`,
/// `assignee` and `last_note` (what people made of it, docs/items.md).
public enum BreaksCSV {
    static let header = [
        "class", "severity", "reference", "kind", "provider_amount", "provider_currency", "provider_file",
        "provider_line", "ledger_amount", "ledger_currency", "ledger_status", "ledger_created_at", "difference",
        "differences", "first_seen", "age_days", "ledger_merchant_ref", "control_expected", "control_actual", "status",
        "description", "run_id", "provider", "window_from", "window_to", "matched_by", "item_id",
        "item_state", "assignee", "last_note",
    ]

    /// `status` of a row: the break is new tonight, was open before, or is an earlier open item
    /// that tonight's data did not touch.
    enum Status: String {
        case new, persisting
        case openFromEarlier = "open_from_earlier"
    }

    public static func render(_ report: RunReport) -> [UInt8] {
        var out = ""
        out += header.joined(separator: ",") + "\r\n"
        let run = [report.runID, text(report.provider), report.window.from.description, report.window.to.description]
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
                cells += [
                    ledger.amount.decimalString, ledger.amount.currency.code, text(ledger.status.text), ledger.createdAt.iso8601,
                ]
            } else {
                cells += ["", "", "", ""]
            }
            if let provider = item.provider, let ledger = item.ledger, provider.amount.currency == ledger.amount.currency,
                case (let gap, false) = provider.amount.minor.subtractingReportingOverflow(ledger.amount.minor)
            {
                cells.append(MoneyFormatter.decimal(gap, exponent: provider.amount.currency.exponent))
            } else {
                cells.append("")
            }
            cells.append(item.differences.map(\.rawValue).joined(separator: " "))
            cells.append(dated.firstSeen.description)
            cells.append(String(dated.ageDays))
            cells.append(item.ledger?.merchantReference.map(text) ?? "")
            cells.append(item.control.map { text($0.expected) } ?? "")
            cells.append(item.control.map { text($0.actual) } ?? "")
            cells.append((dated.isNew ? Status.new : .persisting).rawValue)
            cells.append(text(report.explanation(of: item)))
            let itemID = item.itemID(provider: report.provider)?.rawValue ?? ""
            out +=
                (cells + run + [item.matchedBy.map(text) ?? "", itemID] + marked(report.mark(of: item))).map(quote)
                .joined(separator: ",") + "\r\n"
        }
        for item in report.openFromEarlier {
            var cells = [item.breakClass.rawValue, item.breakClass.severity.rawValue, text(item.reference), item.kind.name]
            cells += [item.providerAmount?.decimalString ?? "", item.providerAmount?.currency.code ?? "", "", ""]
            cells += [
                item.ledgerAmount?.decimalString ?? "", item.ledgerAmount?.currency.code ?? "", item.ledgerStatus.map(text) ?? "",
                "",
            ]
            cells += ["", "", item.firstSeen.description, String(item.age(on: report.window.to)), "", "", ""]
            cells.append(Status.openFromEarlier.rawValue)
            cells.append(text("\(item.breakClass.rawValue): open since \(item.firstSeen); this run's data did not explain it"))
            out +=
                (cells + run + ["", item.id(provider: report.provider).rawValue] + marked(report.mark(of: item))).map(quote)
                .joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// `item_state`, `assignee`, `last_note`: people's text neutralised like the provider's.
    static func marked(_ mark: ItemMark?) -> [String] {
        guard let mark else { return ["", "", ""] }
        return [mark.state, mark.assignee.map(text) ?? "", mark.lastNote.map(text) ?? ""]
    }

    /// Neutralises a free-text cell: one that begins with a character a spreadsheet reads as the
    /// start of a formula gets a `'` prefix, so it shows as text.
    ///
    /// OWASP's list is `=`, `+`, `-`, `@`, TAB and CR; LF and the full-width forms of `=`, `+`,
    /// `-` and `@` (which some spreadsheets fold to ASCII) are added. Only provider- or
    /// ledger-supplied text goes through here; Tally's own numbers stay numbers.
    public static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first else { return value }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return "'" + value
        default: return value
        }
    }

    /// RFC 4180: quote a cell holding a comma, quote, CR or LF, doubling inner quotes. A cell with a
    /// `;` or TAB is quoted too, so a spreadsheet that splits on those (the semicolon locales) keeps
    /// it one cell and no split-off part can start a formula.
    public static func quote(_ cell: String) -> String {
        guard cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A || $0 == 0x3B || $0 == 0x09 })
        else { return cell }
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
