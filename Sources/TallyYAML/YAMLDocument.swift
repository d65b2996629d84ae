import Foundation
import Yams

/// Why a YAML file gave no document to read.
public enum YAMLDocumentError: Error, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable
    /// The bytes are not UTF-8.
    case notUTF8
    /// The text is not YAML; the parser's own words.
    case invalid(String)

    public var description: String {
        switch self {
        case .unreadable: "cannot read the file"
        case .notUTF8: "the file is not UTF-8"
        case .invalid(let reason): "not valid YAML: \(reason)"
        }
    }
}

/// Reading a YAML file's text and composing it into nodes, the same way for every reader.
public enum YAMLDocument {
    /// The file's text.
    public static func text(path: String) throws(YAMLDocumentError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        return text
    }

    /// The document's root node; nil for an empty document.
    public static func compose(_ text: String) throws(YAMLDocumentError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw .invalid("\(error)")
        }
    }
}
