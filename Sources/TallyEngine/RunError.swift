/// A run (or an explanation) that cannot start or finish for a reason outside the data: bad
/// options, a held lock, reports that cannot be written, a reference nobody knows.
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; a struct over a private enum so codes can grow.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case usage, locked, cannotWriteReports, cannotWriteSpill, internalFailure, notFound, massBreaks
        }
        private var base: Base
        /// Options that do not make sense together or name something unknown (exit 64).
        public static let usage = Code(base: .usage)
        /// Another run holds this provider's lock (exit 75).
        public static let locked = Code(base: .locked)
        /// The report directory cannot be created or written (exit 73).
        public static let cannotWriteReports = Code(base: .cannotWriteReports)
        /// The spill folder is full, over quota, read-only or not ours to write (exit 73).
        public static let cannotWriteSpill = Code(base: .cannotWriteSpill)
        /// What was asked about exists nowhere: `tally explain` of an unknown reference (exit 66).
        public static let notFound = Code(base: .notFound)
        /// The breaks cover more than `max_break_ratio` of the ledger window or of the file: an
        /// empty file, or one of another day (exit 65, ``MassBreakGuard``).
        public static let massBreaks = Code(base: .massBreaks)
        /// An invariant did not hold (exit 70).
        public static let internalFailure = Code(base: .internalFailure)
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
