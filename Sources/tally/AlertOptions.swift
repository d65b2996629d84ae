import Foundation
import TallyAlerts
import TallyEngine

/// Builds the alert settings from `--alerts FILE` and `--webhook URL` (+ `TALLY_WEBHOOK_SECRET`).
enum AlertOptions {
    /// The endpoints of the config file's `alerts:` come first, then `--alerts FILE`, then `--webhook`.
    ///
    /// - Returns: nil when there is no endpoint at all.
    /// - Throws: ``TallyAlerts/AlertRulesError`` with every problem (exit 64).
    static func settings(
        file: String?, webhook: String?, configured: AlertRules? = nil, stateDirectory: String, budgetSeconds: Double
    ) throws -> AlertSettings? {
        let environment = ProcessInfo.processInfo.environment
        var endpoints: [AlertEndpoint] = configured?.endpoints ?? []
        if let file { endpoints += try AlertRules.load(path: file, environment: environment).endpoints }
        if let webhook {
            let oneOff = try AlertRules.oneOff(url: webhook, secret: environment["TALLY_WEBHOOK_SECRET"]).endpoints
            if let clash = oneOff.first(where: { one in endpoints.contains { $0.name == one.name } }) {
                throw AlertRulesError(
                    source: file ?? "--webhook",
                    problems: ["endpoint name '\(clash.name)' is reserved for --webhook; rename the endpoint in the file"])
            }
            endpoints += oneOff
        }
        guard !endpoints.isEmpty else { return nil }
        return AlertSettings(
            rules: AlertRules(endpoints: endpoints), stateDirectory: stateDirectory, budgetSeconds: budgetSeconds)
    }
}
