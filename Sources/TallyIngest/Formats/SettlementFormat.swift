import TallyCore

/// The settlement file formats `tally run --format` accepts.
public enum SettlementFormat: String, Sendable, CaseIterable, Codable {
    case stripe, adyen, paypal, camt053, camt054, csv
    /// Bank statements: BAI2 (BTRS) and SWIFT MT940 statements / MT942 interim reports.
    case bai2, mt940, mt942

}

/// Options that change how a format reads its files.
public struct ReaderOptions: Sendable, Hashable {
    /// Column that holds the reference, instead of the format's default (Stripe `--reference-column`).
    public var referenceColumn: String?
    /// Fields longer than this become rejects.
    public var maxFieldBytes: Int
    /// The mapping of `--format csv` (`--mapping FILE.yml`).
    public var mapping: CSVMapping?

    public init(referenceColumn: String? = nil, maxFieldBytes: Int = 1 << 20, mapping: CSVMapping? = nil) {
        self.referenceColumn = referenceColumn
        self.maxFieldBytes = maxFieldBytes
        self.mapping = mapping
    }
}

/// Reads one settlement file into a sink. One implementation per format.
public protocol SettlementReader: Sendable {
    /// Reads the whole file, emitting transactions, non-transaction lines, rejects and controls.
    ///
    /// - Throws: ``IngestError`` when the file as a whole cannot be read.
    func read(_ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError)
}
