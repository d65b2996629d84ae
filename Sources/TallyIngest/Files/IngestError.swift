import TallyCore

/// A settlement file that cannot be read at all: the run stops (exit 65, or 66 when missing).
///
/// Malformed *records* are not errors: they become ``TallyCore/Reject``s and the run goes on.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; a struct over a private enum so codes can grow.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable { case fileMissing, unreadable, malformed, tooManyRejects, hostileXML, unsupported }
        private var base: Base
        /// The file does not exist (exit status 66).
        public static let fileMissing = Code(base: .fileMissing)
        /// The file exists but cannot be opened or read.
        public static let unreadable = Code(base: .unreadable)
        /// The file is not in the expected format (no header, missing columns, truncated XML, …).
        public static let malformed = Code(base: .malformed)
        /// More records were rejected than `--max-rejects` allows.
        public static let tooManyRejects = Code(base: .tooManyRejects)
        /// The XML declares a DOCTYPE or entities.
        public static let hostileXML = Code(base: .hostileXML)
        /// The format is known but this build cannot read it (a usage error, exit 64).
        public static let unsupported = Code(base: .unsupported)
    }

    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The file, and the line when one is known.
    public var path: String
    public var line: Int?
    /// What the file itself says there (header names, a namespace), built by ``excerpt(_:)``: short
    /// and escaped. Shown on the terminal and in the logs as `(found: …)`, never in a failure
    /// alert (``withoutExcerpt``): the file may be any file a pattern resolved to.
    public var excerpt: String?

    public init(code: Code, message: String, path: String, line: Int? = nil, excerpt: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.excerpt = excerpt
    }

    public var description: String {
        let text = message + (excerpt.map { " (found: \($0))" } ?? "")
        if path.isEmpty { return text }
        if let line { return "\(path):\(line): \(text)" }
        return "\(path): \(text)"
    }

    /// The same error without what it quotes of the file, as a failure alert tells it.
    public var withoutExcerpt: IngestError {
        var copy = self
        copy.excerpt = nil
        return copy
    }

    /// The longest excerpt, in characters.
    public static let excerptLimit = 120

    /// Values from a file as one short excerpt: joined by commas, control characters escaped, cut
    /// at ``excerptLimit`` characters with an ellipsis.
    public static func excerpt(_ values: [String]) -> String {
        let text = TerminalText.escaped(values.joined(separator: ", "), keepingLayout: false)
        return text.count <= excerptLimit ? text : String(text.prefix(excerptLimit - 1)) + "…"
    }
}
