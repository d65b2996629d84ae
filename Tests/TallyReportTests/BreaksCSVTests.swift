import TallyCore
import TallyIngest
import TallyTestFixtures
import Testing

@testable import TallyReport

@Suite struct BreaksCSVTests {
    /// Parses CSV bytes with Tally's own RFC 4180 reader.
    func parse(_ bytes: [UInt8]) throws -> [[String]] {
        var rows: [[String]] = []
        var reader = CSVReader(bytes: bytes)
        try reader.forEachRecord { record in
            rows.append((0..<record.count).map { record.string($0) ?? "<invalid UTF-8>" })
        }
        return rows
    }

    @Test(arguments: [
        ("=1+1", "'=1+1"), ("+31 20 123", "'+31 20 123"), ("-2+3", "'-2+3"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("\n=1", "'\n=1"), ("\u{FF1D}1+1", "'\u{FF1D}1+1"),
        ("plain", "plain"), ("", ""), ("a=b", "a=b"), ("'quoted", "'quoted"),
    ])
    func neutralisesFormulaStarts(_ input: String, _ expected: String) {
        #expect(BreaksCSV.text(input) == expected)
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r", "\"cr\r\""), ("a;=1+1", "\"a;=1+1\""), ("tab\there", "\"tab\there\""), ("é 🙂", "é 🙂"),
    ])
    func quotesPerRFC4180(_ input: String, _ expected: String) {
        #expect(BreaksCSV.quote(input) == expected)
    }

    /// Quotes, commas, newlines, semicolons and non-ASCII text come back exactly (neutralised
    /// cells with their `'`), and every row has every column.
    @Test func roundTripsThroughAnRFC4180Reader() throws {
        let hostile = "=HYPERLINK(\"http://x\",\"a,b\")\r\nnext;line é 🙂"
        let report = ReportFixture.everyShape(hostile: hostile)
        let bytes = BreaksCSV.render(report)
        let rows = try parse(bytes)
        #expect(rows.first == BreaksCSV.header)
        #expect(!report.openFromEarlier.isEmpty)
        #expect(rows.count == report.breaks.count + report.openFromEarlier.count + 1)
        #expect(rows.allSatisfy { $0.count == BreaksCSV.header.count })
        let column = Dictionary(uniqueKeysWithValues: BreaksCSV.header.enumerated().map { ($1, $0) })
        let planted = try #require(rows.first { $0[column["class"]!] == "missing_internally" })
        #expect(planted[column["reference"]!] == "'" + hostile)
        #expect(planted[column["provider_file"]!] == "inbox/\(hostile).csv")
        let status = try #require(rows.first { $0[column["class"]!] == "status_mismatch" })
        #expect(status[column["ledger_status"]!] == "'" + hostile)
        let control = try #require(rows.first { $0[column["class"]!] == "control_mismatch" })
        #expect(control[column["kind"]!] == "")
        #expect(control[column["control_expected"]!] == "10.00 EUR")
        #expect(control[column["control_actual"]!] == "'" + hostile)
        let matched = try #require(rows.first { $0[column["reference"]!] == "ch_old_amount" })
        #expect(matched[column["age_days"]!] == "6")
        // every row names its run; tonight's breaks say new or persisting and the rule that decided them
        #expect(
            rows.dropFirst().allSatisfy {
                $0[column["run_id"]!] == report.runID && $0[column["provider"]!] == report.provider
                    && $0[column["window_from"]!] == report.window.from.description
                    && $0[column["window_to"]!] == report.window.to.description
            })
        #expect(matched[column["status"]!] == "persisting")
        #expect(planted[column["status"]!] == "new")
        #expect(planted[column["description"]!].hasPrefix("missing_internally: no ledger row with"))
        let earlier = rows.filter { $0[column["status"]!] == "open_from_earlier" }
        #expect(earlier.map { $0[column["reference"]!] } == report.openFromEarlier.map { BreaksCSV.text($0.reference) })
        #expect(!earlier.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(earlier.allSatisfy { $0[column["description"]!].contains("open since") })
        // Nothing but the neutralised cells starts with a formula character.
        for row in rows.dropFirst() {
            for (index, cell) in row.enumerated() where ["=", "+", "@"].contains(cell.first) {
                Issue.record("cell \(BreaksCSV.header[index]) starts a formula: \(cell)")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.hasPrefix("\u{FEFF}"))
    }

    @Test func negativeAmountsStayNumbers() throws {
        var reconciler = Reconciler(window: ReportFixture.window)
        let eur = { Money(minor: $0, currency: .eur) }
        reconciler.addTransaction(
            SettlementTransaction(
                reference: "-ref", kind: .refund, amount: eur(1_000), location: SourceLocation(file: 0, line: 2)))
        var ledger = reconciler.ledgerPhase()
        ledger.addLedgerRow(
            LedgerRecord(
                reference: "-ref", kind: .refund, amount: eur(1_001), status: .succeeded,
                createdAt: Timestamp(date: ReportFixture.from, hour: 9)))
        let report = RunReport(
            runID: "r", provider: "p", format: "stripe", window: ReportFixture.window, timezone: "UTC", dryRun: true,
            startedAt: Timestamp(microseconds: 0), finishedAt: Timestamp(microseconds: 0),
            files: [RunReport.File(path: "f.csv", sha256: "", records: 1, rejected: 0)], lookbackDays: 3,
            lookaheadDays: 1, amountToleranceMinor: 0, result: ledger.finish())
        let rows = try parse(BreaksCSV.render(report))
        let column = Dictionary(uniqueKeysWithValues: BreaksCSV.header.enumerated().map { ($1, $0) })
        #expect(rows[1][column["difference"]!] == "-0.01")
        #expect(rows[1][column["reference"]!] == "'-ref")
        #expect(rows[1][column["provider_amount"]!] == "10.00")
    }
}
