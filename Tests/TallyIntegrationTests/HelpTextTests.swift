import Foundation
import TallyTestSupport
import Testing

/// `--help` of every command, found by walking the SUBCOMMANDS sections: prose never shows a
/// backslash left over from a Swift line continuation (`\\` at the end of a source line prints
/// one); only the shell examples may end a line with one.
@Suite struct HelpTextTests {
    let cli = CommandLineTests()

    func commands(_ path: [String] = []) throws -> [[String]] {
        let help = try cli.tally(path + ["--help"])
        #expect(help.status == 0, "\(path): \(help.output)")
        var found = [path]
        var inSubcommands = false
        for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inSubcommands = true
                continue
            }
            guard inSubcommands else { continue }
            // a subcommand's own line: two spaces, a name, then its abstract
            if line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                name.allSatisfy({ $0.isLetter || $0 == "-" }), name != "See"
            {
                found += try commands(path + [String(name)])
            }
        }
        return found
    }

    @Test func noStrayBackslashInAnyHelp() throws {
        let all = try commands()
        #expect(all.count >= 15, "\(all)")
        for path in all {
            let help = try cli.tally(path + ["--help"]).stdout
            let prose = help.components(separatedBy: "Example").first ?? help
            #expect(!prose.contains("\\"), "tally \(path.joined(separator: " ")) --help: \(prose)")
        }
    }
}
