import ArgumentParser
import Foundation
import TallyCore
import TallyEngine
import TallyPostgres
import TallyReport

extension Tally.Report {
    /// `tally report period`: the month-end report from the store (docs/reports.md, "The period report").
    struct Period: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write period.html and period.json: a period's figures per provider and currency from the store.",
            discussion: """
                From the current runs whose window lies inside [--from, --to] and the item events of those \
                days (UTC): settled and matched amounts, match rate by count and amount, fees and payouts, \
                breaks opened, resolved by the reconciler, confirmed, written off and explained (with amounts \
                and reasons), still open at the end by age, and who did what.

                Example:
                  tally report period --from 2026-03-01 --to 2026-03-31 --provider acmepay --out reports/2026-03
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "The period's first day (YYYY-MM-DD).") var from: String
        @Option(help: "The period's last day (YYYY-MM-DD).") var to: String
        @Option(help: "Only this provider.") var provider: String?
        @Option(help: "Folder to write to (default: reports/period/<from>_<to>).") var out: String?

        func validate() throws {
            guard let first = CivilDate(iso: from) else { throw ValidationError("--from '\(from)' is not a date (YYYY-MM-DD).") }
            guard let last = CivilDate(iso: to) else { throw ValidationError("--to '\(to)' is not a date (YYYY-MM-DD).") }
            guard first <= last else { throw ValidationError("--from \(from) is after --to \(to).") }
        }

        func run() throws {
            try withExitStatus {
                let connection = try store.itemConnection()
                let report = try PeriodReport.build(
                    store: connection, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!, provider: provider)
                let directory = out ?? "reports/period/\(from)_\(to)"
                let files: [(name: String, bytes: [UInt8])] = [
                    ("period.html", Array(report.html().utf8)), ("period.json", try report.json()),
                ]
                let paths: [String]
                do {
                    paths = try ReportWriter(directory: directory).write(ReportWriter.Rendered(files: files))
                } catch {
                    Console.error("tally: error: cannot write the period report to \(directory): \(error)")
                    throw ExitCode(ExitStatus.cannotCreate.rawValue)
                }
                Console.out("period \(from)..\(to): \(report.providers.count) provider(s)")
                for path in paths { Console.out("  \(path)") }
            }
        }
    }
}
