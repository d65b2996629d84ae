import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// BAI2 (BTRS) cash-management balance reports, versions 2 and 3, as the large US banks send them.
///
/// Records 01 (file), 02 (group), 03 (account with its status and summary amounts), 16
/// (transaction detail), 88 (continuation of the record before it, which may split anywhere
/// between fields), 49, 98 and 99 (trailers). `/` ends a record; several records may share a line
/// and a 16's text may run over the line end. Amounts are digits in minor units (the decimals are
/// implied by the currency's exponent); the account's currency applies, else the group's, else USD.
///
/// Each 16 of detail type 100–399 is a transaction of kind charge, 400–699 of kind refund, its
/// reference the customer reference, else the bank reference (`NONREF` is none); other detail
/// types (700–999) are listed under `bai2 type NNN`. Controls: every 49 (the account's 03 and 16
/// amounts as written and its record count), 98 and 99 (totals, accounts or groups, records),
/// `010 + credits − debits = 015` for each account that states both, and that every account,
/// group and the file end with their trailer.
public struct BAI2Reader: SettlementReader {
    public var options: ReaderOptions

    public init(options: ReaderOptions = ReaderOptions()) {
        self.options = options
    }

    public func read(_ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var parser = BAI2Parser(file: file, maxRecordBytes: options.maxFieldBytes)
        try parser.run(descriptor: descriptor, into: &sink, progress: progress)
    }
}
