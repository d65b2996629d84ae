import Foundation
import TallyCore

/// stdout carries the run summary; stderr carries progress and errors.
///
/// Everything goes out through ``TerminalText``: provider text (references, descriptions, reasons
/// that quote a file) can hold ESC or BEL, and must never reach the operator's terminal raw. JSON
/// goes through ``json(_:)``, whose escapes keep it valid JSON.
enum Console {
    static func out(_ text: String) {
        write(TerminalText.escaped(text), to: FileHandle.standardOutput)
    }

    static func error(_ text: String) {
        write(TerminalText.escaped(text), to: FileHandle.standardError)
    }

    /// A JSON document on stdout. JSONSerialization escapes C0 controls already; C1 controls and
    /// the bidirectional formatting characters get JSON's own `\uXXXX` escapes here.
    static func json(_ text: String) {
        write(jsonEscaped(text), to: FileHandle.standardOutput)
    }

    static func jsonEscaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { TerminalText.needsEscape($0, keepingLayout: true) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if TerminalText.needsEscape(scalar, keepingLayout: true) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
