import TallyCore

/// The breaks table of `report.html`: the rows as compact JSON for the page's script (embedded
/// once), and the first rows as static HTML for a page read without script or printed.
///
/// Each row is an array, so 100,000 breaks stay a few megabytes:
/// `[class, reference, kind, provider amount, ledger amount, difference, provider currency,
/// ledger currency, ledger status, age days, new, file, line, detail, item id, item state]`, where class, kind, status
/// and file are indexes into the payload's `classes`, `kinds`, `statuses` and `files` (`-1`: none),
/// amounts are exact decimal strings in major units (`""`: no such side), `new` is 1 or 0, and
/// `detail` names the fields that differ, or a control's expected and actual values, and the item
/// id (`""` for a class that opens no item) is the reference cell's title; the item's state
/// (``TallyCore/ItemMark``, `""` without an item) is a badge beside the reference unless `open`.
struct BreakTable {
    /// Breaks rendered statically before the script takes over (and without script).
    static let staticRows = 100

    let report: RunReport
    private(set) var statuses: [String] = []
    private var statusIndex: [String: Int] = [:]

    init(_ report: RunReport) {
        self.report = report
        for dated in report.breaks {
            guard let status = dated.item.ledger?.status.text, statusIndex[status] == nil else { continue }
            statusIndex[status] = statuses.count
            statuses.append(status)
        }
    }

    /// The column headers, shared by the static table and the script (which reads `data-key`).
    static let columns: [(key: String, title: String, numeric: Bool)] = [
        ("class", "Class", false), ("severity", "Severity", false), ("new", "New", false),
        ("reference", "Reference", false), ("kind", "Kind", false), ("provider", "Provider amount", true),
        ("ledger", "Ledger amount", true), ("difference", "Difference", true), ("currency", "Currency", false),
        ("status", "Ledger status", false), ("age", "Age (days)", true), ("place", "File:line", false),
    ]

    /// The payload of `<script type="application/json" id="tally-breaks">`.
    func payload() -> [UInt8] {
        var json = ScriptJSON(capacity: 160 * report.breaks.count + 1024)
        json.raw(#"{"window_to":"#)
        json.string(report.window.to.description)
        json.raw(#","classes":["#)
        for (index, breakClass) in report.shownClasses.enumerated() {
            if index > 0 { json.raw(",") }
            json.strings([breakClass.rawValue, breakClass.severity.rawValue])
        }
        json.raw(#"],"kinds":"#)
        json.strings(TransactionKind.allCases.map(\.name))
        json.raw(#","statuses":"#)
        json.strings(statuses)
        json.raw(#","files":"#)
        json.strings(report.files.map(\.path))
        json.raw(#","rows":["#)
        let classIndex = Dictionary(uniqueKeysWithValues: report.shownClasses.enumerated().map { ($1, $0) })
        let kindIndex = Dictionary(uniqueKeysWithValues: TransactionKind.allCases.enumerated().map { ($1, $0) })
        for (number, dated) in report.breaks.enumerated() {
            let item = dated.item
            let cells = Cells(item)
            if number > 0 { json.raw(",\n") }
            json.raw("[")
            json.int(classIndex[item.breakClass]!)
            json.raw(",")
            json.string(item.reference)
            json.raw(",")
            json.int(item.kindName == nil ? -1 : kindIndex[item.kind]!)
            for text in [cells.provider, cells.ledger, cells.difference, cells.providerCurrency, cells.ledgerCurrency] {
                json.raw(",")
                json.string(text)
            }
            json.raw(",")
            json.int(item.ledger.map { statusIndex[$0.status.text]! } ?? -1)
            json.raw(",")
            json.int(dated.ageDays)
            json.raw(dated.isNew ? ",1," : ",0,")
            json.int(item.provider.map { report.files.indices.contains($0.location.file) ? $0.location.file : -1 } ?? -1)
            json.raw(",")
            json.int(item.provider?.location.line ?? 0)
            json.raw(",")
            json.string(cells.detail)
            json.raw(",")
            json.string(item.itemID(provider: report.provider)?.rawValue ?? "")
            json.raw(",")
            json.string(report.mark(of: item)?.state ?? "")
            json.raw("]")
        }
        json.raw("]}")
        return json.bytes
    }

    /// The first ``staticRows`` rows as `<tr>` elements, cell for cell what the script renders.
    func staticBody() -> String {
        let e = HTMLEscaping.escape
        var html = ""
        for dated in report.breaks.prefix(Self.staticRows) {
            let item = dated.item
            let cells = Cells(item)
            let severity = item.severity.rawValue
            let currency = cells.currency
            let path = item.provider.map { report.path(ofFile: $0.location.file) } ?? ""
            html += "<tr><td>\(Self.breakable(item.breakClass.rawValue))"
            if !cells.detail.isEmpty { html += "<span class=\"detail\">\(e(cells.detail))</span>" }
            html += "</td><td class=\"sev \(severity)\">\(severity)</td>"
            html +=
                dated.isNew
                ? "<td><span class=\"badge new\">new</span></td>" : "<td><span class=\"badge persisting\">persisting</span></td>"
            html +=
                "<td class=\"ref\"\(Self.itemTitle(item.itemID(provider: report.provider)))><code>\(e(item.reference))</code>"
                + Self.stateBadge(report.mark(of: item)?.state) + "</td>"
            html += "<td>\(item.kindName ?? "")</td>"
            html +=
                "<td class=\"num\">\(HTMLFormat.grouped(cells.provider))</td><td class=\"num\">\(HTMLFormat.grouped(cells.ledger))</td>"
            html += "<td class=\"num\">\(HTMLFormat.grouped(cells.difference))</td><td>\(currency)</td>"
            html += "<td>\(e(item.ledger?.status.text ?? ""))</td><td class=\"num\">\(dated.ageDays)</td>"
            if let side = item.provider {
                html +=
                    "<td class=\"place\" title=\"\(e(path))\">\(Self.breakable(Self.fileName(path))):\(side.location.line)</td></tr>\n"
            } else {
                html += "<td class=\"place\"></td></tr>\n"
            }
        }
        return html
    }

    /// The reference cell's title naming its item (` title="item it_…"`), empty without one; the
    /// script sets the same.
    static func itemTitle(_ id: ItemID?) -> String { id.map { " title=\"item \($0.rawValue)\"" } ?? "" }

    /// The item's state as a badge after the reference, nothing for `open` or no item.
    static func stateBadge(_ state: String?) -> String {
        guard let state, state != "open", !state.isEmpty else { return "" }
        return " <span class=\"badge item-state\">\(HTMLEscaping.escape(state))</span>"
    }

    /// The last path component, as the File:line column shows it (the full path is its title).
    /// A file or class name, escaped, with a line-break opportunity (`<wbr>`) after each `_`, `-` and `.`,
    /// so a long name wraps between its parts instead of widening the table or breaking anywhere.
    /// The script's `breakable` does the same.
    static func breakable(_ name: String) -> String {
        var html = ""
        for character in name {
            html += HTMLEscaping.escape(String(character))
            if character == "_" || character == "-" || character == "." { html += "<wbr>" }
        }
        return html
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }

    /// The text cells of one break, shared by the payload and the static rows.
    struct Cells {
        var provider = ""
        var ledger = ""
        var difference = ""
        var providerCurrency = ""
        var ledgerCurrency = ""
        /// What the Currency column shows: the one currency, or `provider / ledger` when they differ.
        var currency = ""
        var detail = ""

        init(_ item: Break) {
            if let side = item.provider {
                provider = side.amount.decimalString
                providerCurrency = side.amount.currency.code
            }
            if let side = item.ledger {
                ledger = side.amount.decimalString
                ledgerCurrency = side.amount.currency.code
            }
            if let p = item.provider?.amount, let l = item.ledger?.amount, p.currency == l.currency {
                let (gap, overflow) = p.minor.subtractingReportingOverflow(l.minor)
                if !overflow { difference = MoneyFormatter.decimal(gap, exponent: p.currency.exponent) }
            }
            if providerCurrency.isEmpty || ledgerCurrency.isEmpty || providerCurrency == ledgerCurrency {
                currency = providerCurrency.isEmpty ? ledgerCurrency : providerCurrency
            } else {
                currency = "\(providerCurrency) / \(ledgerCurrency)"
            }
            if let control = item.control {
                detail = "expected \(control.expected), actual \(control.actual)"
            } else if !item.differences.isEmpty {
                detail = item.differences.map(\.rawValue).joined(separator: ", ")
            }
        }
    }
}

/// Number formatting for the pages.
enum HTMLFormat {
    /// Groups the integer digits of a decimal string by thousands: `"-1234567.80"` → `"-1,234,567.80"`.
    static func grouped(_ decimal: String) -> String {
        guard !decimal.isEmpty else { return decimal }
        var sign = ""
        var digits = Substring(decimal)
        if digits.hasPrefix("-") {
            sign = "-"
            digits = digits.dropFirst()
        }
        let integer = digits.prefix { $0 != "." }
        let fraction = digits.dropFirst(integer.count)
        var grouped = ""
        for (offset, character) in integer.enumerated() {
            if offset > 0 && (integer.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return sign + grouped + fraction
    }

    /// An amount in minor units with its currency code: `"1,234.50 EUR"`.
    static func money(_ minor: Int64, _ currency: Currency) -> String {
        grouped(MoneyFormatter.decimal(minor, exponent: currency.exponent)) + " " + currency.code
    }

    /// A count with thousands separators.
    static func count(_ value: Int) -> String { grouped(String(value)) }
}
