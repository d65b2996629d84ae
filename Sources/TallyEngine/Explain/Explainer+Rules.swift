import Foundation
import TallyCore

extension Explanation {
    /// What the rule passes made of one line of the residue that involves the explained reference:
    /// the line itself, a line whose candidates name it, or the line a `match` pass paired it with.
    public struct RuleTrace: Sendable {
        /// `file:line` of the settlement line.
        public var place: String
        /// The line's own reference, or `(no reference) line N`.
        public var lineReference: String
        /// `matched` for a clean pairing of a `match` pass, else the break's class.
        public var outcome: String
        /// The pass that decided, when one did.
        public var decidedBy: String?
        /// Every pass that looked at the line, in order, with what it saw.
        public var steps: [RuleStep]
    }
}

extension Explainer {
    /// The traces in a run's stored report.json (`passes` of its breaks, `rule_matches`) that
    /// concern `reference`: as the run decided them, not as a rerun now would.
    static func ruleTraces(reference: String, reportJSON: [UInt8]) -> [Explanation.RuleTrace] {
        guard let report = (try? JSONSerialization.jsonObject(with: Data(reportJSON))) as? [String: Any] else { return [] }
        func steps(_ value: Any?) -> [RuleStep] {
            ((value as? [[String: Any]]) ?? []).compactMap { step in
                guard let pass = step["pass"] as? String,
                    let verdict = (step["verdict"] as? String).flatMap(RuleStep.Verdict.init),
                    let note = step["note"] as? String
                else { return nil }
                return RuleStep(pass: pass, verdict: verdict, note: note)
            }
        }
        func place(_ provider: Any?) -> String {
            guard let provider = provider as? [String: Any], let file = provider["file"] as? String,
                let line = provider["line"] as? Int
            else { return "(no line)" }
            return "\(file):\(line)"
        }
        var traces: [Explanation.RuleTrace] = []
        for item in (report["breaks"] as? [[String: Any]]) ?? [] {
            let trace = steps(item["passes"])
            guard !trace.isEmpty else { continue }
            let candidates = ((item["candidates"] as? [[String: Any]]) ?? []).compactMap { $0["reference"] as? String }
            guard item["reference"] as? String == reference || candidates.contains(reference) else { continue }
            let matchedBy = item["matched_by"] as? String
            traces.append(
                Explanation.RuleTrace(
                    place: place(item["provider"]), lineReference: item["reference"] as? String ?? "",
                    outcome: item["class"] as? String ?? "", decidedBy: matchedBy, steps: trace))
        }
        for match in (report["rule_matches"] as? [[String: Any]]) ?? [] {
            let rows = ((match["ledger"] as? [[String: Any]]) ?? []).compactMap { $0["reference"] as? String }
            guard match["reference"] as? String == reference || rows.contains(reference) else { continue }
            traces.append(
                Explanation.RuleTrace(
                    place: place(match["provider"]), lineReference: match["reference"] as? String ?? "", outcome: "matched",
                    decidedBy: match["pass"] as? String, steps: steps(match["passes"])))
        }
        return traces
    }
}
