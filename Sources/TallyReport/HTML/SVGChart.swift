/// Small charts drawn as inline SVG: no script, no fonts, no request, and they print.
///
/// Geometry is integer arithmetic on the values, so the same figures give the same bytes. Every
/// label goes through ``HTMLEscaping``; colours come from the stylesheet's `.bar.<class>` rules.
/// Each chart carries a `<title>` and each bar or column its own `<title>` (a tooltip on screen,
/// a name for screen readers) with the exact figure.
enum SVGChart {
    /// One bar of a horizontal bar chart.
    struct Bar {
        var label: String
        /// Length, relative to the longest bar (non-negative).
        var value: Int64
        /// What is written after the bar.
        var text: String
        /// `high`, `medium`, `info` or `neutral`.
        var tone: String
    }

    /// One column of a stacked column chart.
    struct Column {
        var label: String
        /// Stacked from the bottom, in order.
        var segments: [(value: Int, tone: String)]
        var title: String
    }

    /// A horizontal bar chart, one row per bar.
    static func bars(_ bars: [Bar], id: String, title: String, width: Int = 520, textWidth: Int = 90) -> String {
        let e = HTMLEscaping.escape
        let row = 26
        let labelWidth = 18 + 7 * (bars.map(\.label.count).max() ?? 0)
        let area = width - labelWidth - textWidth
        let height = max(1, bars.count) * row + 8
        let largest = max(1, bars.map(\.value).max() ?? 1)
        var svg =
            "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-t\">"
            + "<title id=\"\(id)-t\">\(e(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = 4 + index * row
            let length = bar.value <= 0 ? 0 : max(2, scale(bar.value, of: largest, to: area))
            svg += "<g><title>\(e(bar.label)): \(e(bar.text))</title>"
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(e(bar.label))</text>"
            svg +=
                "<rect class=\"bar \(bar.tone)\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"\(row - 8)\" rx=\"2\"></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\">\(e(bar.text))</text></g>"
        }
        svg += "<line class=\"axis\" x1=\"\(labelWidth)\" y1=\"2\" x2=\"\(labelWidth)\" y2=\"\(height - 2)\"></line></svg>"
        return svg
    }

    /// `value / largest * length` in integers, without overflow for values near Int64's limit.
    static func scale(_ value: Int64, of largest: Int64, to length: Int) -> Int {
        let (product, overflow) = value.multipliedReportingOverflow(by: Int64(length))
        return Int(overflow ? value / max(1, largest / Int64(length)) : product / largest)
    }

    /// A stacked column chart with the total above each column and every `labelEvery`-th label
    /// (and the last) below it.
    static func columns(_ columns: [Column], id: String, title: String, width: Int = 520, height: Int = 220) -> String {
        let e = HTMLEscaping.escape
        let top = 18
        let bottom = 30
        let left = 8
        let plot = height - top - bottom
        let slot = max(1, (width - 2 * left) / max(1, columns.count))
        let barWidth = min(44, max(2, slot * 7 / 10))
        let largest = max(1, columns.map { $0.segments.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let labelEvery = max(1, (columns.count + 5) / 6)
        var svg =
            "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-t\">"
            + "<title id=\"\(id)-t\">\(e(title))</title>"
        let baseline = top + plot
        svg += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(baseline)\" x2=\"\(width - left)\" y2=\"\(baseline)\"></line>"
        for (index, column) in columns.enumerated() {
            let x = left + index * slot + (slot - barWidth) / 2
            let total = column.segments.reduce(0) { $0 + $1.value }
            svg += "<g><title>\(e(column.title))</title>"
            var y = baseline
            for segment in column.segments where segment.value > 0 {
                let h = max(1, plot * segment.value / largest)
                y -= h
                svg += "<rect class=\"bar \(segment.tone)\" x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(h)\"></rect>"
            }
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\">\(total)</text>"
            if index % labelEvery == 0 || index == columns.count - 1 {
                svg +=
                    "<text class=\"muted\" x=\"\(x + barWidth / 2)\" y=\"\(baseline + 18)\" text-anchor=\"middle\">\(e(column.label))</text>"
            }
            svg += "</g>"
        }
        svg += "</svg>"
        return svg
    }
}
