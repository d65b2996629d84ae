import TallyCore

/// The top of the page: who ran what, the verdict in one sentence, the figures and the charts.
extension HTMLReport {
    static func header(_ report: RunReport) -> String {
        let e = HTMLEscaping.escape
        var html = "<header><h1>Reconciliation · \(e(report.provider)) · \(report.window.from)"
        if report.window.to != report.window.from { html += " to \(report.window.to)" }
        if report.dryRun { html += "<span class=\"mark dry\" title=\"Nothing was stored\">DRY RUN</span>" }
        if let supersedes = report.supersedes {
            html +=
                "<span class=\"mark supersedes\" title=\"\(e(supersedes))\">supersedes run \(e(String(supersedes.prefix(8))))</span>"
        }
        html += "</h1>\n<p class=\"meta\">Time zone <b>\(e(report.timezone))</b> · format <b>\(e(report.format))</b>"
        html += " · run <code>\(e(report.runID))</code> · ran <b>\(report.startedAt.iso8601)</b>"
        html += " to \(report.finishedAt.iso8601) (\(duration(report)))</p>\n"
        html += "<p class=\"meta\">Ledger rows streamed from \(report.window.streamStart.iso8601) to "
        html += "\(report.window.streamEnd.iso8601) (\(report.lookbackDays) days back, \(report.lookaheadDays) ahead)"
        if report.amountToleranceMinor != 0 { html += " · amount tolerance \(report.amountToleranceMinor) minor units" }
        html += "</p>\n<ul class=\"files\">"
        for file in report.files {
            html += "<li>File <code>\(e(file.path))</code> · sha256 <code title=\"\(e(file.sha256))\">"
            html += "\(e(String(file.sha256.prefix(12))))</code> · \(HTMLFormat.count(file.records)) records"
            html += " · \(HTMLFormat.count(file.rejected)) rejected</li>"
        }
        html += "</ul></header>\n"
        return html
    }

    /// Wall-clock time of the run, `"1.25 s"`.
    static func duration(_ report: RunReport) -> String {
        let micros = max(0, report.finishedAt.microseconds - report.startedAt.microseconds)
        let hundredths = String(micros % 1_000_000 / 10_000)
        return "\(micros / 1_000_000).\(hundredths.count < 2 ? "0" + hundredths : hundredths) s"
    }

    /// One sentence a reader can act on, coloured by the worst severity.
    static func verdict(_ report: RunReport, _ figures: ReportFigures) -> String {
        let high = figures.count(.high)
        let medium = figures.count(.medium)
        let info = figures.count(.info)
        let risk = figures.amountAtRisk.map { HTMLFormat.money($0.minor, $0.currency) }.joined(separator: ", ")
        // what earlier windows left open counts as much as tonight's breaks: a night is not clean
        // while a high item is still open
        let earlier = report.openFromEarlier
        let earlierHigh = earlier.filter { $0.breakClass.severity == .high }.count
        let earlierMedium = earlier.filter { $0.breakClass.severity == .medium }.count
        func atRisk(_ severity: Severity) -> String {
            let sums = report.openFromEarlierAtRisk(severity).map { HTMLFormat.money($0.minor, $0.currency) }
            return sums.isEmpty ? "" : " with \(sums.joined(separator: ", ")) at risk"
        }
        var text: String
        let tone: String
        if high > 0 || earlierHigh > 0 {
            tone = "high"
            var parts: [String] = []
            if high > 0 { parts.append("\(plural(high, "high-severity break"))" + (risk.isEmpty ? "" : " with \(risk) at risk")) }
            if earlierHigh > 0 { parts.append("\(plural(earlierHigh, "high open item")) from earlier windows" + atRisk(.high)) }
            text = "<b>Action needed:</b> " + parts.joined(separator: " and ") + "."
        } else if medium > 0 || earlierMedium > 0 {
            tone = "medium"
            var parts: [String] = []
            if medium > 0 { parts.append("\(plural(medium, "ledger payment")) the provider has not settled yet") }
            if earlierMedium > 0 {
                parts.append("\(plural(earlierMedium, "unsettled payment")) from earlier windows" + atRisk(.medium))
            }
            text = "<b>Review:</b> " + parts.joined(separator: " and ") + "; no unexplained money."
        } else {
            tone = info > 0 ? "info" : "clean"
            text = info > 0 ? "<b>No action needed:</b> only timing differences." : "<b>Clean:</b> every line reconciles."
        }
        if high > 0 && (medium > 0 || info > 0) { text += " Also \(medium) medium and \(info) info." }
        if figures.controlsFailed > 0 { text += " \(plural(figures.controlsFailed, "control")) failed." }
        if figures.rejects > 0 { text += " \(plural(figures.rejects, "record")) could not be read." }
        let history = report.history
        text += " Since the previous window: \(history.newCount) new, \(history.persistingCount) persisting,"
        text += " \(history.resolved.count) resolved."
        return "<p class=\"verdict \(tone)\" id=\"verdict\">\(text)</p>\n"
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(HTMLFormat.count(count)) \(noun)\(count == 1 ? "" : "s")"
    }

    static func figuresSection(_ report: RunReport, _ figures: ReportFigures) -> String {
        let result = report.result
        var html = "<section aria-label=\"Headline figures\"><div class=\"figures\" id=\"figures\">"
        html += figure(
            "Match rate by count", ReportFigures.percent(Int64(figures.matched), of: Int64(figures.settlementTransactions)),
            sub: ["\(HTMLFormat.count(figures.matched)) of \(HTMLFormat.count(figures.settlementTransactions)) transactions"],
            id: "fig-match-count")
        let rates = figures.matchRateByAmount.map {
            "<span title=\"\(HTMLFormat.money($0.matchedMinor, $0.currency)) agreeing of "
                + "\(HTMLFormat.money($0.settledMinor, $0.currency)) settled\">\($0.currency.code) \($0.percent)</span>"
        }
        // Rates of different currencies are not added up: the headline shows the weakest one.
        let lowest = figures.matchRateByAmount.min { ($0.tenthsOfPercent ?? .max) < ($1.tenthsOfPercent ?? .max) }
        html += figure(
            figures.matchRateByAmount.count > 1 ? "Match rate by amount (lowest)" : "Match rate by amount",
            lowest.map { "\($0.percent) \($0.currency.code)" } ?? "n/a",
            sub: rates.isEmpty ? [] : [rates.joined(separator: " · ")], id: "fig-match-amount")
        html += figure(
            "Settlement transactions", HTMLFormat.count(figures.settlementTransactions),
            sub: ["plus \(HTMLFormat.count(nonTransactionLines(result))) payout, fee and other lines"],
            id: "fig-transactions")
        html += figure(
            "Ledger rows in window", HTMLFormat.count(figures.ledgerRows),
            sub: [
                "\(HTMLFormat.count(result.ledgerRowsStreamed)) streamed, \(HTMLFormat.count(result.ledgerRowsLookedUp)) found outside"
            ], id: "fig-ledger")
        for (severity, count) in figures.bySeverity {
            let tone = count == 0 ? nil : severity == .high ? "high" : severity == .medium ? "medium" : nil
            html += figure(
                "Breaks, \(severity.rawValue)", HTMLFormat.count(count), sub: [severityMeaning(severity)], tone: tone,
                id: "fig-\(severity.rawValue)")
        }
        html += amountsFigure(
            "Amount at risk", figures.amountAtRisk, none: "nothing at risk", tone: figures.amountAtRisk.isEmpty ? "ok" : "high",
            id: "fig-risk")
        html += amountsFigure(
            "Amount not settled yet", figures.amountPending, none: "every ledger payment settled",
            tone: figures.amountPending.isEmpty ? nil : "medium", id: "fig-pending")
        html += amountsFigure("Payouts", figures.payouts, none: "no payout lines", tone: nil, id: "fig-payouts")
        html += amountsFigure("Fees", figures.fees, none: "no fees stated", tone: nil, id: "fig-fees")
        let controls = figures.controlsPassed + figures.controlsFailed
        html += figure(
            "Controls", controls == 0 ? "none" : figures.controlsFailed == 0 ? "all passed" : "\(figures.controlsFailed) failed",
            sub: ["\(figures.controlsPassed) of \(controls) passed"],
            tone: controls == 0 ? nil : figures.controlsFailed == 0 ? "ok" : "high", id: "fig-controls")
        html += figure(
            "Rejected records", HTMLFormat.count(figures.rejects), sub: ["lines that could not be read"],
            tone: figures.rejects > 0 ? "high" : nil, id: "fig-rejects")
        html += figure(
            "Open items", HTMLFormat.count(report.history.visibleOpen.count),
            sub: ["\(report.history.newCount) new, \(report.history.resolved.count) resolved by this run"], id: "fig-open")
        html += "</div></section>\n"
        return html
    }

    static func severityMeaning(_ severity: Severity) -> String {
        switch severity {
        case .high: "money that cannot be explained"
        case .medium: "ledger rows not settled yet"
        case .info: "timing differences"
        }
    }

    static func nonTransactionLines(_ result: ReconciliationResult) -> Int {
        result.nonTransactions.sorted.reduce(0) { $0 + $1.total.count }
    }

    static func figure(_ label: String, _ value: String, sub: [String], tone: String? = nil, id: String) -> String {
        var html = "<div class=\"figure\(tone.map { " " + $0 } ?? "")\" id=\"\(id)\"><span class=\"label\">\(label)</span>"
        html += "<span class=\"value\">\(value)</span>"
        for line in sub { html += "<span class=\"sub\">\(line)</span>" }
        return html + "</div>"
    }

    static func amountsFigure(
        _ label: String, _ amounts: [ReportFigures.Amount], none: String, tone: String?, id: String
    ) -> String {
        guard let first = amounts.first else { return figure(label, "0", sub: [none], tone: tone, id: id) }
        return figure(
            label, HTMLFormat.money(first.minor, first.currency),
            sub: amounts.dropFirst().map { HTMLFormat.money($0.minor, $0.currency) }, tone: tone, id: id)
    }
}
