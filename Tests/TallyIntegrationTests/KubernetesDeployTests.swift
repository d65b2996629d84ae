import Foundation
import TallyTestSupport
import Testing
import Yams

/// `tally deploy kubernetes`: one CronJob per provider, each the checked-in
/// deploy/kubernetes/cronjob.yaml with only its name, time zone, image, arguments and PGAPPNAME
/// changed, so that the recipe and the generator cannot drift apart.
@Suite struct KubernetesDeployTests {
    let cli = CommandLineTests()

    func withConfig<R>(_ yaml: String, _ body: (String) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tally.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return try body(path)
    }

    static let config = """
        timezone: America/New_York
        providers:
          acmepay:
            format: stripe
          bank_ch:
            format: camt053
            timezone: Europe/Zurich
          adyen-eu:
            format: adyen
        """

    func documents(_ text: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: text).map { try #require($0 as? [String: Any]) }
    }

    /// A document as canonical JSON (sorted keys), to compare structures.
    func canonical(_ document: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self)
    }

    func container(_ document: [String: Any]) throws -> [String: Any] {
        let spec = try #require(document["spec"] as? [String: Any])
        let job = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        let pod = try #require((job["template"] as? [String: Any])?["spec"] as? [String: Any])
        return try #require((pod["containers"] as? [[String: Any]])?.first)
    }

    @Test func oneCronJobPerProviderInItsTimeZone() throws {
        try withConfig(Self.config) { path in
            let result = try cli.tally(["deploy", "kubernetes", "--config", path, "--image", "registry.internal/tally:9"])
            #expect(result.status == 0, "\(result.stderr)")
            let jobs = try documents(result.stdout)
            #expect(jobs.count == 3)
            let expected: [(provider: String, name: String, zone: String)] = [
                ("acmepay", "tally-acmepay", "America/New_York"),
                ("bank_ch", KubernetesName.of("bank_ch"), "Europe/Zurich"),
                ("adyen-eu", "tally-adyen-eu", "America/New_York"),
            ]
            for (job, want) in zip(jobs, expected) {
                #expect(job["kind"] as? String == "CronJob")
                #expect((job["metadata"] as? [String: Any])?["name"] as? String == want.name)
                let spec = try #require(job["spec"] as? [String: Any])
                #expect(spec["timeZone"] as? String == want.zone)
                #expect(spec["schedule"] as? String == "0 2 * * *")
                #expect(spec["concurrencyPolicy"] as? String == "Forbid")
                let container = try container(job)
                #expect(container["image"] as? String == "registry.internal/tally:9")
                #expect(
                    container["args"] as? [String] == ["run", "--config", "/etc/tally/tally.yml", "--provider", want.provider])
            }
            #expect(Set(expected.map(\.name)).count == 3)
        }
    }

    /// Put back the five lines a generated CronJob changes, and it is the checked-in recipe.
    @Test func eachCronJobIsTheRecipeWithFiveLinesChanged() throws {
        let recipePath = TestCluster.repositoryRoot.appendingPathComponent("deploy/kubernetes/cronjob.yaml").path
        let recipe = try #require(try documents(String(contentsOfFile: recipePath, encoding: .utf8)).first)
        let recipeContainer = try container(recipe)
        try withConfig(Self.config) { path in
            let result = try cli.tally(["deploy", "kubernetes", "--config", path])
            #expect(result.status == 0, "\(result.stderr)")
            for job in try documents(result.stdout) {
                var restored = job
                var metadata = try #require(job["metadata"] as? [String: Any])
                metadata["name"] = "tally-nightly"
                restored["metadata"] = metadata
                var spec = try #require(job["spec"] as? [String: Any])
                spec["timeZone"] = "Etc/UTC"
                var jobTemplate = try #require(spec["jobTemplate"] as? [String: Any])
                var jobSpec = try #require(jobTemplate["spec"] as? [String: Any])
                var template = try #require(jobSpec["template"] as? [String: Any])
                var pod = try #require(template["spec"] as? [String: Any])
                var container = try container(job)
                container["image"] = recipeContainer["image"]
                container["args"] = recipeContainer["args"]
                var env = try #require(container["env"] as? [[String: Any]])
                let appName = try #require(env.firstIndex { $0["name"] as? String == "PGAPPNAME" })
                env[appName]["value"] = "tally-nightly"
                container["env"] = env
                pod["containers"] = [container]
                template["spec"] = pod
                jobSpec["template"] = template
                jobTemplate["spec"] = jobSpec
                spec["jobTemplate"] = jobTemplate
                restored["spec"] = spec
                #expect(try canonical(restored) == canonical(recipe))
            }
        }
    }

    @Test func whatCannotBeDeployedIsAUsageError() throws {
        try withConfig("timezone: UTC\n") { path in
            let result = try cli.tally(["deploy", "kubernetes", "--config", path])
            #expect(result.status == 64)
            #expect(result.stderr.contains("name at least one provider"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        try withConfig(Self.config) { path in
            let result = try cli.tally(["deploy", "kubernetes", "--config", path, "--schedule", "nightly"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("five fields"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        try withConfig("providers:\n  acmepay:\n    format: nonsense\n") { path in
            let result = try cli.tally(["deploy", "kubernetes", "--config", path])
            #expect(result.status == 64)
            #expect(result.stderr.contains("format"), "\(result.stderr)")
        }
    }
}

/// The name rule, restated independently of the command (letters, digits, '-'; a hash when changed).
enum KubernetesName {
    static func of(_ provider: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in provider.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash, radix: 16)
        let cleaned = provider.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "tally-" + cleaned + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
