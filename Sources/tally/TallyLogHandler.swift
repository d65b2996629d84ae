import Foundation
import Logging
import Synchronization
import TallyCore

/// Log lines on stderr, as text for people (`tally: read …`) or one JSON object per line for a log
/// system (`{"level":"info","message":…,"phase":"read","provider":…,"run_id":…,"time":…}`).
///
/// Nothing here formats a URL or a secret: messages never carry connection strings (libpq errors
/// name the host and port only), and no metadata holds one.
struct TallyLogHandler: LogHandler {
    enum Format: String { case text, json }

    var format: Format
    var logLevel: Logger.Level
    /// `--mask-pii`: every message through ``TallyCore/PIIMasker/maskMessage(_:)``.
    var maskPII = false
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = maskPII ? PIIMasker().maskMessage("\(event.message)") : "\(event.message)"
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        let text: String
        switch format {
        case .text:
            let prefix: String
            switch level {
            case .error, .critical: prefix = "error: "
            case .warning: prefix = "warning: "
            case .trace, .debug: prefix = "debug: "
            default: prefix = ""
            }
            text = TerminalText.escaped("tally: \(prefix)\(message)") + "\n"
        case .json:
            var object: [String: Any] = [
                "time": ISO8601DateFormatter.string(
                    from: Date(), timeZone: TimeZone(identifier: "UTC")!,
                    formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
                "level": level.rawValue, "message": "\(message)",
            ]
            for (key, value) in all { object[key] = "\(value)" }
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            text = Console.jsonEscaped(String(decoding: data, as: UTF8.self)) + "\n"
        }
        ProgressLine.shared.clear()
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Installs the handler process-wide (once).
    static func bootstrap(format: Format, level: Logger.Level, maskPII: Bool = false) {
        guard !bootstrapped.exchange(true, ordering: .relaxed) else { return }
        LoggingSystem.bootstrap { _ in TallyLogHandler(format: format, logLevel: level, maskPII: maskPII) }
    }

    private static let bootstrapped = Atomic<Bool>(false)
}

/// The progress line of a run on a terminal, redrawn in place; silent when stderr is not a terminal.
final class ProgressLine: Sendable {
    static let shared = ProgressLine()

    private struct State {
        var enabled = false
        var drawn = false
        var lastDraw: Date = .distantPast
        var phaseStart = Date()
        var phase = ""
    }

    private let state = Mutex(State())

    func enable(_ on: Bool) { state.withLock { $0.enabled = on } }

    /// Draws what the run reports, at most ten times a second.
    func show(_ progress: RunProgressView) {
        state.withLock { state in
            guard state.enabled else { return }
            let now = Date()
            if progress.phase != state.phase {
                state.phase = progress.phase
                state.phaseStart = now
            } else if now.timeIntervalSince(state.lastDraw) < 0.1 && !progress.final {
                return
            }
            state.lastDraw = now
            let text = progress.final ? "" : progress.render(elapsed: now.timeIntervalSince(state.phaseStart))
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + TerminalText.escaped(text, keepingLayout: false)).utf8))
            state.drawn = !text.isEmpty
        }
    }

    /// Clears the line before a log line is written under it.
    func clear() {
        state.withLock { state in
            guard state.drawn else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            state.drawn = false
        }
    }
}
