import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyReport

@Suite struct ReportIndexTests {
    /// A scratch reports root, removed afterwards.
    func withRoot<R>(_ body: (String) throws -> R) throws -> R {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tally-index-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try body(root)
    }

    /// Writes the fixture's reports as `<root>/<provider>/<from>_<to>/` for a window of `days`.
    func write(_ root: String, provider: String, folder: String? = nil, from: String, to: String, dryRun: Bool = false) throws {
        var report = ReportFixture.everyShape(dryRun: dryRun)
        report.provider = provider
        report.window.from = CivilDate(iso: from)!
        report.window.to = CivilDate(iso: to)!
        let directory = "\(root)/\(folder ?? provider)/\(from)_\(to)"
        try ReportWriter(directory: directory).write(report)
    }

    @Test func latestWindowsPerProviderNewestFirst() throws {
        try withRoot { root in
            try write(root, provider: "acmepay", from: "2026-03-10", to: "2026-03-11")
            try write(root, provider: "acmepay", from: "2026-03-12", to: "2026-03-12", dryRun: true)
            try write(root, provider: "acmepay", from: "2026-03-13", to: "2026-03-13")
            try write(root, provider: "zeta", from: "2026-03-01", to: "2026-03-01")
            try FileManager.default.createDirectory(atPath: root + "/acmepay/empty", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/.hidden/x", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: root + "/broken/2026-03-10_2026-03-10", withIntermediateDirectories: true)
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: root + "/broken/2026-03-10_2026-03-10/report.json"))

            let listing = ReportIndex.scan(root: root, limit: 2)
            #expect(listing.providers.map(\.folder) == ["acmepay", "zeta"])
            let acme = listing.providers[0].entries
            #expect(acme.map(\.to) == ["2026-03-13", "2026-03-12"])
            #expect(acme.map(\.dryRun) == [false, true])
            #expect(listing.older == ["acmepay": 1])
            #expect(listing.unreadable == ["broken/2026-03-10_2026-03-10/report.json"])
            let report = ReportFixture.everyShape()
            let high = report.breaks.filter { $0.item.severity == .high }.count
            #expect(acme[0].high == high)
            #expect(acme[0].controlsFailed == 1)
            #expect(acme[0].status == "action needed")
            #expect(acme[0].rejects == 1)
            #expect(acme[0].supersedes == report.supersedes)
        }
    }

    /// A night with no breaks of its own is clean only when nothing high is still open from earlier
    /// windows: the index says "action needed" and the page's verdict names the open items.
    @Test func aNightIsCleanOnlyWhenNothingHighIsOpen() throws {
        try withRoot { root in
            func quietNight(open: [OpenItem]) -> RunReport {
                var report = ReportFixture.many(0)
                report.history = History(runID: report.runID, window: report.window, supersedes: nil).advance(
                    breaks: [], previous: open, settledKeys: { _ in false }, ledger: [:])
                report.breaks = report.history.breaks
                return report
            }
            let day = ReportFixture.many(0).window.from.adding(days: -2)
            let amount = OpenItem(
                reference: "ch_old", kind: .charge, breakClass: .amountMismatch, firstSeen: day, lastSeen: day, firstRun: "r0",
                lastRun: "r0", providerAmount: Money(minor: 1_001, currency: .eur),
                ledgerAmount: Money(minor: 1_000, currency: .eur),
                ledgerStatus: "succeeded")
            let unsettled = OpenItem(
                reference: "ch_late", kind: .charge, breakClass: .missingInProvider, firstSeen: day, lastSeen: day,
                firstRun: "r0",
                lastRun: "r0", providerAmount: nil, ledgerAmount: Money(minor: 5_000, currency: .usd), ledgerStatus: "succeeded")
            for (folder, open, status) in [
                ("2026-03-01_2026-03-01", [OpenItem](), "clean"), ("2026-03-02_2026-03-02", [unsettled], "review"),
                ("2026-03-03_2026-03-03", [amount, unsettled], "action needed"),
            ] {
                let report = quietNight(open: open)
                #expect(report.openFromEarlier.count == open.count)
                try ReportWriter(directory: "\(root)/quiet/\(folder)").write(report)
                let entry = try #require(ReportIndex.scan(root: root).providers.first?.entries.first { $0.folder == folder })
                #expect(entry.status == status, "\(folder)")
                let html = String(decoding: HTMLReport.render(report), as: UTF8.self)
                switch status {
                case "action needed":
                    #expect(html.contains("<b>Action needed:</b> 1 high open item from earlier windows with 0.01 EUR at risk."))
                    #expect(html.contains("Still open from earlier windows (2)"))
                case "review":
                    #expect(html.contains("<b>Review:</b> 1 unsettled payment from earlier windows with 50.00 USD at risk"))
                default:
                    #expect(html.contains("<b>Clean:</b>"))
                }
            }
        }
    }

    @Test func pageLinksEachReportAndRunsNoScript() throws {
        try withRoot { root in
            try write(root, provider: "acmepay", from: "2026-03-10", to: "2026-03-11")
            try write(root, provider: "<b>x</b>", folder: "odd <b> & name", from: "2026-03-10", to: "2026-03-10")
            let path = try ReportIndex.write(root: root)
            #expect(path == root + "/index.html")
            let page = Page(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(page.html.contains("<a href=\"acmepay/2026-03-10_2026-03-11/report.html\">2026-03-10 to 2026-03-11</a>"))
            #expect(page.html.contains("href=\"odd%20%3Cb%3E%20%26%20name/2026-03-10_2026-03-10/report.json\""))
            #expect(page.html.contains("&lt;b&gt;x&lt;/b&gt;"))
            #expect(!page.html.contains("<b>x</b>"))
            #expect(page.scripts.isEmpty)
            let policy = try #require(page.policy)
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("script-src 'none'"))
            #expect(policy.contains("style-src \(Page.sha256(page.style ?? ""))"))
            // The same folder gives the same page (no clock, no directory order).
            #expect(try ReportIndex.render(ReportIndex.scan(root: root)) == Array(Data(contentsOf: URL(fileURLWithPath: path))))
        }
    }

    @Test func anEmptyRootSaysSo() throws {
        try withRoot { root in
            let page = Page(ReportIndex.render(ReportIndex.scan(root: root)))
            #expect(page.html.contains("No reports yet."))
        }
    }
}
