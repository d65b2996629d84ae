/// Column names of a header row, looked up the way providers vary them: without case, with
/// leading, trailing and repeated whitespace ignored (PayPal's `Transaction  Debit or Credit`).
struct HeaderNames {
    /// Normalised name → 0-based column.
    private(set) var positions: [String: Int] = [:]
    /// The names as written, in column order (for messages).
    private(set) var written: [String] = []
    /// Fields up to and including the last named column (a header padded with empty names ends there).
    private(set) var namedCount = 0

    /// Binds a header row.
    ///
    /// - Parameter skip: leading fields that are not column names (PayPal's `CH` record type).
    /// - Throws: a message when a name is not valid UTF-8 or appears twice.
    init(_ header: CSVRecord, skip: Int = 0) throws(HeaderProblem) {
        for column in skip..<max(skip, header.count) {
            guard let name = header.string(column) else {
                throw HeaderProblem(message: "header column \(column + 1) is not valid UTF-8")
            }
            let key = Self.normalise(name)
            if key.isEmpty { continue }  // padding: an unnamed column cannot be asked for
            if positions[key] != nil {
                throw HeaderProblem(message: "the header names a column twice", excerpt: IngestError.excerpt([name]))
            }
            positions[key] = column
            written.append(name)
            namedCount = column + 1
        }
    }

    subscript(_ name: String) -> Int? { positions[Self.normalise(name)] }

    /// The first of `names` that the header has.
    func first(_ names: String...) -> Int? { names.lazy.compactMap { self[$0] }.first }

    /// The names among `required` that the header lacks.
    func missing(_ required: [String]) -> [String] { required.filter { self[$0] == nil } }

    /// The first names of the header, for a message saying what was found instead.
    /// The first names, as a short escaped excerpt for an error.
    var sample: String { IngestError.excerpt(Array(written.prefix(12))) }

    static func normalise(_ name: String) -> String {
        name.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }).joined(separator: " ").lowercased()
    }
}

/// Why a header row cannot be bound.
struct HeaderProblem: Error {
    var message: String
    /// What the header says, as ``IngestError/excerpt``.
    var excerpt: String? = nil
}
