import TallyCore

/// "Matched by rules": what each rule pass over the residue did (docs/matching.md, "Rule passes").
extension HTMLReport {
    static func rulesSection(_ report: RunReport) -> String {
        let result = report.result
        let breaks = report.breaks.map(\.item)
        let passNames = Set(result.pairsByPass.keys).union(breaks.compactMap(\.matchedBy)).subtracting([RulePass.keyPassName])
        guard !passNames.isEmpty else { return "" }
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">Matched by rules</h2>\n"
        html += "<p class=\"note\">The key pass paired \(HTMLFormat.count(result.keyPairs)) lines by reference and kind;"
        html += " the rule passes then looked at what it left. A pass pairs only what is unique both ways;"
        html += " proposals wait for a person (probable_match), ties are listed as ambiguous_match.</p>\n"
        html += "<table id=\"rules\"><thead><tr><th scope=\"col\">Pass</th><th scope=\"col\" class=\"num\">Pairs</th>"
        html += "<th scope=\"col\" class=\"num\">Matched</th><th scope=\"col\" class=\"num\">To confirm</th>"
        html +=
            "<th scope=\"col\" class=\"num\">With differences</th><th scope=\"col\" class=\"num\">Ambiguous</th></tr></thead><tbody>"
        for name in passNames.sorted() {
            let mine = breaks.filter { $0.matchedBy == name }
            let proposed = mine.filter { $0.breakClass == .probableMatch }.count
            let ambiguous = mine.filter { $0.breakClass == .ambiguousMatch }.count
            let differing = mine.count - proposed - ambiguous
            let pairs = result.pairsByPass[name] ?? 0
            html += "<tr data-pass=\"\(e(name))\"><td><code>\(e(name))</code></td>"
            html += "<td class=\"num\">\(HTMLFormat.count(pairs))</td>"
            html += "<td class=\"num\">\(HTMLFormat.count(max(0, pairs - proposed - differing)))</td>"
            html += "<td class=\"num\">\(HTMLFormat.count(proposed))</td><td class=\"num\">\(HTMLFormat.count(differing))</td>"
            html += "<td class=\"num\">\(HTMLFormat.count(ambiguous))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if result.boundedGroupSearches > 0 {
            html += "<p class=\"note\">\(plural(result.boundedGroupSearches, "line")) had too many candidate rows for a group"
            html += " search to prove one answer, and were left as they were.</p>\n"
        }
        return html + "</section>\n"
    }
}
