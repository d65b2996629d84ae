import Foundation
import TallyTestSupport
import Testing

/// The breaks table of a real report (the first sample night, as the golden file holds it) at the
/// widths finance teams read it at, and printed: every column visible without a horizontal scroll,
/// File:line inside the window, no reference broken across lines.
@Suite(.serialized) struct ReportLayoutTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/samples-night1.report.html").path

    func layout(_ options: [String]) throws -> [String: Any] {
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/browser.py").path
        let result = try Subprocess.run("/usr/bin/env", ["python3", script, "layout", Self.page] + options)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else {
            throw ReportBrowserTests.BrowserFailed(description: "browser.py failed (\(result.status)): \(result.output)")
        }
        return object
    }

    @Test(arguments: [
        ["--width", "1280"], ["--width", "1920"], ["--width", "1280", "--no-script"], ["--width", "720", "--print"],
    ])
    func everyColumnFitsAndNoReferenceWraps(_ options: [String]) throws {
        let found = try layout(options)
        let viewport = try #require(found["viewport"] as? Int)
        let references = try #require(found["references"] as? Int)
        #expect(references == 15, "the page shows \(references) references: \(found)")
        #expect((found["wrappedReferences"] as? [String])?.isEmpty == true, "\(options): \(found["wrappedReferences"] ?? "")")
        #expect(found["placeShown"] as? Bool == true, "\(options): File:line is hidden")
        #expect(found["hiddenCells"] as? Int == 0, "\(options): a column is hidden")
        let right = try #require(found["placeRight"] as? Int)
        #expect(right <= viewport, "\(options): File:line ends at \(right) px, past the \(viewport) px window")
        let table = try #require(found["tableWidth"] as? Int)
        #expect(table <= viewport, "\(options): the table is \(table) px wide in a \(viewport) px window")
    }
}
