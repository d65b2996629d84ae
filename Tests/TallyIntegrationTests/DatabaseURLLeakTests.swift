import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// Issue 17 A: a malformed database URL must never bring its password to any output. Each form
/// goes to `tally run` with alerts configured, whose failure alert is spooled (the store is that
/// same URL) and then delivered by `tally alerts deliver` through the outbox to a webhook; the
/// secret is looked for in stdout, stderr, the JSON logs, the spool, the metrics file, the
/// reports folder, the outbox and runs tables and the webhook's bodies.
@Suite(.freshDatabase, .serialized) struct DatabaseURLLeakTests {
    let cli = CommandLineTests()
    /// Every piece of the password that a leak would show.
    static let pieces = ["Sup3r", "S3cret", "Sup3r%S3cret", "Sup3rS3cret"]

    static let malformed = [
        "postgresql://tally:Sup3r%S3cret@127.0.0.1:5999/payments",
        "postgresql//tally:Sup3rS3cret@host/db",
        "postgresql://tally:Sup3rS3cret@[::1/payments",
        "postgresql:/tally:Sup3rS3cret@127.0.0.1/payments",
        "tally:Sup3rS3cret@127.0.0.1/payments",
        "postgresql://ta%ZZlly:Sup3rS3cret@127.0.0.1/payments",
        "postgresql://tally:Sup3rS3cret@127.0.0.%1/payments",
        "postgresql://tally:Sup3rS3cret@127.0.0.1/pay%G0ments",
        "postgresql://tally:Sup3rS3cret@127.0.0.1:5x/payments",
        "postgresql://tally:Sup3rS3cret@127.0.0.1/payments?sslmode=require&bogus=1",
        "postgresql://tally:Sup3rS3cret@127.0.0.1/payments?Sup3rS3cret=1",
        "postgresql://tally@127.0.0.1/payments?password=Sup3r%S3cret",
        "postgresql://tally@127.0.0.1/payments?password=Sup3rS3cret&connect_timeout",
        "postgresql://tally:Sup3rS3cret@127.0.0.1/payments?application_name=%",
        "host=127.0.0.1 password='Sup3rS3cret dbname=payments",
        "host=127.0.0.1 password=Sup3rS3cret dbname",
        "host=127.0.0.1 passwd=Sup3rS3cret",
        "host=127.0.0.1 dbname='postgresql://tally:Sup3rS3cret@127.0.0.1/payments'",
    ]

    @Test(arguments: malformed) func theSecretIsNowhere(_ url: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-leak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try WebhookReceiver.with(secret: AlertCommandTests.secret) { receiver in
            let alerts = try AlertCommandTests().rules(receiver.base + "/ok", in: directory)
            let state = directory.path + "/state"
            let environment = AlertCommandTests.environment
            var seen: [String] = []
            try cli.withScenario { file, out in
                let run = try cli.tally(
                    cli.runArguments(file, out) + [
                        "--database-url", url, "--alerts", alerts, "--state-dir", state, "--log-format", "json",
                        "--metrics-file", directory.path + "/metrics.prom",
                    ], environment: environment)
                #expect(run.status == 64, "\(run.output)")
                #expect(run.stderr.contains("invalid"), "\(run.stderr)")
                #expect(run.stderr.contains("waits in \(state)/alert-spool"), "\(run.stderr)")
                seen += [run.stdout, run.stderr]
                seen += try Self.files(under: directory.path)
                seen += try Self.files(under: out)
            }
            let deliver = try cli.tally(
                ["alerts", "deliver", "--alerts", alerts, "--state-dir", state, "--database-url", FreshDatabase.url],
                environment: environment)
            #expect(deliver.status == 0, "\(deliver.output)")
            seen += [deliver.stdout, deliver.stderr]
            let received = try receiver.deliveries(to: "/ok")
            #expect(received.count == 1, "the failure alert reached the webhook")
            #expect(received.first?.body.contains("\"exit_status\":64") == true, "\(received.first?.body ?? "")")
            seen += received.map(\.body)
            for table in ["tally.alert_outbox", "tally.runs"] {
                seen += try db.query("SELECT t::text FROM \(table) t").map { $0[0] ?? "" }
            }
            for piece in Self.pieces {
                #expect(!seen.contains { $0.contains(piece) }, "\(piece) leaked: \(seen.filter { $0.contains(piece) })")
            }
        }
    }

    /// The text of every regular file under `path`.
    static func files(under path: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        return walker.compactMap { $0 as? String }.compactMap { try? String(contentsOfFile: path + "/" + $0, encoding: .utf8) }
    }
}
