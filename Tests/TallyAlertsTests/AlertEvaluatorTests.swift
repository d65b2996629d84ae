import Foundation
import TallyAlerts
import TallyCore
import TallyPostgres
import TallyReport
import Testing

/// What fires, and what is told only once.
@Suite struct AlertEvaluatorTests {
    func alerts(_ report: RunReport, _ endpoint: AlertEndpoint, told: [AlertedItem] = []) -> [RunAlert] {
        AlertEvaluator(rules: AlertRules(endpoints: [endpoint])).alerts(for: report, told: told)
    }

    @Test func theDefaultsAlertHighBreaksOnly() throws {
        let report = Night.report("2026-03-10", settled: [("re_Y", .refund, 500)], ledger: [("ch_X", .charge, 2_000)])
        let fired = alerts(report, Night.endpoint())
        let alert = try #require(fired.first)
        #expect(alert.fired == [FiredTrigger(trigger: "min_severity", detail: "1 break not alerted before, at high or above")])
        #expect(alert.breaks.map(\.item.reference) == ["re_Y"])
        #expect(alert.told.map(\.reference) == ["re_Y"])
        #expect(alerts(Night.report("2026-03-10", ledger: [("ch_X", .charge, 2_000)]), Night.endpoint()).isEmpty)
    }

    /// An endpoint added on the second night is told of a persisting break: the detail must not call
    /// it new, since the break's own `new` is false in the same body.
    @Test func aPersistingBreakNotToldBeforeIsNotCalledNew() throws {
        let first = Night.report("2026-03-10", settled: [("re_Y", .refund, 500)])
        let second = Night.report("2026-03-11", settled: [("re_Y", .refund, 500)], previous: first.history.open)
        #expect(second.breaks.map(\.isNew) == [false])
        let alert = try #require(alerts(second, Night.endpoint("late")).first)
        #expect(alert.breaks.map(\.isNew) == [false])
        let detail = try #require(alert.fired.first?.detail)
        #expect(detail == "1 break not alerted before, at high or above")
        #expect(!detail.contains("new"))
    }

    @Test func anItemAlreadyToldIsNotToldAgain() {
        let first = Night.report("2026-03-10", settled: [("re_Y", .refund, 500)])
        let told = alerts(first, Night.endpoint()).flatMap(\.told)
        let second = Night.report("2026-03-11", settled: [("re_Y", .refund, 500)], previous: first.history.open)
        #expect(second.breaks.map(\.isNew) == [false])
        #expect(alerts(second, Night.endpoint(), told: told).isEmpty)
        // another endpoint has not been told
        #expect(alerts(second, Night.endpoint("other")).count == 1)
        // the same key closing and opening again later is a new item
        let reopened = Night.report("2026-03-20", settled: [("re_Y", .refund, 500)])
        #expect(alerts(reopened, Night.endpoint(), told: told).count == 1)
    }

    @Test func anOpenItemEscalatesOnceWhenItReachesTheAge() throws {
        let endpoint = Night.endpoint(triggers: AlertTriggers(escalateAfterDays: 2))
        let first = Night.report("2026-03-10", settled: [("re_Y", .refund, 500)])
        var told = alerts(first, endpoint).flatMap(\.told)
        let second = Night.report("2026-03-11", settled: [("re_Y", .refund, 500)], previous: first.history.open)
        #expect(alerts(second, endpoint, told: told).isEmpty)
        let third = Night.report("2026-03-12", previous: second.history.open)
        let alert = try #require(alerts(third, endpoint, told: told).first)
        #expect(alert.fired.map(\.trigger) == ["escalate_after_days"])
        #expect(alert.escalations.map { "\($0.item.reference) \($0.ageDays)" } == ["re_Y 2"])
        #expect(alert.breaks.isEmpty)
        told += alert.told
        let fourth = Night.report("2026-03-13", previous: third.history.open)
        #expect(alerts(fourth, endpoint, told: told).isEmpty)
    }

    @Test func classCountsFireAtTheirThreshold() {
        let endpoint = Night.endpoint(triggers: AlertTriggers(minSeverity: nil, classCounts: [.missingInProvider: 3]))
        let two = Night.report("2026-03-10", ledger: [("a", .charge, 1), ("b", .charge, 1)])
        #expect(alerts(two, endpoint).isEmpty)
        let three = Night.report("2026-03-10", ledger: [("a", .charge, 1), ("b", .charge, 1), ("c", .charge, 1)])
        #expect(
            alerts(three, endpoint).first?.fired.map(\.detail) == [
                "3 missing_in_provider breaks not alerted before (threshold 3)"
            ])
    }

    @Test func amountAtRiskFiresPerCurrency() {
        let endpoint = Night.endpoint(triggers: AlertTriggers(minSeverity: nil, amountAtRisk: [.eur: 10_000]))
        #expect(alerts(Night.report("2026-03-10", ledger: [("a", .charge, 9_999)]), endpoint).isEmpty)
        let alert = alerts(Night.report("2026-03-10", ledger: [("a", .charge, 6_000), ("b", .charge, 4_000)]), endpoint)
        #expect(alert.first?.fired.map(\.detail) == ["100.00 EUR at risk in 2 breaks not alerted before (threshold 100.00 EUR)"])
    }

    @Test func aLowMatchRateAndAFailedControlFire() {
        let endpoint = Night.endpoint(
            triggers: AlertTriggers(minSeverity: nil, matchRateBelowBasisPoints: 9_000, failedControl: true))
        let report = Night.report(
            "2026-03-10", settled: [("a", .charge, 1), ("b", .charge, 1), ("c", .charge, 1)], ledger: [("a", .charge, 1)],
            controls: [ControlResult(name: "balance", ok: false, expected: "10.00", actual: "9.00", file: 0)])
        #expect(
            alerts(report, endpoint).first?.fired.map(\.detail) == [
                "match rate 33.33 % is below 90.00 %", "1 control failed: balance",
            ])
    }
}
