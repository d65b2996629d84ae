import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// `tally.runs.options`: the stored text keeps its keys and bytes, and old rows still read.
@Suite struct StoredRunOptionsTests {
    static func options(referenceColumn: String?) -> RunOptions {
        RunOptions(
            provider: "acmepay", format: .stripe, files: ["inbox/a.csv", "b é.csv"], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-10")!, lookbackDays: 5, lookaheadDays: 2, amountToleranceMinor: 7,
            readerOptions: ReaderOptions(referenceColumn: referenceColumn), maxRejects: 10, maskPII: true)
    }

    /// The bytes JSONSerialization wrote with `.sortedKeys` before the options were typed.
    @Test(
        arguments: [
            (
                nil,
                #"{"amount_tolerance_minor":7,"files":["inbox\/a.csv","b é.csv"],"lookahead_days":2,"lookback_days":5,"mask_pii":true,"max_rejects":10,"reference_column":null}"#
            ),
            (
                "charge_id",
                #"{"amount_tolerance_minor":7,"files":["inbox\/a.csv","b é.csv"],"lookahead_days":2,"lookback_days":5,"mask_pii":true,"max_rejects":10,"reference_column":"charge_id"}"#
            ),
        ] as [(String?, String)])
    func theStoredTextIsUnchanged(_ column: String?, _ expected: String) {
        let stored = StoredRunOptions(Self.options(referenceColumn: column))
        #expect(stored.json == expected)
        #expect(StoredRunOptions(json: expected) == stored)
    }

    /// jsonb gives the keys back in its own order and spacing.
    @Test func aRowAsPostgresReturnsItReads() {
        let row =
            #"{"files": ["x.csv"], "mask_pii": false, "max_rejects": 1000, "lookback_days": 3, "lookahead_days": 1, "reference_column": null, "amount_tolerance_minor": 250}"#
        let stored = StoredRunOptions(json: row)
        #expect(stored.files == ["x.csv"])
        #expect(stored.amountToleranceMinor == 250)
        #expect(stored.referenceColumn == nil)
    }

    @Test(arguments: ["{}", "", "[1]", #"{"lookback_days": "three", "files": 7}"#])
    func missingOrOddKeysTakeTheDefaults(_ row: String) {
        let stored = StoredRunOptions(json: row)
        #expect(stored.lookbackDays == 3)
        #expect(stored.lookaheadDays == 1)
        #expect(stored.amountToleranceMinor == 0)
        #expect(stored.maxRejects == 1000)
        #expect(stored.files.isEmpty)
        #expect(stored.maskPII == false)
    }
}
