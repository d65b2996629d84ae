import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyTestSupport
import Testing

/// The same inputs give the same answer, whatever ran before: a window run twice in a row reports
/// the same breaks, delta, resolutions and open items — on the samples (the two sample nights with
/// the overnight correction) and over random sequences of nights, reruns and ledger corrections of a
/// generated ledger. Every run goes through the engine against the real PostgreSQL.
@Suite(.freshDatabase, .serialized) struct RerunDeterminismTests {
    /// What a run answered, without its run ids and times: the parts a rerun must repeat.
    struct Answer: Equatable, CustomStringConvertible {
        var breaks: [String]
        var delta: [String: Int]
        var resolved: [String]
        var open: [String]
        var description: String {
            (["delta \(delta.sorted { $0.key < $1.key })"] + breaks.map { "break " + $0 } + resolved.map { "resolved " + $0 }
                + open.map { "open " + $0 }).joined(separator: "\n")
        }
    }

    /// A JSON value as text with sorted keys: never in a dictionary's hash order.
    static func canonical(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func answer(_ directory: URL) throws -> Answer {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        func rows(_ key: String, _ fields: [String]) -> [String] {
            ((report[key] as? [[String: Any]]) ?? []).map { row in fields.map { canonical(row[$0]) }.joined(separator: " ") }
        }
        return Answer(
            breaks: rows(
                "breaks", ["class", "reference", "kind", "provider", "ledger", "first_seen", "age_days", "new"]),
            delta: report["delta"] as? [String: Int] ?? [:],
            resolved: rows("resolved", ["reference", "kind", "class", "first_seen", "resolved_as"]),
            open: rows("open_items", ["class", "reference", "kind", "first_seen", "age_days"]))
    }

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-rerun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs a window through the engine and returns its answer.
    static func run(_ files: [String], from: String, to: String, out: URL) throws -> Answer {
        try? FileManager.default.removeItem(at: out)
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: files, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!,
            lookbackDays: 3, lookaheadDays: 1, databaseURL: FreshDatabase.url, outDirectory: out.path)
        _ = try ReconciliationRun(options: options).run()
        return try answer(out)
    }

    /// Runs the window, then the same window again, and expects both answers to be equal.
    static func runTwice(_ files: [String], from: String, to: String, out: URL, context: String) throws -> Answer {
        let first = try run(files, from: from, to: to, out: out)
        let again = try run(files, from: from, to: to, out: out)
        #expect(first == again, "rerun of \(from)..\(to) after \(context) differs:\n--- first\n\(first)\n--- rerun\n\(again)")
        return first
    }

    // MARK: - The samples

    static let samples = SampleLedger.root

    func loadSamples() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try SampleLedger.load(into: db)
        return db
    }

    /// The story: night 1, the overnight corrections, night 2 twice. Night 1 settled the
    /// line of `ch_oxEBy6GXn6u2Yr_timing_0312` before its ledger row's day; the second run of
    /// night 2 must remember that as the first did, not report the row as missing in the provider.
    @Test func theSampleNightsRerunToTheSameAnswer() throws {
        let db = try loadSamples()
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nightOne = Self.samples.appendingPathComponent("stripe/acmepay_2026-03-10_2026-03-11.csv").path
        let nightTwo = Self.samples.appendingPathComponent("stripe/acmepay_2026-03-12.csv").path
        let one = try Self.runTwice(
            [nightOne], from: "2026-03-10", to: "2026-03-11", out: directory.appendingPathComponent("1"), context: "nothing")
        #expect(one.breaks.count == 15)
        #expect(one.delta == ["new": 12, "persisting": 0, "resolved": 0])
        try SampleLedger.applyNightTwoCorrections(to: db)
        let two = try Self.runTwice(
            [nightTwo], from: "2026-03-12", to: "2026-03-12", out: directory.appendingPathComponent("2"), context: "night 1")
        #expect(two.breaks.count == 2)
        #expect(!two.breaks.contains { $0.contains("ch_oxEBy6GXn6u2Yr_timing_0312") })
        #expect(two.delta == ["new": 0, "persisting": 9, "resolved": 3])
        // and once more after rerunning night 1 in between
        _ = try Self.run([nightOne], from: "2026-03-10", to: "2026-03-11", out: directory.appendingPathComponent("1"))
        let three = try Self.runTwice(
            [nightTwo], from: "2026-03-12", to: "2026-03-12", out: directory.appendingPathComponent("2"),
            context: "a rerun of night 1")
        #expect(three == two)
        // the silent record a night uses up is never shown as a resolution
        let store = ResultStore(connection: db)
        for run in try store.runs(provider: "acmepay", since: nil, limit: 20) {
            #expect(try store.resolutions(runID: run.id).allSatisfy { $0.reference != "ch_oxEBy6GXn6u2Yr_timing_0312" })
        }
    }

    // MARK: - Random sequences on a generated ledger

    /// A small deterministic generator (SplitMix64): the same seed, the same story.
    struct Seeded {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// Four days of charges with every shape that carries memory from night to night: lines that
    /// settle a day late, ledger rows created after the day their line settled, rows the ledger only
    /// learns of later, amounts corrected later, a duplicated line.
    struct Story {
        static let days = ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04"]
        var rows: [PaymentRow] = []
        /// Settlement lines per day: (reference, gross minor).
        var lines: [[(String, Int64)]] = Array(repeating: [], count: days.count)
        /// Ledger changes applied between nights, in order.
        var changes: [String] = []

        init(seed: UInt64) {
            var random = Seeded(state: seed)
            var id = 1
            for (day, date) in Self.days.enumerated() {
                for number in 0..<10 {
                    let reference = "ch_\(day)_\(number)_\(seed % 1000)"
                    let minor = Int64(100 + random.next(9_900))
                    let created = "\(date) \(10 + number):00:00+00"
                    func row(_ createdAt: String = created, amount: Int64 = minor) -> PaymentRow {
                        defer { id += 1 }
                        return PaymentRow(id: id, reference: reference, amountMinor: amount, createdAt: createdAt)
                    }
                    let next = min(day + 1, Self.days.count - 1)
                    switch random.next(10) {
                    case 0:  // settles the next day (missing_in_provider, then resolved)
                        rows.append(row())
                        lines[next].append((reference, minor))
                    case 1:  // settled before the ledger row's day (timing_difference, remembered)
                        if day + 1 < Self.days.count {
                            rows.append(row("\(Self.days[day + 1]) 00:30:00+00"))
                        } else {
                            rows.append(row())
                        }
                        lines[day].append((reference, minor))
                    case 2:  // the ledger learns of it later (missing_internally, then matched)
                        lines[day].append((reference, minor))
                        let late = row("\(date) 23:00:00+00")
                        changes.append(
                            "INSERT INTO payments (id, provider, provider_ref, kind, amount_minor, currency, status, created_at, updated_at) VALUES (\(late.id), 'acmepay', '\(reference)', 'charge', \(minor), 'EUR', 'succeeded', '\(late.createdAt)', now())"
                        )
                    case 3:  // wrong amount in the ledger, corrected later (amount_mismatch, then corrected)
                        rows.append(row(amount: minor + 1 + Int64(random.next(50))))
                        lines[day].append((reference, minor))
                        changes.append("UPDATE payments SET amount_minor = \(minor) WHERE provider_ref = '\(reference)'")
                    case 4:  // settled twice (duplicate_in_provider)
                        rows.append(row())
                        lines[day].append((reference, minor))
                        lines[day].append((reference, minor))
                    default:
                        rows.append(row())
                        lines[day].append((reference, minor))
                    }
                }
            }
            var shuffled: [String] = []
            while !changes.isEmpty { shuffled.append(changes.remove(at: random.next(changes.count))) }
            changes = shuffled
        }

        func file(day: Int, in directory: URL) throws -> String {
            var scenario = StripeScenario()
            for (reference, minor) in lines[day] {
                scenario.line(
                    reference, category: "charge", gross: String(format: "%d.%02d", minor / 100, minor % 100), currency: "EUR",
                    created: "\(Self.days[day]) 12:00:00")
            }
            let url = directory.appendingPathComponent("stripe-\(Self.days[day]).csv")
            try scenario.csv().write(to: url)
            return url.path
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomSequencesOfNightsAndRerunsAgree(seed: UInt64) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        let story = Story(seed: seed)
        try TestLedger.insert(story.rows, into: db)
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try Story.days.indices.map { try story.file(day: $0, in: directory) }

        var random = Seeded(state: seed &* 7919)
        var pending = story.changes[...]
        var history: [String] = []
        var ran = 0
        for _ in 0..<10 {
            if !pending.isEmpty, random.next(3) == 0 {
                try db.execute(pending.removeFirst())
                history.append("a ledger change")
                continue
            }
            // mostly the next night, sometimes an earlier one again, sometimes two days at once
            let day = random.next(Story.days.count)
            let span = day + 1 < Story.days.count && random.next(4) == 0 ? 2 : 1
            let window = Array(files[day..<(day + span)])
            _ = try Self.runTwice(
                window, from: Story.days[day], to: Story.days[day + span - 1],
                out: directory.appendingPathComponent("out-\(day)-\(span)"), context: history.joined(separator: ", "))
            history.append("\(Story.days[day])+\(span)")
            ran += 1
        }
        #expect(ran > 0)
    }
}
