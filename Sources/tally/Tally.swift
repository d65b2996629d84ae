import ArgumentParser
import TallyDigest

/// The `tally` command: reconciles provider settlement files against the payments ledger.
@main
struct Tally: ParsableCommand {
    /// `--wait` may stand alone (`--wait[=SECONDS]`); ArgumentParser options need a value, so a bare
    /// one is given the default before parsing.
    static func main() {
        LibCrypto.keepUntilExit()
        var arguments = Array(CommandLine.arguments.dropFirst())
        for (position, argument) in arguments.enumerated() where argument == "--wait" {
            let next = position + 1 < arguments.count ? arguments[position + 1] : nil
            if next.map({ Int($0) == nil }) ?? true { arguments[position] = "--wait=3600" }
        }
        main(arguments)
    }

    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Reconcile payment-provider settlement files against the internal payments ledger.",
        discussion: """
            Tally reads a provider's settlement files (Stripe balance reports, …), streams the \
            provider's rows of the `payments` table from PostgreSQL over the same window, classifies \
            every difference and writes report.json, report.html and breaks.csv.

            Example:
              tally run --provider acmepay --format stripe \\
                  --file samples/stripe/acmepay_2026-03-10_2026-03-11.csv \\
                  --from 2026-03-10 --to 2026-03-11 --database-url "$DATABASE_URL"
            """,
        version: TallyVersion.current,
        subcommands: [
            Run.self, Inspect.self, Explain.self, Report.self, Runs.self, OpenItems.self, Items.self, Alerts.self, DB.self,
            Config.self, Payouts.self, Deploy.self,
        ]
    )
}

enum TallyVersion {
    static let current = "0.1.0"
}
