import Foundation
import TallyTestSupport
import Testing

/// What the libraries underneath say never reaches the operator raw: each failure is a sentence
/// that says what failed and what to do (Foundation's "NSCocoaErrorDomain error 512", libxml2's
/// "Document is empty", a bare errno).
@Suite(.freshDatabase, .serialized) struct LibraryErrorTextTests {
    let cli = CommandLineTests()

    static let raw = ["NSCocoaErrorDomain", "error 512", "Document is empty", "errno", "Input/output error"]

    @Test func reportsUnderAFileNameTheFileAndWhy() throws {
        try cli.withScenario { file, out in
            let blocker = out + "-is-a-file"
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: blocker))
            let result = try cli.tally(
                cli.runArguments(file, blocker + "/acmepay") + ["--database-url", FreshDatabase.url, "--dry-run"])
            #expect(result.status == 73, "\(result.output)")
            #expect(
                result.stderr.contains("cannot write the reports to \(blocker)/acmepay: \(blocker): Not a directory"),
                "\(result.stderr)")
            for word in Self.raw { #expect(!result.stderr.contains(word), "\(word) in \(result.stderr)") }
        }
    }

    @Test func aCSVGivenAsCamtIsCalledNotXML() throws {
        try cli.withScenario { file, out in
            var arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--dry-run"]
            arguments[arguments.firstIndex(of: "stripe")!] = "camt053"
            let result = try cli.tally(arguments)
            #expect(result.status == 65, "\(result.output)")
            #expect(result.stderr.contains("the file is not XML: it begins «"), "\(result.stderr)")
            #expect(result.stderr.contains("which looks like CSV"))
            for word in Self.raw { #expect(!result.stderr.contains(word), "\(word) in \(result.stderr)") }
        }
    }

    @Test func aMetricsFileUnderAFileNamesThePathAndWhy() throws {
        try cli.withScenario { file, out in
            let blocker = out + "-metrics-blocker"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            let result = try cli.tally(
                cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--metrics-file", blocker + "/tally.prom"])
            #expect(result.status == 73, "\(result.output)")
            #expect(
                result.stderr.contains("cannot write the metrics file \(blocker)/tally.prom: \(blocker): Not a directory"),
                "\(result.stderr)")
            for word in Self.raw { #expect(!result.stderr.contains(word), "\(word) in \(result.stderr)") }
        }
    }
}
