import ArgumentParser
import Foundation
import TallyCore
import TallyPostgres
import TallyReport

extension Tally {
    /// `tally report RUN_ID` (a stored run's reports, written again) and `tally report period`.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stored run's reports again, or the month-end report of a period.",
            discussion: """
                Examples:
                  tally report 3f2a9c1e
                  tally report period --from 2026-03-01 --to 2026-03-31
                """,
            subcommands: [Stored.self, Period.self], defaultSubcommand: Stored.self)
    }
}

extension Tally.Report {
    /// `tally report [run] RUN_ID`: a stored run's reports, written again.
    struct Stored: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Write a stored run's reports again (report.html, report.json, breaks.csv); the default.",
            discussion: """
                Every run (but --dry-run) stores the reports it wrote in the tally schema, in the same \
                transaction as its results; this writes them again, byte for byte, e.g. after the \
                reports folder was cleaned or for a run whose folder was overwritten by a rerun. \
                Exit status: 0 written; 64 unknown run or a run stored before reports were kept; \
                69 database unavailable; 73 the folder cannot be written.

                Examples:
                  tally report 3f2a9c1e
                  tally report 3f2a9c1e --format html --out /tmp/march
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case html, json, csv

            var fileName: String {
                switch self {
                case .html: "report.html"
                case .json: "report.json"
                case .csv: "breaks.csv"
                }
            }
        }

        @OptionGroup var store: StoreOptions
        @Argument(help: "The run id (or a unique prefix of at least 6 characters).") var runID: String
        @Option(help: "Only this report: html, json or csv (default: all three).") var format: Format?
        @Option(help: "Folder to write to (default: reports/<provider>/<from>_<to>).") var out: String?

        func validate() throws {
            guard RunIDPrefix(runID) != nil else { throw ValidationError(RunIDPrefix.rule + ".") }
        }

        func run() throws {
            try withExitStatus {
                let (results, row) = try store.storedRun(runID)
                let wanted = format.map { [$0.fileName] } ?? Format.allCases.map(\.fileName)
                let stored = try results.reports(runID: row.id).filter { wanted.contains($0.name) }
                guard !stored.isEmpty else { throw ReportsNotStored(id: row.id) }
                let directory = out ?? "reports/\(row.provider)/\(row.from)_\(row.to)"
                let paths: [String]
                do {
                    paths = try ReportWriter(directory: directory).write(ReportWriter.Rendered(files: stored))
                } catch {
                    Console.error("tally: error: cannot write the reports to \(directory): \(error)")
                    throw ExitCode(ExitStatus.cannotCreate.rawValue)
                }
                Console.out("run \(row.id): \(row.provider) \(row.from)..\(row.to)")
                for path in paths { Console.out("  \(path)") }
            }
        }
    }
}

struct ReportsNotStored: Error, CustomStringConvertible {
    var id: String
    var description: String {
        "run \(id) has no stored reports (a dry run, a failed run, or a run from before tally report existed)"
    }
}
