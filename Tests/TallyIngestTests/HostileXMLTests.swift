import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Files built to hurt an XML parser: each must end in a clear ``IngestError`` (exit 65 in a run),
/// never a crash, a hang, an expansion or a request. None of these tests measures time: an
/// expansion or a network fetch would show up as content or as an error other than the one asserted.
@Suite struct HostileXMLTests {
    static let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    static let open = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Id>S</Id>"
    static let close = "</Stmt></BkToCstmrStmt></Document>\n"

    func error(_ bytes: [UInt8]) -> IngestError? {
        do {
            _ = try CamtReaderTests.read(bytes: bytes)
            return nil
        } catch let error as IngestError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func anExternalEntityIsNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("tally-secret-\(UUID().uuidString).txt")
        try Data("TOP-SECRET".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml =
            Self.head + "<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file://\(secret.path)\">]>\n" + Self.open
            + "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>&xxe;</AcctSvcrRef></Ntry>" + Self.close
        let error = try #require(self.error(Array(xml.utf8)))
        #expect(error.code == .hostileXML)
        #expect(error.message.contains("DOCTYPE"))
        #expect(!error.description.contains("TOP-SECRET"))
    }

    @Test func billionLaughsIsRefusedAtTheDoctype() throws {
        var doctype = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        doctype += "]>\n"
        let xml = Self.head + doctype + Self.open + "<Ntry><AcctSvcrRef>&lol9;</AcctSvcrRef></Ntry>" + Self.close
        let error = try #require(self.error(Array(xml.utf8)))
        #expect(error.code == .hostileXML)
    }

    @Test func anExternalDTDIsNotFetched() throws {
        let xml = Self.head + "<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n" + Self.open + Self.close
        #expect(self.error(Array(xml.utf8))?.code == .hostileXML)
    }

    /// The refusal names the line the DOCTYPE starts on, not the one libxml2 had read ahead to
    /// (issue 17: 11 or 13 for a DOCTYPE on line 2).
    @Test(arguments: [
        (Self.head, "\n", 2),
        (Self.head, "\r\n", 2),
        (Self.head, "\r", 2),
        // a comment (holding a DOCTYPE of its own) and a processing instruction before it
        (Self.head + "<!-- one\ntwo <!DOCTYPE fake> -->\n<?tally x\ny?>\n", "\n", 6),
        ("", "\n", 1),
    ])
    func theDoctypeRefusalNamesTheDoctypesLine(_ prolog: String, _ newline: String, _ line: Int) throws {
        let entry = "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>A</AcctSvcrRef></Ntry>"
        let body = Self.open + "\n" + Array(repeating: entry, count: 60).joined(separator: "\n") + "\n" + Self.close
        let xml = prolog + "<!DOCTYPE Document [\n<!ENTITY a \"b\">\n]>\n" + body
        let error = try #require(self.error(Array(xml.replacingOccurrences(of: "\n", with: newline).utf8)))
        #expect(error.code == .hostileXML)
        #expect(error.line == line)
    }

    @Test func anUndeclaredEntityIsAnError() throws {
        let xml = Self.head + Self.open + "<Ntry><AcctSvcrRef>&undeclared;</AcctSvcrRef></Ntry>" + Self.close
        let error = try #require(self.error(Array(xml.utf8)))
        #expect(error.code == .malformed || error.code == .hostileXML)
    }

    @Test func aHundredMegabyteTextNodeStopsAtLibxml2sLimit() throws {
        var bytes = Array((Self.head + Self.open + "<Ntry><AddtlNtryInf>").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 100 << 20)
        bytes.append(contentsOf: Array(("</AddtlNtryInf></Ntry>" + Self.close).utf8))
        let error = try #require(self.error(bytes))
        #expect(error.code == .malformed)
        #expect(error.line != nil)
    }

    @Test func aTruncatedFileIsAnErrorNotHalfAStatement() throws {
        let xml =
            Self.head + Self.open
            + "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>A</AcctSvcrRef></Ntry><Ntry><Amt Ccy=\"EU"
        let error = try #require(self.error(Array(xml.utf8)))
        #expect(error.code == .malformed)
        #expect(error.message.contains("looks truncated"), "\(error.message)")
    }

    @Test func aWrongEncodingDeclarationIsAnError() throws {
        // declared UTF-8, but Latin-1 bytes in a name
        var bytes = Array((Self.head + Self.open + "<Ntry><AcctSvcrRef>M").utf8)
        bytes.append(0xFC)
        bytes.append(contentsOf: Array(("ller</AcctSvcrRef></Ntry>" + Self.close).utf8))
        #expect(self.error(bytes)?.code == .malformed)
        // declared UTF-16, but the bytes are UTF-8
        let utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + Self.open + Self.close
        #expect(self.error(Array(utf16.utf8))?.code == .malformed)
    }

    @Test func notXMLAtAllIsAnError() throws {
        #expect(self.error(Array("source_id,currency,gross\nch_1,eur,1.00\n".utf8))?.code == .malformed)
        #expect(self.error([])?.code == .malformed)
        let other = "<Document xmlns=\"urn:example\"><Foo/></Document>"
        #expect(self.error(Array(other.utf8))?.message.contains("no BkToCstmrStmt element") == true)
    }

    @Test func aHostileReferenceIsKeptAsText() throws {
        let xml =
            Self.head + Self.open
            + "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>&lt;img src=x onerror=alert(1)&gt;</AcctSvcrRef></Ntry>"
            + Self.close
        let sink = try CamtReaderTests.read(bytes: Array(xml.utf8))
        #expect(sink.transactions.map(\.reference) == ["<img src=x onerror=alert(1)>"])
    }
}
