import ArgumentParser
import Foundation
import TallyEngine

extension Tally {
    /// `tally deploy`: scheduler recipes generated from the config.
    struct Deploy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate scheduler recipes from a config file.", subcommands: [Kubernetes.self])

        /// `tally deploy kubernetes`: one CronJob per provider.
        struct Kubernetes: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print one Kubernetes CronJob per configured provider (kubectl apply -f -).",
                discussion: """
                    Each provider's nightly run becomes its own CronJob, tally-<provider>, running \
                    'tally run --config CONFIG_PATH --provider NAME' in its own pod, scheduled in the \
                    provider's time zone (else the config's, else UTC). Each is deploy/kubernetes/cronjob.yaml \
                    with its name, time zone, image, arguments and PGAPPNAME changed: the same Secret \
                    (tally-secrets), ConfigMap (tally-config), volumes, retry policy and exit codes. A \
                    manual rerun of the same provider is kept apart by Tally's provider lock (exit 75); \
                    different providers run at once against one PostgreSQL.

                    Examples:
                      tally deploy kubernetes --config /etc/tally/tally.yml | kubectl apply -f -
                      tally deploy kubernetes --config tally.yml --image registry.internal/tally:0.1.0 --schedule '30 3 * * *'
                    """)

            @Option(help: "Config file (default: TALLY_CONFIG, then ./tally.yml).")
            var config: String?
            @Option(help: "Container image.")
            var image = KubernetesCronJobs.Options().image
            @Option(help: "Cron schedule, in each provider's time zone.")
            var schedule = KubernetesCronJobs.Options().schedule
            @Option(name: .customLong("config-path"), help: "Where the ConfigMap mounts tally.yml in the pod.")
            var configPath = KubernetesCronJobs.Options().configPath

            func validate() throws {
                if schedule.split(separator: " ", omittingEmptySubsequences: true).count != 5 {
                    throw ValidationError("--schedule '\(schedule)' is not a cron schedule of five fields, e.g. '0 2 * * *'.")
                }
                if image.isEmpty || image.contains(where: \.isWhitespace) {
                    throw ValidationError("--image '\(image)' is not an image reference.")
                }
                if !configPath.hasPrefix("/") { throw ValidationError("--config-path must be absolute, not '\(configPath)'.") }
            }

            func run() throws {
                guard let path = TallyConfig.locate(flag: config) else {
                    Console.error("tally: error: no config file: pass --config PATH, set TALLY_CONFIG, or create ./tally.yml")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                let loaded: TallyConfig
                do {
                    loaded = try TallyConfig.load(path: path)
                } catch {
                    Console.error(error.description)
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                do {
                    let options = KubernetesCronJobs.Options(image: image, schedule: schedule, configPath: configPath)
                    // JSON's escapes are YAML's: the quoted scalars stay valid with any provider text
                    Console.json(try KubernetesCronJobs.manifests(for: loaded, options: options))
                } catch {
                    Console.error("tally: error: \(path): \(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
        }
    }
}
