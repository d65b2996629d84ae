import Foundation
import Testing

@testable import TallyAlerts
@testable import TallyEngine
@testable import TallyIngest
@testable import TallyPostgres
@testable import tally

/// The command's exit status (Swift Testing has an `ExitStatus` of its own, for exit tests).
typealias ExitStatus = tally.ExitStatus

/// The one mapping of errors to exit statuses, as a table: every error type the commands throw,
/// each code of each type, and the documents that promise the statuses to schedulers.
@Suite struct ExitStatusTests {
    static let ingest: [(IngestError.Code, ExitStatus)] = [
        (.fileMissing, .noInput), (.unreadable, .dataError), (.malformed, .dataError), (.tooManyRejects, .dataError),
        (.hostileXML, .dataError), (.unsupported, .usage),
    ]
    static let run: [(RunError.Code, ExitStatus)] = [
        (.usage, .usage), (.locked, .locked), (.cannotWriteReports, .cannotCreate), (.cannotWriteSpill, .cannotCreate),
        (.notFound, .noInput), (.internalFailure, .software),
    ]

    @Test func everyIngestCode() {
        for (code, status) in Self.ingest {
            #expect(ExitStatus(for: IngestError(code: code, message: "m", path: "f.csv")) == status, "\(code)")
        }
        #expect(Self.ingest.count == 6)
    }

    @Test func everyRunCode() {
        for (code, status) in Self.run {
            #expect(ExitStatus(for: RunError(code: code, message: "m")) == status, "\(code)")
        }
        #expect(Self.run.count == 6)
    }

    /// libpq failures: by what they mean to an operator (``PostgresError/classification``).
    @Test(arguments: [
        (PostgresError(code: .connection, message: "could not connect to server: Connection refused"), ExitStatus.unavailable),
        (PostgresError(code: .query, message: "too many clients", sqlState: "53300"), .unavailable),
        (PostgresError(code: .query, message: "terminating connection", sqlState: "57P01"), .unavailable),
        (PostgresError(code: .connection, message: "database \"x\" does not exist", sqlState: "3D000"), .usage),
        (PostgresError(code: .connection, message: "password authentication failed", sqlState: "28P01"), .usage),
        (PostgresError(code: .configuration, message: "the password part has a bad %-escape"), .usage),
        (PostgresError(code: .query, message: "syntax error", sqlState: "42601"), .software),
    ])
    func postgresFailures(_ error: PostgresError, _ status: ExitStatus) {
        #expect(ExitStatus(for: error) == status, "\(error.message)")
    }

    @Test func configurationErrorsOfEveryReaderAreUsage() {
        let errors: [any Error] = [
            ConfigError(path: "tally.yml", problems: ["x"]), MappingError(path: "m.yml", problems: ["x"]),
            AlertRulesError(source: "alerts.yml", problems: ["x"]), StoreMissing(), RunNotFound(id: "abc"),
            ReportsNotStored(id: "abc"), AlertNotDead(id: 7),
        ]
        for error in errors { #expect(ExitStatus(for: error) == .usage, "\(type(of: error))") }
    }

    @Test func anythingElseIsAnInternalError() {
        struct Surprise: Error {}
        #expect(ExitStatus(for: Surprise()) == .software)
        #expect(ExitStatus(for: CocoaError(.fileWriteUnknown)) == .software)
    }

    /// A range of runs reports its worst status: no two statuses tie, success is the least.
    @Test func severityRanksAreATotalOrder() {
        let ranks = ExitStatus.allCases.map(\.severityRank)
        #expect(Set(ranks).count == ExitStatus.allCases.count)
        #expect(ExitStatus.ok.severityRank == ranks.min())
        #expect(ExitStatus.allCases.allSatisfy { !$0.meaning.isEmpty })
    }

    /// README and docs/operations.md list every status, and no other.
    @Test(arguments: ["README.md", "docs/operations.md"])
    func theDocumentedTableIsTheCode(_ document: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## ").first { $0.hasPrefix("Exit") })
        let documented = section.split(separator: "\n").compactMap { line -> Int32? in
            guard line.hasPrefix("| ") else { return nil }
            return Int32(line.dropFirst(2).prefix { $0.isNumber })
        }
        #expect(documented == ExitStatus.allCases.map(\.rawValue), "\(document) lists \(documented)")
    }
}
