import ArgumentParser
import Foundation
import TallyCore
import TallyEngine

extension TransactionKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension Tally {
    /// `tally explain`: why a reference is (or is not) a break.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain one reference: its settlement lines, ledger rows, the rule that decided it, its history.",
            discussion: """
                Shows, for the newest current run that reported the reference (or --run, or the run \
                whose window holds its ledger row when it matched): the settlement file lines, re-read \
                from the run's files (or as the run stored them when a file is gone); the ledger rows as \
                the run saw them, or looked up now when the run stored none; the matching rule that \
                decided each outcome with the values it compared; and the open-item history: when it \
                was first seen, its age, the runs that reported it, how it was resolved.

                Exit status: 0 explained; 64 usage error (several providers know the reference and \
                --provider is missing, or --run names no run of the provider); 66 neither the store \
                nor the ledger knows the reference; 69 database unavailable.

                Examples:
                  tally explain ch_3PqX2a --provider acmepay
                  tally explain ch_3PqX2a --run 3f2a9c1e --kind refund --json
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "The provider reference (Stripe source_id, Adyen PSP reference, …).") var reference: String
        @Option(help: "The provider (default: the only one that knows the reference).") var provider: String?
        @Option(name: .customLong("run"), help: "Explain this run's outcome (a run id or a prefix of 6+ characters).")
        var runID: String?
        @Option(help: "Only this kind.") var kind: TransactionKind?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let runID, RunIDPrefix(runID) == nil { throw ValidationError("--run: " + RunIDPrefix.rule + ".") }
            guard !reference.isEmpty else { throw ValidationError("give the reference to explain.") }
        }

        func run() throws {
            try withExitStatus {
                let databases = try store.databases()
                var explainer = Explainer(
                    reference: reference, provider: provider, runID: runID, kind: kind,
                    databaseURL: databases.databaseURL, resultsURL: databases.resultsURL)
                explainer.databasePassword = databases.databasePassword
                explainer.resultsPassword = databases.resultsPassword
                for configured in databases.config?.providers ?? [] {
                    if let query = configured.ledgerQuery { explainer.ledgerQueries[configured.name] = query }
                }
                let explanation = try explainer.explain()
                if json {
                    try printJSONDocument(ExplanationDocument(explanation))
                } else {
                    Console.out(ExplanationOutput.text(explanation))
                }
            }
        }
    }
}
