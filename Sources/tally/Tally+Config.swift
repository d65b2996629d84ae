import ArgumentParser
import Foundation
import TallyEngine
import TallyIngest

extension Tally {
    /// `tally config`: the config file.
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with the config file (tally.yml).",
            subcommands: [Check.self])

        /// `tally config check`: every problem of a config file with its key path.
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate a config file and print every problem with its key path.",
                discussion: """
                    Unknown keys are errors. Passwords must come from password_env or password_file, never \
                    from the file itself; both are checked to be available. Exit status 0 when the file is \
                    valid, 64 when it is not.

                    Examples:
                      tally config check --config /etc/tally/tally.yml
                      TALLY_CONFIG=samples/tally.yml tally config check
                    """)

            @Option(help: "Config file (default: TALLY_CONFIG, then ./tally.yml).")
            var config: String?

            func run() throws {
                guard let path = TallyConfig.locate(flag: config) else {
                    Console.error("tally: error: no config file: pass --config PATH, set TALLY_CONFIG, or create ./tally.yml")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                let problems = TallyConfig.check(path: path)
                let loaded = problems.isEmpty ? try? TallyConfig.load(path: path) : nil
                guard let loaded, problems.isEmpty else {
                    Console.error(ConfigError(path: path, problems: problems).description)
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                Console.out("\(path): ok")
                for provider in loaded.providers {
                    let files = provider.filePattern.map { "files \($0)" } ?? "no file_pattern (give --file)"
                    Console.out(
                        "  \(provider.name): \(provider.format.rawValue), \(files)\(provider.ledgerQuery == nil ? "" : ", own ledger query")"
                    )
                }
            }
        }
    }
}
