import Testing

@testable import TallyCore

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain text, ünïcode", "plain text, ünïcode"),
        ("title\u{1B}]0;pwned\u{07}", "title\\x1b]0;pwned\\x07"),
        ("nul\u{0}del\u{7F}cr\r", "nul\\x00del\\x7fcr\\x0d"),
        ("c1\u{9B}31m", "c1\\u{9b}31m"),
        ("rtl\u{202E}txt\u{2066}", "rtl\\u{202e}txt\\u{2066}"),
        ("lines\nand\ttabs", "lines\nand\ttabs"),
    ])
    func escapesWhatATerminalWouldObey(_ text: String, _ expected: String) {
        #expect(TerminalText.escaped(text) == expected)
    }

    @Test func aOneLineFieldEscapesItsLayoutToo() {
        #expect(TerminalText.escaped("a\nb\tc", keepingLayout: false) == "a\\x0ab\\x09c")
    }
}

@Suite struct RunIDPrefixTests {
    @Test(arguments: ["0f2a9c", "0F2A9C", "0f2a9c41", "0f2a9c41-", "0f2a9c41-07ab", "0f2a9c41-07ab-4c1d-8e2f-0123456789ab"])
    func accepts(_ text: String) {
        #expect(RunIDPrefix(text)?.text == text.lowercased())
    }

    @Test(arguments: [
        "", "0f2a9", "%%%%%%", "______", "0f%%%%", "0f2a9c41_07", "0f2a9c410", "0f2a9c41-07ab-4c1d-8e2f-0123456789abc", "gggggg",
        " 0f2a9c", "0f2a9c\u{1B}",
    ])
    func refuses(_ text: String) {
        #expect(RunIDPrefix(text) == nil)
    }
}
