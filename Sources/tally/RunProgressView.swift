import Foundation
import TallyEngine

/// One state of the progress line: the phase, and while reading the bytes, rate and ETA.
struct RunProgressView {
    var provider: String
    var phase: String
    var bytes = 0
    var total = 0
    var ledgerRows = 0
    var final = false

    init(provider: String, _ progress: RunProgress) {
        self.provider = provider
        switch progress {
        case .reading(let file, let bytes, let total, let ledgerRows):
            phase = "reading \((file as NSString).lastPathComponent)"
            self.bytes = bytes
            self.total = total
            self.ledgerRows = ledgerRows
        case .phase(let name):
            phase = name
        case .done:
            phase = "done"
            final = true
        }
    }

    func render(elapsed: Double) -> String {
        guard total > 0 else { return "\(provider): \(phase)…" }
        let megabytes = Double(bytes) / 1_048_576
        let rate = elapsed > 0 ? megabytes / elapsed : 0
        let percent = min(100, bytes * 100 / max(total, 1))
        var text =
            "\(provider): \(phase) \(percent)% (\(Self.format(megabytes)) of \(Self.format(Double(total) / 1_048_576)) MiB, \(Self.format(rate)) MiB/s"
        if rate > 0 && bytes < total {
            let eta = Double(total - bytes) / 1_048_576 / rate
            text += ", \(Int(eta.rounded(.up))) s left"
        }
        return text + "); ledger rows streamed: \(ledgerRows)"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
