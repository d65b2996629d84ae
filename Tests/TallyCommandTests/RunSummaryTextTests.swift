import Testing

@testable import TallyEngine
@testable import TallyTestFixtures
@testable import tally

/// The lines `tally run` prints when it finishes.
@Suite struct RunSummaryTextTests {
    @Test func aClassWithoutAmountsHasNoEmptyBrackets() throws {
        let report = ReportFixture.everyShape()
        let text = RunSummaryText.render(ReconciliationRun.Outcome(report: report, reportPaths: ["out/report.html"]))
        let lines = text.split(separator: "\n").map(String.init)
        let control = try #require(lines.first { $0.hasPrefix("  control_mismatch (high): ") }, "\(text)")
        #expect(control == "  control_mismatch (high): 1")
        #expect(!text.contains("[]"))
        // a class with money keeps its amounts
        #expect(lines.contains { $0.hasPrefix("  amount_mismatch (high): 2  [0.02 EUR]") }, "\(text)")
    }
}
