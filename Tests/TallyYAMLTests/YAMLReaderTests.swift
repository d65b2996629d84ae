import TallyYAML
import Testing
import Yams

/// The one way every YAML reader reports a problem: the key path, a colon, what was expected.
@Suite struct YAMLReaderTests {
    static func mapping(_ text: String) throws -> Node.Mapping {
        try #require(try YAMLDocument.compose(text)?.mapping)
    }

    @Test func problemsCarryTheirKeyPaths() throws {
        let map = try Self.mapping("lookback_days: three\nmask_pii: maybe\nfail_on: low\nname: ''\nbogus: 1")
        let reader = YAMLReader()
        let base = "providers.acmepay."
        reader.allow(map, keys: ["lookback_days", "mask_pii", "fail_on", "name"], at: base)
        #expect(reader.integer(map, "lookback_days", in: 0...366, at: base) == nil)
        #expect(reader.flag(map, "mask_pii", at: base) == nil)
        #expect(reader.choice(map, "fail_on", ["high", "never"], at: base) == nil)
        #expect(reader.text(map, "name", at: base) == nil)
        #expect(reader.text(map, "absent", at: base) == nil)
        #expect(
            reader.problems == [
                "providers.acmepay.bogus: unknown key (expected one of lookback_days, mask_pii, fail_on, name)",
                "providers.acmepay.lookback_days: expected a whole number",
                "providers.acmepay.mask_pii: expected true or false, found 'maybe'",
                "providers.acmepay.fail_on: 'low' is not one of high, never",
                "providers.acmepay.name: expected a text value",
            ])
    }

    @Test func goodValuesAreRead() throws {
        let map = try Self.mapping("days: 400\nflag: Yes\nlevel: high")
        let reader = YAMLReader()
        #expect(reader.integer(map, "days", in: 0...366, at: "") == nil)
        #expect(reader.flag(map, "flag", at: "") == true)
        #expect(reader.choice(map, "level", ["high"], at: "") == "high")
        #expect(reader.problems == ["days: 400 is out of range 0…366"])
    }

    @Test func aKeyMayBeRefusedWithItsOwnReason() throws {
        let map = try Self.mapping("secret: x")
        let reader = YAMLReader()
        reader.allow(map, keys: ["url"], at: "endpoints[0].") { $0 == "secret" ? "never written here" : nil }
        #expect(reader.problems == ["endpoints[0].secret: never written here"])
    }

    @Test func documentsThatCannotBeRead() {
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.compose("a: [") }
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.text(path: "/nonexistent/tally.yml") }
        #expect("\(YAMLDocumentError.unreadable)" == "cannot read the file")
        #expect("\(YAMLDocumentError.notUTF8)" == "the file is not UTF-8")
    }
}
