import CoreMetrics
import Foundation
import Prometheus
import TallyCore
import TallyReport

/// The metrics of a `tally` invocation for Prometheus's node_exporter textfile collector, recorded
/// through swift-metrics into a swift-prometheus registry and written atomically (write aside,
/// then rename), so the collector never reads half a file.
///
/// A batch job has no endpoint to scrape: the file is the last word of each run. Series of providers
/// not run this time are carried over from the previous file, and so is the last success time of a
/// provider whose run failed, so that `time() - tally_last_success_timestamp_seconds` keeps growing
/// until the next success (the alert a scheduler needs).
public final class RunMetrics {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private var providers: Set<String> = []
    private var failed: Set<String> = []

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    private func gauge(_ name: String, _ provider: String, _ extra: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: [("provider", provider)] + extra, factory: factory)
    }

    /// Records one finished run of a provider.
    public func record(provider: String, report: RunReport, durationSeconds: Double, exitStatus: Int32, now: Date = Date()) {
        providers.insert(provider)
        gauge("tally_run_duration_seconds", provider).record(durationSeconds)
        gauge("tally_run_exit_status", provider).record(Int64(exitStatus))
        gauge("tally_last_success_timestamp_seconds", provider).record(now.timeIntervalSince1970.rounded())
        let result = report.result
        gauge("tally_settlement_transactions", provider).record(Int64(result.settlementTransactions))
        gauge("tally_ledger_rows", provider).record(Int64(result.ledgerRowsInWindow))
        gauge("tally_rejects", provider).record(Int64(result.rejects.count))
        gauge("tally_controls_failed", provider).record(Int64(result.controls.filter { !$0.ok }.count))
        let byClass = report.summaryByClass
        for breakClass in BreakClass.allCases {
            gauge("tally_breaks", provider, [("class", breakClass.rawValue)]).record(Int64(byClass[breakClass]?.count ?? 0))
        }
        var atRisk: [Currency: Int64] = [:]
        for item in report.breaks where item.item.severity == .high {
            guard let amount = item.item.amountAtRisk else { continue }
            atRisk[amount.currency, default: 0] &+= abs(amount.minor)
        }
        for (currency, minor) in atRisk {
            gauge("tally_amount_at_risk_minor", provider, [("currency", currency.code)]).record(minor)
        }
    }

    /// Records a run that did not finish (exit status other than 0 or 1).
    public func recordFailure(provider: String, durationSeconds: Double, exitStatus: Int32) {
        providers.insert(provider)
        failed.insert(provider)
        gauge("tally_run_duration_seconds", provider).record(durationSeconds)
        gauge("tally_run_exit_status", provider).record(Int64(exitStatus))
    }

    /// The file's text: this invocation's series plus what is carried over from `previous`.
    public func render(previous: String?) -> String {
        for sample in Self.samples(in: previous ?? "") {
            guard let provider = sample.labels.first(where: { $0.0 == "provider" })?.1 else { continue }
            let carry =
                !providers.contains(provider)
                || (failed.contains(provider) && sample.name == "tally_last_success_timestamp_seconds")
            guard carry else { continue }
            CoreMetrics.Gauge(label: sample.name, dimensions: sample.labels, factory: factory).record(sample.value)
        }
        let text = registry.emitToString()
        return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        let previous = try? String(contentsOfFile: path, encoding: .utf8)
        let text = render(previous: previous)
        try Folders.writeAtomically(Array(text.utf8), to: path)
    }

    /// A sample line of the text format: `name{label="value",…} value`.
    struct Sample {
        var name: String
        var labels: [(String, String)]
        var value: Double
    }

    /// The samples of a file Tally wrote (labels are simple names, values need no escaping).
    static func samples(in text: String) -> [Sample] {
        var samples: [Sample] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{"), series.last == "}" else {
                samples.append(Sample(name: String(series), labels: [], value: value))
                continue
            }
            let name = String(series[..<brace])
            let body = series[series.index(after: brace)..<series.index(before: series.endIndex)]
            var labels: [(String, String)] = []
            for pair in body.split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = String(pair[..<equals])
                let quoted = pair[pair.index(after: equals)...]
                labels.append((key, String(quoted.dropFirst().dropLast())))
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        return samples
    }
}
