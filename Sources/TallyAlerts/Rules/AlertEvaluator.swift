import Foundation
import TallyCore
import TallyReport

/// A trigger that fired, in words for the receiver.
public struct FiredTrigger: Sendable, Hashable {
    /// The configuration key: `min_severity`, `class_counts`, `amount_at_risk`, `match_rate_below`,
    /// `failed_control`, `escalate_after_days`.
    public var trigger: String
    public var detail: String

    public init(trigger: String, detail: String) {
        self.trigger = trigger
        self.detail = detail
    }
}

/// What one endpoint is told about one run.
public struct RunAlert: Sendable {
    /// An open item that reached the endpoint's escalation age.
    public struct Escalation: Sendable, Hashable {
        public var item: OpenItem
        public var ageDays: Int
    }

    public var endpoint: AlertEndpoint
    public var fired: [FiredTrigger]
    /// The untold breaks that fired, in report order.
    public var breaks: [DatedBreak]
    public var escalations: [Escalation]

    /// The open items the endpoint is told about by this alert (to record in the same transaction).
    public var told: [AlertedItem] {
        breaks.filter { AlertEvaluator.opensItem($0.item) }.map {
            AlertedItem(
                endpoint: endpoint.name, reference: $0.item.reference, kind: $0.item.kind, firstSeen: $0.firstSeen,
                escalated: false)
        }
            + escalations.map {
                AlertedItem(
                    endpoint: endpoint.name, reference: $0.item.reference, kind: $0.item.kind, firstSeen: $0.item.firstSeen,
                    escalated: true)
            }
    }
}

/// Decides, per endpoint, whether a finished run is worth an alert and what it says (pure).
///
/// Breaks count only while their open item is untold to the endpoint: an item is told once, and
/// comes back only as an escalation, once, when it has been open `escalate_after_days`.
/// Control failures and timing differences open no item: they are news of the run itself.
public struct AlertEvaluator: Sendable {
    public var rules: AlertRules

    public init(rules: AlertRules) { self.rules = rules }

    /// - Parameters:
    ///   - report: the finished run.
    ///   - told: the provider's open items the endpoints were already told about.
    /// - Returns: one alert per endpoint that has something to say.
    public func alerts(for report: RunReport, told: [AlertedItem]) -> [RunAlert] {
        rules.endpoints.compactMap { endpoint in
            evaluate(endpoint, report: report, told: told.filter { $0.endpoint == endpoint.name })
        }
    }

    struct ItemIdentity: Hashable {
        var reference: String
        var kind: TransactionKind
        var firstSeen: CivilDate
    }

    static func opensItem(_ item: Break) -> Bool {
        item.breakClass != .controlMismatch && item.breakClass != .timingDifference
    }

    func evaluate(_ endpoint: AlertEndpoint, report: RunReport, told: [AlertedItem]) -> RunAlert? {
        let triggers = endpoint.triggers
        var escalated: [ItemIdentity: Bool] = [:]
        for item in told {
            let identity = ItemIdentity(reference: item.reference, kind: item.kind, firstSeen: item.firstSeen)
            escalated[identity] = (escalated[identity] ?? false) || item.escalated
        }
        let breaks = report.breaks
        // An item people acknowledged (for its current facts) or closed says nothing; one whose
        // class or amount changed since its acknowledgement is told again (docs/items.md).
        let untold = breaks.indices.filter { index in
            let dated = breaks[index]
            guard Self.opensItem(dated.item) else { return true }
            if report.isSettledByPeople(dated.item) { return false }
            if report.mark(of: dated.item)?.factsChanged == true { return true }
            return escalated[ItemIdentity(reference: dated.item.reference, kind: dated.item.kind, firstSeen: dated.firstSeen)]
                == nil
        }
        var firing = Set<Int>()
        var fired: [FiredTrigger] = []

        if let minimum = triggers.minSeverity {
            let hits = untold.filter { breaks[$0].item.severity >= minimum }
            if !hits.isEmpty {
                fired.append(
                    FiredTrigger(
                        trigger: "min_severity",
                        detail: "\(Self.count(hits.count, "break")) \(Self.untoldPhrase), at \(minimum.rawValue) or above")
                )
                firing.formUnion(hits)
            }
        }
        for (breakClass, threshold) in triggers.classCounts.sorted(by: { $0.key < $1.key }) {
            let hits = untold.filter { breaks[$0].item.breakClass == breakClass }
            if !hits.isEmpty && hits.count >= threshold {
                fired.append(
                    FiredTrigger(
                        trigger: "class_counts",
                        detail:
                            "\(Self.count(hits.count, "\(breakClass.rawValue) break")) \(Self.untoldPhrase) (threshold \(threshold))"
                    ))
                firing.formUnion(hits)
            }
        }
        for (currency, threshold) in triggers.amountAtRisk.sorted(by: { $0.key.code < $1.key.code }) {
            let hits = untold.filter {
                breaks[$0].item.breakClass != .timingDifference && breaks[$0].item.amountAtRisk?.currency == currency
            }
            var total: Int64 = 0
            for index in hits {
                let (sum, overflow) = total.addingReportingOverflow(
                    breaks[index].item.amountAtRisk?.minor.magnitude.clampedToInt64 ?? 0)
                total = overflow ? .max : sum
            }
            if !hits.isEmpty && total >= threshold {
                fired.append(
                    FiredTrigger(
                        trigger: "amount_at_risk",
                        detail:
                            "\(Money(minor: total, currency: currency)) at risk in \(Self.count(hits.count, "break")) \(Self.untoldPhrase) (threshold \(Money(minor: threshold, currency: currency)))"
                    ))
                firing.formUnion(hits)
            }
        }
        let result = report.result
        if let below = triggers.matchRateBelowBasisPoints, result.settlementTransactions > 0 {
            let rate = Self.matchRateBasisPoints(matched: result.matched, of: result.settlementTransactions)
            if rate < below {
                fired.append(
                    FiredTrigger(
                        trigger: "match_rate_below",
                        detail: "match rate \(Self.percent(rate)) % is below \(Self.percent(below)) %"))
            }
        }
        if triggers.failedControl {
            let failed = result.controls.filter { !$0.ok }
            if !failed.isEmpty {
                fired.append(
                    FiredTrigger(
                        trigger: "failed_control",
                        detail: "\(Self.count(failed.count, "control")) failed: \(failed.map(\.name).joined(separator: ", "))"))
                firing.formUnion(untold.filter { breaks[$0].item.breakClass == .controlMismatch })
            }
        }
        var escalations: [RunAlert.Escalation] = []
        if let days = triggers.escalateAfterDays {
            for item in report.history.visibleOpen {
                let age = item.age(on: report.window.to)
                guard age >= days, !report.mark(of: item).suppressesAlerts,
                    escalated[ItemIdentity(reference: item.reference, kind: item.kind, firstSeen: item.firstSeen)] != true
                else { continue }
                escalations.append(RunAlert.Escalation(item: item, ageDays: age))
            }
            if !escalations.isEmpty {
                fired.append(
                    FiredTrigger(
                        trigger: "escalate_after_days",
                        detail: "\(Self.count(escalations.count, "open item")) open for \(Self.count(days, "day")) or more"))
            }
        }
        guard !fired.isEmpty else { return nil }
        return RunAlert(endpoint: endpoint, fired: fired, breaks: firing.sorted().map { breaks[$0] }, escalations: escalations)
    }

    /// matched / transactions in hundredths of a percent, rounded down (never a `Double`).
    static func matchRateBasisPoints(matched: Int, of transactions: Int) -> Int {
        transactions > 0 ? matched * 10_000 / transactions : 10_000
    }

    /// `9950` → `"99.50"`.
    static func percent(_ basisPoints: Int) -> String {
        String(format: "%d.%02d", basisPoints / 100, basisPoints % 100)
    }

    /// What the breaks a trigger counts have in common: this endpoint was not told of them yet.
    /// Not "new", which a break's own `new` flag uses for "first seen in this window" (a persisting
    /// break can still be untold, after an endpoint was added).
    static let untoldPhrase = "not alerted before"

    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}

extension UInt64 {
    var clampedToInt64: Int64 { self > UInt64(Int64.max) ? .max : Int64(self) }
}
