import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Tally's BAI2 and MT940 readers against independent parsers from PyPI (`bai2` 0.15, `mt-940` 5.1,
/// installed by `scripts/pg.sh install`, which `make test` runs) through `scripts/bank_differential.py`:
/// counts and sums per kind and currency of the entries that carry a reference, on files of
/// `scripts/gen_bank.py` (also against the generator's own truth) and on every provider sample.
/// Skipped loudly when python3 lacks the libraries, failing instead under `TALLY_REQUIRE_SAMPLES=1`.
@Suite struct BankDifferentialTests {
    static let scripts = Checkout.root.appendingPathComponent("scripts")

    /// Where the two sides disagree on a sample, and why Tally's reading is the one the file means.
    static let knownDifferences: [String: String] = [
        // bai2 0.15 reads BAI version 2 only, and stops at what it cannot parse
        "bai2/btrsvalidator__BTRS_valid.txt": "the library reads BAI version 2 only (this is BTRS 3)",
        "bai2/btrsvalidator__BTRS_invalid.txt": "the library reads BAI version 2 only",
        "bai2/btrsvalidator__emptyfile.txt": "the library reads BAI version 2 only",
        "bai2/moov@cdd8c75__sample1-btrs.txt": "the library reads BAI version 2 only",
        "bai2/btrsvalidator__BAI2_invalid.txt": "the library cannot read a type code split from its amount by an 88",
        "bai2/moov__sample2.txt": "the library cannot read a type code split from its amount by an 88 (the spec's own sample)",
        "bai2/btrsvalidator__BAI2_valid.txt": "the library refuses a 01 time with seconds (120000)",
        "bai2/moov__sample3.txt": "the library cannot read several records on one line (`…,2/   02,…`)",
        "bai2/zeptofs__group_trailer_without_number_of_accounts.bai2": "the library crashes on a 98 with two fields",
        // with check_integrity the library refuses files whose trailers are wrong; Tally reads them and fails the control
        "bai2/moov@21f8a30__example.txt": "wrong 49 record count: the library refuses the file, Tally fails the control",
        "bai2/moov__sample4-continuations-newline-delimited.txt": "wrong 49 record count: refused by the library",
        "bai2/moov__sample5-issue113.txt": "wrong 49 record count: refused by the library",
        "bai2/venturehacks@1982c4f__daily_with_missing_continuation.bai2": "wrong 49 record count: refused by the library",
        "bai2/venturehacks@1d5fadb__EOD_BAI2_wire_info_sample.TXT": "wrong 49 record count: refused by the library",
        "bai2/zeptofs__invalid_checksum_eod.bai2": "wrong 49 control total: refused by the library",
        // mt-940 5.1
        "mt940/cmxl__mt940.txt":
            "the library refuses the closing date 021131 (31 November); Tally reads the balance and rejects the DEM entries",
        "mt940/cmxl__mt940-iso8859-1.txt": "the library refuses the closing date 021131 (31 November)",
        "mt940/phpmt940-zetb__sample": "the library cannot read `:28C: /1` (a blank statement number)",
        "mt940/wolph-asnb__0708271685_09022020_164516.940.txt":
            "the library cannot read a :61: whose second line holds the counterparty name",
        "mt940/phpmt940-rabo__sample":
            "old Rabobank amounts with a decimal point (000000000300.00): Tally reads them, the library only some",
        "mt940/wolph-self__raphaelm.sta":
            "DEM (withdrawn in 2002) is no ISO 4217 code for Tally: its entries are rejects (the balances still add up)",
    ]

    static var librariesPresent: Bool {
        let present = (try? run(["-c", "import bai2, mt940"]).status) == 0
        if !present && !SharedSamples.required { _ = warnedOnce }
        return present || SharedSamples.required
    }

    private static let warnedOnce: Void = {
        FileHandle.standardError.write(
            Data(
                "SKIPPING the BAI2/MT940 differential tests: python3 lacks the PyPI parsers (python3 -m pip install mt-940 bai2, or scripts/pg.sh install)\n"
                    .utf8))
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `{"charge EUR": [count, sum_minor]}` as sorted lines.
    static func lines(_ json: String) throws -> [String]? {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        if object["error"] != nil { return nil }
        return object.map { key, value in
            let pair = value as! [NSNumber]
            return "\(key) \(pair[0].intValue) \(pair[1].int64Value)"
        }.sorted()
    }

    static func tally(_ sink: CollectingSink) -> [String] {
        Dictionary(grouping: sink.transactions) { "\($0.kind.name) \($0.amount.currency.code)" }.map { key, items in
            "\(key) \(items.count) \(items.reduce(Int64(0)) { $0 + $1.amount.minor })"
        }.sorted()
    }

    static func pypi(_ format: String, _ path: String) throws -> [String]? {
        let result = try run([scripts.appendingPathComponent("bank_differential.py").path, format, path])
        #expect(result.status == 0, "bank_differential.py \(format) \(path)")
        return try lines(result.output)
    }

    @Test(.enabled(if: librariesPresent), arguments: ["bai2", "mt940"], [1, 2, 3])
    func generatedFilesAgreeWithTheGeneratorAndThePyPIParser(_ format: String, _ seed: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-gen-\(UUID().uuidString).\(format)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let generated = try Self.run([
            Self.scripts.appendingPathComponent("gen_bank.py").path, "--format", format, "--entries", "2000", "--seed",
            String(seed), "--out", path,
        ])
        #expect(generated.status == 0)
        let truth = try JSONSerialization.jsonObject(with: Data(generated.output.utf8)) as! [String: Any]
        let expected = (truth["transactions"] as! [String: [NSNumber]]).map { "\($0.key) \($0.value[0]) \($0.value[1])" }.sorted()
        let sink = try BankSamples.read(path, format: format == "bai2" ? .bai2 : .mt940)
        #expect(Self.tally(sink) == expected)
        #expect(sink.rejects.isEmpty, "\(sink.rejects.prefix(3))")
        #expect(sink.controls.count == truth["controls"] as? Int)
        #expect(sink.controls.allSatisfy { $0.ok }, "\(sink.controls.filter { !$0.ok })")
        #expect(try Self.pypi(format, path) == expected)
    }

    @Test(.enabled(if: librariesPresent && SharedSamples.enabled("bai2") && SharedSamples.enabled("mt940")))
    func samplesAgreeWithThePyPIParsersButForTheKnownDifferences() throws {
        var agreed = 0
        var differences: [String] = []
        for folder in ["bai2", "mt940"] {
            let directory = SharedSamples.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                let key = "\(folder)/\(name)"
                let path = directory.appendingPathComponent(name).path
                let format = try FormatDetector.detect(SettlementFile(path: path, index: 0)) ?? .bai2
                let ours = Self.tally(try BankSamples.read(path, format: format))
                let theirs = try Self.pypi(folder, path)
                if ours == theirs {
                    agreed += 1
                    #expect(Self.knownDifferences[key] == nil, "\(key) agrees now: drop it from knownDifferences")
                } else if Self.knownDifferences[key] == nil {
                    differences.append("\(key): Tally \(ours), PyPI \(theirs.map { "\($0)" } ?? "cannot read it")")
                }
            }
        }
        #expect(differences.isEmpty, "\(differences)")
        #expect(agreed >= 40)
    }
}
