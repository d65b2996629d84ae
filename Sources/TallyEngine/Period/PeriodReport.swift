import Foundation
import TallyCore
import TallyPostgres

/// The month-end report (`tally report period`): one period's figures from the store, per
/// provider and currency, and what people did to the items (docs/reports.md, "The period report").
///
/// Its sources: the current (not superseded) succeeded runs whose window lies inside the period,
/// read from the report.json each stored; and the item events whose instant falls inside the
/// period (UTC days). Money is in minor units per currency, never summed across currencies.
public struct PeriodReport: Sendable {
    public var from: CivilDate
    public var to: CivilDate
    public var provider: String?
    public var providers: [ProviderFigures] = []
    /// Counts of the item events in the period, per actor and action.
    public var actions: [String: [String: Int]] = [:]

    /// The age buckets of the items still open at the period's end, in days.
    public static let buckets: [(name: String, range: ClosedRange<Int>)] = [
        ("0-7", 0...7), ("8-30", 8...30), ("31-60", 31...60), ("61+", 61...Int.max),
    ]

    /// One provider's period.
    public struct ProviderFigures: Sendable {
        public var provider: String
        public var runs: [String] = []
        public var settlementTransactions = 0
        public var matched = 0
        public var currencies: [String: CurrencyFigures] = [:]
        /// Breaks that opened an item in the period's runs, per class.
        public var opened: [String: Int] = [:]
        /// Items the runs resolved because the data explained them, per resolution.
        public var resolvedByReconciler: [String: Int] = [:]
        public var confirmed = 0
        public var rejected = 0
        /// Per reason code, for `written_off` and `explained`.
        public var writtenOffByReason: [String: Int] = [:]
        public var explainedByReason: [String: Int] = [:]
        /// Items still open after the period's last run, per age bucket at the period's end, and per state.
        public var openAtEnd: [String: Int] = [:]
        public var openAtEndByState: [String: Int] = [:]

        /// The match rate by count in basis points (matched / settlement transactions).
        public var matchRateCountBasisPoints: Int {
            settlementTransactions > 0 ? matched * 10_000 / settlementTransactions : 10_000
        }
    }

    /// One provider's money in one currency.
    public struct CurrencyFigures: Sendable {
        public var transactions = 0
        public var settledMinor: Int64 = 0
        public var matchedMinor: Int64 = 0
        public var feesMinor: Int64 = 0
        public var payoutsMinor: Int64 = 0
        public var openedMinor: Int64 = 0
        public var writtenOffMinor: Int64 = 0
        public var explainedMinor: Int64 = 0

        /// matched / settled by amount in basis points.
        public var matchRateAmountBasisPoints: Int {
            settledMinor > 0 ? Int(matchedMinor.multipliedReportingOverflow(by: 10_000).partialValue / settledMinor) : 10_000
        }
    }

    /// Builds the period's figures from the store.
    public static func build(store connection: PostgresConnection, from: CivilDate, to: CivilDate, provider: String?) throws
        -> PeriodReport
    {
        var report = PeriodReport(from: from, to: to, provider: provider)
        let store = ResultStore(connection: connection)
        var figures: [String: ProviderFigures] = [:]
        let runs = try connection.query(
            """
            SELECT id::text, provider, window_to::text FROM tally.runs
            WHERE state = 'succeeded' AND superseded_by IS NULL AND window_from >= $1::date AND window_to <= $2::date
              AND ($3::text IS NULL OR provider = $3)
            ORDER BY provider, window_from, window_to
            """, [from.description, to.description, provider])
        var last: [String: (id: String, to: CivilDate)] = [:]
        for row in runs {
            guard let id = row[0], let name = row[1], let end = row[2].flatMap({ CivilDate(iso: $0) }) else { continue }
            var entry = figures[name] ?? ProviderFigures(provider: name)
            guard let json = try document(store, id) else { continue }
            entry.runs.append(id)
            entry.add(run: json)
            figures[name] = entry
            last[name] = (id, end)
        }
        // people's decisions and who did what, folded in log order so an approval knows its write-off
        if try Migrations.currentVersion(connection) ?? 0 >= ItemLog.migration {
            let start = Timestamp(date: from)
            let end = Timestamp(date: to.adding(days: 1))
            var statuses: [ItemID: ItemStatus] = [:]
            for event in try ItemLog(connection: connection).events(provider: provider) {
                statuses[event.itemID, default: ItemStatus()].apply(event)
                guard event.at >= start, event.at < end else { continue }
                report.actions[event.actor, default: [:]][event.action.rawValue, default: 0] += 1
                var entry = figures[event.provider] ?? ProviderFigures(provider: event.provider)
                entry.add(decision: event, status: statuses[event.itemID]!)
                figures[event.provider] = entry
            }
        }
        // what is still open at the period's end: the last run's open items, less those a person
        // closed by then, in the state people left them in on the last day
        let statusesAtEnd = try statuses(connection, provider: provider, before: Timestamp(date: to.adding(days: 1)))
        for (name, run) in last {
            guard let json = try document(store, run.id) else { continue }
            figures[name]?.addOpen(json, days: to.daysSinceEpoch - run.to.daysSinceEpoch, statuses: statusesAtEnd, on: to)
        }
        report.providers = figures.values.sorted { $0.provider < $1.provider }
        return report
    }

    /// Every item's status folded from the events written before `end` (none before the log exists).
    static func statuses(_ connection: PostgresConnection, provider: String?, before end: Timestamp) throws
        -> [ItemID: ItemStatus]
    {
        guard try Migrations.currentVersion(connection) ?? 0 >= ItemLog.migration else { return [:] }
        var statuses: [ItemID: ItemStatus] = [:]
        for event in try ItemLog(connection: connection).events(provider: provider) where event.at < end {
            statuses[event.itemID, default: ItemStatus()].apply(event)
        }
        return statuses
    }

    static func document(_ store: ResultStore, _ runID: String) throws -> [String: Any]? {
        guard let bytes = try store.reports(runID: runID).first(where: { $0.name == "report.json" })?.bytes else { return nil }
        return try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }
}

/// A JSON number as minor units (0 when absent).
func minor(_ value: Any?) -> Int64 { (value as? NSNumber)?.int64Value ?? 0 }

extension PeriodReport.ProviderFigures {
    mutating func add(run json: [String: Any]) {
        let summary = json["summary"] as? [String: Any] ?? [:]
        settlementTransactions += summary["settlement_transactions"] as? Int ?? 0
        matched += summary["matched"] as? Int ?? 0
        for (code, value) in summary["settlement_amount_minor_by_currency"] as? [String: Any] ?? [:] {
            currencies[code, default: .init()].settledMinor &+= minor(value)
        }
        for (code, value) in summary["matched_amount_minor_by_currency"] as? [String: Any] ?? [:] {
            currencies[code, default: .init()].matchedMinor &+= minor(value)
        }
        for totals in summary["totals_by_currency"] as? [[String: Any]] ?? [] {
            guard let code = totals["currency"] as? String else { continue }
            currencies[code, default: .init()].transactions += totals["transactions"] as? Int ?? 0
            currencies[code, default: .init()].feesMinor &+= minor((totals["fees"] as? [String: Any])?["total_minor"])
            currencies[code, default: .init()].payoutsMinor &+= minor(totals["payouts_minor"])
        }
        for entry in json["breaks"] as? [[String: Any]] ?? [] where entry["new"] as? Bool == true && entry["item_id"] is String {
            guard let breakClass = entry["class"] as? String else { continue }
            opened[breakClass, default: 0] += 1
            if let (code, minor) = Self.atRisk(entry) { currencies[code, default: .init()].openedMinor &+= minor }
        }
        for entry in json["resolved"] as? [[String: Any]] ?? [] where entry["actor"] as? String == ResultStore.reconcilerActor {
            if let how = entry["resolved_as"] as? String { resolvedByReconciler[how, default: 0] += 1 }
        }
    }

    /// A break's amount at risk as report.json gives its sides (``TallyCore/Break/amountAtRisk``).
    static func atRisk(_ entry: [String: Any]) -> (String, Int64)? {
        let provider = entry["provider"] as? [String: Any]
        let ledger = entry["ledger"] as? [String: Any]
        func side(_ side: [String: Any]?) -> (String, Int64)? {
            guard let side, let code = side["currency"] as? String, let amount = side["amount_minor"] as? NSNumber else {
                return nil
            }
            return (code, amount.int64Value)
        }
        if entry["class"] as? String == BreakClass.amountMismatch.rawValue, let p = side(provider), let l = side(ledger),
            p.0 == l.0
        {
            return (p.0, abs(p.1 - l.1))
        }
        return side(provider) ?? side(ledger)
    }

    /// The last run's open items as they stand on `day`: an item a person closed since (for the
    /// class it has) is not open; an acknowledgement counts while its date has not passed.
    mutating func addOpen(_ json: [String: Any], days: Int, statuses: [ItemID: ItemStatus], on day: CivilDate) {
        for entry in json["open_items"] as? [[String: Any]] ?? [] {
            let status = (entry["item_id"] as? String).flatMap { ItemID(text: $0) }.flatMap { statuses[$0] }
            let breakClass = (entry["class"] as? String).flatMap(BreakClass.init(rawValue:))
            var state = "open"
            if let status, let breakClass {
                if status.closure(of: breakClass) != nil { continue }
                switch status.state {
                case .acknowledged
                where status.acknowledgedUntil.map({ day <= $0 }) ?? true
                    && status.acknowledgedClass == breakClass:
                    state = ItemWorkState.acknowledged.rawValue
                case .pendingApproval: state = ItemWorkState.pendingApproval.rawValue
                default: break
                }
            }
            let age = (entry["age_days"] as? Int ?? 0) + max(0, days)
            if let bucket = PeriodReport.buckets.first(where: { $0.range.contains(age) }) {
                openAtEnd[bucket.name, default: 0] += 1
            }
            openAtEndByState[state, default: 0] += 1
        }
    }

    /// A person's decision that closes an item: a confirm or reject, a write-off or explanation
    /// (once approved, when it needed approval).
    mutating func add(decision event: ItemEvent, status: ItemStatus) {
        switch event.action {
        case .confirm: confirmed += 1
        case .reject: rejected += 1
        case .resolve where !event.needsApproval, .approve:
            let reason = status.reason ?? "?"
            let amount = status.resolvedAmount ?? event.amount
            if status.resolvedAs == ManualResolution.writtenOff.rawValue {
                writtenOffByReason[reason, default: 0] += 1
                if let amount { currencies[amount.currency.code, default: .init()].writtenOffMinor &+= amount.minor }
            } else {
                explainedByReason[reason, default: 0] += 1
                if let amount { currencies[amount.currency.code, default: .init()].explainedMinor &+= amount.minor }
            }
        default: break
        }
    }
}
