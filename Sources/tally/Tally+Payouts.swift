import ArgumentParser
import Foundation
import TallyCore
import TallyPostgres

extension Tally {
    /// `tally payouts list`: the payouts providers announced and where each stands (docs/payouts.md).
    struct Payouts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The payouts providers announced, and whether the bank received them.",
            subcommands: [List.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List expected payouts: outstanding (with age and due date), arrived (on which bank line), missing.",
                discussion: "Example:\n  tally payouts list --provider acmepay --state missing")

            @OptionGroup var store: StoreOptions
            @Option(help: "Only this provider's payouts.") var provider: String?
            @Option(help: "Only payouts in this state: outstanding, arrived or missing.") var state: ExpectedPayout.State?
            @Option(help: "Count ages to this date (YYYY-MM-DD; default today, UTC).") var asOf: String?
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    try requireSchema(connection)
                    let day =
                        try asOf.map(Self.date)
                        ?? Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000)).utcDate
                    let payouts = try PayoutStore(connection: connection).payouts(provider: provider).filter {
                        state == nil || $0.state == state
                    }
                    if json {
                        try printJSON(payouts.map { Self.object($0, asOf: day) })
                        return
                    }
                    if payouts.isEmpty {
                        Console.out("no payouts")
                        return
                    }
                    for payout in payouts { Console.out(Self.line(payout, asOf: day)) }
                }
            }

            static func date(_ text: String) throws -> CivilDate {
                guard let day = CivilDate(iso: text) else { throw ValidationError("--as-of '\(text)' is not YYYY-MM-DD") }
                return day
            }

            static func line(_ payout: ExpectedPayout, asOf day: CivilDate) -> String {
                let head = "\(payout.provider)  \(payout.reference)  \(payout.amount)  paid out \(payout.payoutDate)"
                switch payout.state {
                case .arrived:
                    let arrival = payout.arrival!
                    let differs = arrival.amount == payout.amount ? "" : " (credit \(arrival.amount))"
                    return
                        "\(head)  arrived \(arrival.date?.description ?? "?") on \(arrival.bankProvider) \(arrival.file):\(arrival.line)\(differs)"
                case .outstanding:
                    return "\(head)  outstanding, \(payout.age(on: day)) d, due \(payout.dueDate)"
                case .missing:
                    return "\(head)  missing since \(payout.dueDate), \(payout.age(on: day)) d"
                }
            }

            static func object(_ payout: ExpectedPayout, asOf day: CivilDate) -> [String: Any] {
                [
                    "provider": payout.provider, "reference": payout.reference,
                    "batch": payout.batch.map { $0 as Any } ?? NSNull(),
                    "amount_minor": payout.amount.minor, "currency": payout.amount.currency.code,
                    "payout_date": payout.payoutDate.description, "due_date": payout.dueDate.description,
                    "state": payout.state.rawValue, "age_days": payout.age(on: day),
                    "reversed": payout.reversedRun != nil,
                    "arrival": payout.arrival.map {
                        [
                            "bank": $0.bankProvider, "run": $0.run, "reference": $0.reference, "file": $0.file,
                            "line": $0.line, "date": $0.date?.description ?? NSNull(), "amount_minor": $0.amount.minor,
                            "currency": $0.amount.currency.code,
                        ] as [String: Any]
                    } ?? NSNull(),
                ]
            }
        }
    }
}

extension ExpectedPayout.State: ExpressibleByArgument {}
