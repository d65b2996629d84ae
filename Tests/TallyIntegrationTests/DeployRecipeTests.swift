import Foundation
import TallyTestSupport
import Testing

/// The scheduling recipes under deploy/ agree with each other and with `tally run`'s contract.
@Suite struct DeployRecipeTests {
    func read(_ path: String) throws -> String {
        try String(contentsOf: TestCluster.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The exit statuses a recipe treats as final (no retry), as a set.
    func statuses(_ text: String, after marker: String, until end: Character) -> Set<Int> {
        guard let start = text.range(of: marker) else { return [] }
        let tail = text[start.upperBound...]
        return Set(tail.prefix { $0 != end }.split { !$0.isNumber }.compactMap { Int($0) })
    }

    @Test func everyRecipeRunsTheConfiguredNightlyDefault() throws {
        let command = "tally run --config /etc/tally/tally.yml"
        let service = try read("deploy/systemd/tally.service")
        #expect(service.contains("ExecStart=/usr/local/bin/\(command)\n"))
        #expect(try read("deploy/cron/tally.crontab").contains("flock -n -E 75 /var/lib/tally/tally.lock \(command) "))
        #expect(try read("deploy/kubernetes/cronjob.yaml").contains(#"args: ["run", "--config", "/etc/tally/tally.yml"]"#))
    }

    @Test func systemdTimerAndServiceAreTheMeasuredOnes() throws {
        let timer = try read("deploy/systemd/tally.timer")
        for line in ["OnCalendar=*-*-* 02:00:00", "Persistent=true", "Unit=tally.service", "WantedBy=timers.target"] {
            #expect(timer.contains(line + "\n"), "\(line)")
        }
        let service = try read("deploy/systemd/tally.service")
        for line in [
            "Type=oneshot", "User=tally", "SuccessExitStatus=75", "TimeoutStartSec=3h", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "LoadCredential=pgpass:/etc/tally/secrets/pgpass",
            "Environment=PGPASSFILE=%d/pgpass",
        ] {
            #expect(service.contains(line + "\n"), "\(line)")
        }
        #expect(!service.contains("PGPASSWORD"))
    }

    @Test func kubernetesCronJobForbidsOverlapAndTakesSecretsFromASecret() throws {
        let job = try read("deploy/kubernetes/cronjob.yaml")
        for line in [
            "concurrencyPolicy: Forbid", "restartPolicy: Never", "secretKeyRef:", "name: tally-secrets",
            "mountPath: /var/lib/tally/reports", "claimName: tally-reports", "readOnlyRootFilesystem: true",
        ] {
            #expect(job.contains(line), "\(line)")
        }
    }

    /// The templated unit is tally.service for one provider (`%i`): the same settings, its own command.
    @Test func theTemplatedUnitIsTheNightlyUnitForOneProvider() throws {
        let single = try read("deploy/systemd/tally.service")
        let template = try read("deploy/systemd/tally@.service")
        #expect(template.contains("ExecStart=/usr/local/bin/tally run --config /etc/tally/tally.yml --provider %i\n"))
        func settings(_ text: String) -> [String] {
            text.split(separator: "\n").map(String.init).filter {
                !$0.hasPrefix("#") && !$0.hasPrefix("ExecStart=") && !$0.hasPrefix("Description=")
                    && !$0.hasPrefix("Environment=PGAPPNAME=")
            }
        }
        #expect(settings(template) == settings(single))
        let timer = try read("deploy/systemd/tally@.timer")
        #expect(timer.contains("Unit=tally@%i.service\n"))
        #expect(timer.contains("OnCalendar=*-*-* 02:00:00\n"))
    }

    /// systemd and Kubernetes stop retrying on the same statuses, and never on 69 or 75.
    @Test func finalStatusesAgree() throws {
        let systemd = statuses(try read("deploy/systemd/tally.service"), after: "RestartPreventExitStatus=", until: "\n")
        let kubernetes = statuses(try read("deploy/kubernetes/cronjob.yaml"), after: "values: [", until: "]")
        #expect(systemd == [1, 64, 65, 66, 70, 73, 78])
        #expect(kubernetes == systemd)
    }

    /// `systemd-analyze verify` accepts the units (where systemd is installed, as on the CI image).
    @Test func systemdAcceptsTheUnits() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else { return }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tally-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // verify wants ExecStart's program to exist: point it at the built binary
        let service = try read("deploy/systemd/tally.service").replacingOccurrences(
            of: "/usr/local/bin/tally", with: CommandLineTests.binary)
        try service.write(to: scratch.appendingPathComponent("tally.service"), atomically: true, encoding: .utf8)
        try read("deploy/systemd/tally.timer").write(
            to: scratch.appendingPathComponent("tally.timer"), atomically: true, encoding: .utf8)
        let result = try Subprocess.run(
            analyze,
            ["verify", scratch.appendingPathComponent("tally.service").path, scratch.appendingPathComponent("tally.timer").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "\(result.output)")
        // the templates, as one provider's instance
        let instance = try read("deploy/systemd/tally@.service").replacingOccurrences(
            of: "/usr/local/bin/tally", with: CommandLineTests.binary)
        try instance.write(to: scratch.appendingPathComponent("tally@acmepay.service"), atomically: true, encoding: .utf8)
        try read("deploy/systemd/tally@.timer").write(
            to: scratch.appendingPathComponent("tally@acmepay.timer"), atomically: true, encoding: .utf8)
        let templated = try Subprocess.run(
            analyze,
            [
                "verify", scratch.appendingPathComponent("tally@acmepay.service").path,
                scratch.appendingPathComponent("tally@acmepay.timer").path,
            ])
        #expect(templated.status == 0, "\(templated.output)")
        #expect(templated.output.isEmpty, "\(templated.output)")
    }
}
