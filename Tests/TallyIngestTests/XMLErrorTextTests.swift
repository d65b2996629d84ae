import Testing

@testable import TallyIngest

/// libxml2's parser messages become sentences that say what is wrong with the file.
@Suite struct XMLErrorTextTests {
    @Test func aCSVGivenAsCamtIsNamedAsNotXML() {
        let text = XMLErrorText.sentence("Document is empty", head: Array("\u{FEFF}type,id,amount\r\nx,y,z".utf8))
        #expect(text.hasPrefix("the file is not XML: it begins «type,id,amount», which looks like CSV"), "\(text)")
        #expect(text.contains("check the provider's format"))
        #expect(!text.contains("Document is empty"))
    }

    @Test func anEmptyFileIsSaidToBeEmpty() {
        #expect(XMLErrorText.sentence("Document is empty", head: Array(" \n\n".utf8)).hasPrefix("the file is empty"))
    }

    @Test func aLongOrControlFirstLineIsShortenedAndMadePrintable() {
        let shown = XMLErrorText.shown(Array(("\u{1B}[31m" + String(repeating: "x", count: 80)).utf8))
        #expect(shown?.hasPrefix("?[31m") == true)
        #expect(shown?.hasSuffix("…") == true)
        #expect(shown.map { $0.count } == 41)
    }

    @Test(arguments: [
        ("Premature end of data in tag Stmt line 3", "looks truncated"),
        ("Extra content at the end of the document", "looks truncated"),
        ("Input is not proper UTF-8, indicate encoding !", "not valid in its declared encoding"),
        ("Unsupported encoding ISO-9999", "not valid in its declared encoding"),
        ("Opening and ending tag mismatch: Ntry line 2 and Stmt", "the XML is not well formed: Opening and ending tag mismatch"),
    ])
    func knownMessagesSayWhatToDo(_ message: String, _ expected: String) {
        #expect(XMLErrorText.sentence(message, head: Array("<Document>".utf8)).contains(expected))
    }

    @Test func anErrorOnTheLastLineOfAWholeFileIsATruncation() {
        let cut = XMLErrorText.sentence("AttValue: ' expected", head: Array("<Document>".utf8), atLastLine: true)
        #expect(cut.contains("looks truncated") && cut.contains("AttValue"))
        let inside = XMLErrorText.sentence("AttValue: ' expected", head: Array("<Document>".utf8), atLastLine: false)
        #expect(inside == "the XML is not well formed: AttValue: ' expected")
    }
}
