import ArgumentParser
import Foundation
import TallyCore
import TallyEngine
import TallyPostgres

extension Tally.Items {
    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm a probable_match: its two sides count as matched from the next run on.",
            discussion:
                "Example:\n  tally items confirm it_3f2a9c1e5b7d0a46 --note \"same customer, bank shortened the reference\"")

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id of a probable_match.") var id: String
        @Option(help: "A note.") var note: String?

        func run() throws {
            try options.act({ ItemDesk.Request(action: .confirm, actor: $0, note: note) }, on: id)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a probable_match: the proposal is wrong, its two sides go back to being missing.",
            discussion: "Example:\n  tally items reject it_3f2a9c1e5b7d0a46 --note \"different customer, same amount\"")

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id of a probable_match.") var id: String
        @Option(help: "A note.") var note: String?

        func run() throws {
            try options.act({ ItemDesk.Request(action: .reject, actor: $0, note: note) }, on: id)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a write-off over the write-off limit (another person than the one who wrote it off).",
            discussion: """
                items.write_off_limit in tally.yml sets, per currency, the largest write-off one person may make \
                alone; a larger one waits in state pending_approval until a different actor approves it.

                Example:
                  tally items approve it_3f2a9c1e5b7d0a46 --actor bob
                """)

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(help: "A note.") var note: String?

        func run() throws {
            try options.act({ ItemDesk.Request(action: .approve, actor: $0, note: note) }, on: id)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the open items as CSV to stdout, with empty action, reason, note and assignee columns to fill.",
            discussion: """
                Fill in the sheet and give it to `tally items apply`. Text cells are neutralised against \
                formula injection like breaks.csv.

                Example:
                  tally items export --provider acmepay > items.csv
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this provider.") var provider: String?

        func run() throws {
            try withExitStatus {
                let entries = try ItemDesk(connection: try store.itemConnection()).entries(provider: provider)
                FileHandle.standardOutput.write(Data(ItemSheet.export(entries)))
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a filled-in sheet of `tally items export`: every row checked first, then all or nothing.",
            discussion: """
                action is one of \(ItemSheet.actions.joined(separator: ", ")); written_off and explained \
                need reason and note, ack, comment and reopen a note, assign an assignee. A write-off over the \
                write-off limit is refused here (it needs `resolve` and a second person's `approve`). One line \
                per row says what it does or why it cannot; with any problem nothing is applied (exit 65).

                Example:
                  tally items apply items.csv --dry-run
                  tally items apply items.csv --actor alice
                """)

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The filled-in sheet.") var file: String
        @Flag(help: "Check every row and print the report, apply nothing.") var dryRun = false

        func run() throws {
            try withExitStatus {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ExitCode(ExitStatus.noInput.rawValue)
                }
                let rows = try ItemSheet.rows(Array(data))
                let (verdicts, applied) = try options.desk().apply(rows, actor: options.resolvedActor(), dryRun: dryRun)
                for verdict in verdicts {
                    let what = verdict.event.map(ItemText.describe) ?? ""
                    let line = "line \(verdict.row.line): \(verdict.row.itemID) \(verdict.row.action): "
                    Console.out(line + (verdict.problem.map { "REFUSED: \($0)" } ?? (applied ? "applied, " : "ok, ") + what))
                }
                let refused = verdicts.count { $0.problem != nil }
                if refused > 0 {
                    Console.out("\(refused) of \(verdicts.count) rows refused: nothing applied")
                    throw ExitCode(ExitStatus.dataError.rawValue)
                }
                Console.out(
                    applied
                        ? "\(verdicts.count) rows applied"
                        : "\(verdicts.count) rows checked, nothing applied"
                            + (dryRun ? " (--dry-run)" : ""))
            }
        }
    }
}
