import Foundation

/// A PostgreSQL cluster of one test's own, in a temporary folder, reachable by a unix socket only,
/// that the test may stop and start at will (never the shared one under `.tally/`, which other
/// tests and people use at the same time). Made the way `scripts/pg.sh` makes the shared one:
/// `initdb` and `pg_ctl` run as the `postgres` OS user through `runuser`.
///
/// ```swift
/// let cluster = try ThrowawayCluster.start()
/// defer { cluster.destroy() }
/// try cluster.stop(mode: "immediate")
/// ```
public final class ThrowawayCluster: Sendable {
    public let directory: String
    let bin: String
    static let port = 5432

    /// The `tally` database's URL.
    public var url: String { "postgresql:///tally?host=\(directory)/socket&port=\(Self.port)&user=postgres" }

    init(directory: String, bin: String) {
        self.directory = directory
        self.bin = bin
    }

    /// Initialises and starts a cluster with a `tally` database (about 2 s).
    public static func start() throws -> ThrowawayCluster {
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")
            .compactMap { Int($0) }.sorted()
        guard let version = versions.last else { throw ClusterFailure(step: "find", output: "no /usr/lib/postgresql/*/bin") }
        let template = strdup(FileManager.default.temporaryDirectory.path + "/tally-pg-own.XXXXXX")!
        defer { free(template) }
        guard mkdtemp(template) != nil else { throw ClusterFailure(step: "mkdtemp", output: "") }
        let cluster = ThrowawayCluster(directory: String(cString: template), bin: "/usr/lib/postgresql/\(version)/bin")
        chmod(cluster.directory, 0o755)
        try cluster.run("chown", ["-R", "postgres:postgres", cluster.directory], asPostgres: false)
        try cluster.run("mkdir", ["-p", cluster.directory + "/pgdata", cluster.directory + "/socket"])
        try cluster.run(
            cluster.bin + "/initdb",
            ["-D", cluster.directory + "/pgdata", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        let conf = """

            listen_addresses = ''
            port = \(port)
            unix_socket_directories = '\(cluster.directory)/socket'
            fsync = off
            # commits stay synchronous: an immediate stop must not lose what a run committed
            full_page_writes = off
            max_connections = 20
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cluster.directory + "/pgdata/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(conf.utf8))
        try handle.close()
        try cluster.start()
        try cluster.run(
            cluster.bin + "/createdb", ["-h", cluster.directory + "/socket", "-p", "\(port)", "-U", "postgres", "tally"])
        return cluster
    }

    /// Starts the stopped cluster and waits until it accepts connections.
    public func start() throws {
        try run(bin + "/pg_ctl", ["-D", directory + "/pgdata", "-l", directory + "/server.log", "-w", "-t", "60", "start"])
    }

    /// `pg_ctl stop -m mode` (`immediate`: every backend is gone at once, as in a crash).
    public func stop(mode: String = "immediate") throws {
        try run(bin + "/pg_ctl", ["-D", directory + "/pgdata", "-m", mode, "-w", "stop"])
    }

    /// Stops the cluster (if it runs) and removes its folder.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) throws {
        // from /, where the postgres user may stand (it may not read the checkout)
        let command = ([program] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let line = asPostgres ? "cd / && exec runuser -u postgres -- \(command)" : "cd / && exec \(command)"
        let result = try Subprocess.run("/bin/sh", ["-c", line])
        guard result.status == 0 else {
            throw ClusterFailure(step: (program as NSString).lastPathComponent, output: result.output)
        }
    }
}

/// A step of ``ThrowawayCluster`` that failed, with its output.
public struct ClusterFailure: Error, CustomStringConvertible {
    public var step: String
    public var output: String
    public var description: String { "throw-away PostgreSQL: \(step) failed: \(output)" }
}
