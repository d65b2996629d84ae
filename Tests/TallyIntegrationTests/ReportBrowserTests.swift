import Foundation
import TallyCore
import TallyReport
import TallyTestFixtures
import TallyTestSupport
import Testing

/// report.html in a real headless Chromium (`scripts/browser.py`, Debian's `chromium`, installed by
/// `make test`): after the page's script ran, the DOM shows the figures and the rows a filter
/// selects; injected markup does not run; the page requests nothing.
@Suite(.serialized) struct ReportBrowserTests {
    struct Inspection {
        var initial: [String: Any]
        var filtered: [String: Any]
        var requests: [String]
        var dialogs: [Any]
        var cspViolations: [String]
        var consoleErrors: [String]
    }

    /// Writes the report's page to a scratch folder and inspects it with the given filters.
    func inspect(_ report: RunReport, _ options: [String] = []) throws -> (Inspection, bytes: Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        let bytes = HTMLReport.render(report)
        try Data(bytes).write(to: page)
        return (try inspect(page: page.path, options), bytes.count)
    }

    /// Inspects a report page on disk.
    func inspect(page: String, _ options: [String] = []) throws -> Inspection {
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/browser.py").path
        let result = try Subprocess.run("/usr/bin/env", ["python3", script, "inspect", page] + options)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else {
            throw BrowserFailed(description: "browser.py failed (\(result.status)): \(result.output)")
        }
        return Inspection(
            initial: object["initial"] as! [String: Any], filtered: object["filtered"] as! [String: Any],
            requests: object["requests"] as! [String], dialogs: object["dialogs"] as! [Any],
            cspViolations: object["cspViolations"] as! [String], consoleErrors: object["consoleErrors"] as! [String])
    }

    struct BrowserFailed: Error, CustomStringConvertible { var description: String }

    func expectQuiet(_ inspection: Inspection) {
        #expect(inspection.requests.isEmpty, "the page requested \(inspection.requests)")
        #expect(inspection.dialogs.isEmpty)
        #expect(inspection.cspViolations.isEmpty, "\(inspection.cspViolations)")
        #expect(inspection.consoleErrors.isEmpty, "\(inspection.consoleErrors)")
    }

    @Test func figuresAndAFilterAfterTheScriptRan() throws {
        let report = ReportFixture.everyShape()
        let (inspection, _) = try inspect(report, ["--class", "amount_mismatch"])
        expectQuiet(inspection)
        let initial = inspection.initial
        #expect(initial["rendered"] as? String == "script")
        let figures = initial["figures"] as! [String: String]
        let high = report.breaks.filter { $0.item.severity == .high }.count
        #expect(figures["fig-high"] == String(high))
        #expect(figures["fig-match-count"] == ReportFigures.percent(Int64(report.result.matched), of: 12))
        #expect(figures["fig-risk"] == "90.00 GBP")  // the largest amount at risk, whatever its currency code
        #expect(initial["matching"] as? Int == report.breaks.count)
        #expect(initial["bodyRows"] as? Int == report.breaks.count)
        #expect(initial["svgCharts"] as? Int == 4)
        #expect(initial["toolbarVisible"] as? Bool == true)
        #expect(initial["pagerVisible"] as? Bool == true)
        let filtered = inspection.filtered
        #expect(filtered["matching"] as? Int == 2)
        #expect(filtered["bodyRows"] as? Int == 2)
        #expect(filtered["firstReferences"] as? [String] == ["ch_amount", "ch_old_amount"])
    }

    @Test(arguments: [
        "<img src=x onerror=\"window.__tallyProbe=true\">",
        "</script><script>window.__tallyProbe=true</script>",
        "\"><svg onload=\"window.__tallyProbe=true\">",
    ])
    func injectedMarkupStaysText(_ probe: String) throws {
        let (inspection, _) = try inspect(
            ReportFixture.everyShape(hostile: probe), ["--class", "missing_internally", "--search", probe])
        expectQuiet(inspection)
        for state in [inspection.initial, inspection.filtered] {
            #expect(state["probeFired"] as? Bool == false)
            #expect(state["images"] as? Int == 0)
            #expect(state["frames"] as? Int == 0)
            #expect(state["scripts"] as? Int == 2)
            #expect(state["elementsWithHandlers"] as? Int == 0)
            #expect(state["rendered"] as? String == "script")
        }
        // The search finds the probe's break, and shows the reference as text.
        #expect(inspection.filtered["matching"] as? Int == 1)
        #expect((inspection.filtered["firstReferences"] as? [String])?.first == probe)
    }

    @Test func withoutScriptThePageShowsFiguresAndTheFirstRows() throws {
        let (inspection, _) = try inspect(ReportFixture.many(300), ["--no-script"])
        let page = inspection.initial
        #expect(page["rendered"] as? String == "static")
        #expect(page["bodyRows"] as? Int == 100)
        #expect(page["toolbarVisible"] as? Bool == false)
        #expect(page["pagerVisible"] as? Bool == false)
        #expect((page["figures"] as? [String: String])?["fig-high"] == "300")
        #expect(inspection.requests.isEmpty)
    }

    /// 100,000 breaks: one page of rows in the DOM, filters over all of them. The load time is
    /// printed for the record, never asserted (machines differ).
    @Test func hundredThousandBreaks() throws {
        let report = ReportFixture.many(100_000)
        let (inspection, bytes) = try inspect(report, ["--class", "amount_mismatch", "--sort", "reference"])
        expectQuiet(inspection)
        #expect(inspection.initial["matching"] as? Int == 100_000)
        #expect(inspection.initial["bodyRows"] as? Int == 50)
        #expect(inspection.filtered["matching"] as? Int == (0..<100_000).filter { $0 % 7 == 0 }.count)
        #expect(inspection.filtered["bodyRows"] as? Int == 50)
        #expect((inspection.filtered["firstReferences"] as? [String])?.first == "ch_0")
        print(
            "report.html with 100,000 breaks: \(bytes) bytes, loaded and rendered in \(inspection.initial["loadMilliseconds"] ?? "?") ms"
        )
    }
}
