import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// ISO 20022 bank statements (camt.053 `BkToCstmrStmt`) and debit/credit notifications (camt.054
/// `BkToCstmrDbtCdtNtfctn`), every `camt.05x.001.NN` version, streamed through ``SafeXMLReader``.
///
/// Each `TxDtls` of a booked entry is one transaction (a batch booking splits into its parts), with
/// its own amount (`TxDtls/Amt`, or `AmtDtls/TxAmt/Amt` in v02, or the entry's when it is the only
/// detail), direction (`CdtDbtInd` CRDT → charge, DBIT → refund, the detail's own or the entry's)
/// and reference (`EndToEndId`, then `TxId`, then `AcctSvcrRef`). An entry without details is one
/// transaction referenced by its `AcctSvcrRef` (or `NtryRef`), unless it is a batch of several
/// payments whose details are elsewhere: that, reversals (`RvslInd`) and entries that are not booked
/// (`PDNG`, `INFO`, `FUTR`) are listed as non-transaction lines, never matched.
///
/// Controls, per statement: opening (`OPBD`, else `PRCD`) + booked credits − booked debits = closing
/// (`CLBD`), falling back to entries valued on or before the closing date when the bank keeps
/// next-day value dates out of `CLBD`, and to `OPAV`/`CLAV` when those are the only balances; the
/// `TxsSummry` counts and sums; batch counts and totals against their entry.
public struct CamtReader: SettlementReader {
    /// Which message the file must hold.
    public enum Message: Sendable {
        case statement, notification

        var format: String { self == .statement ? "camt053" : "camt054" }
        var messageNumber: String { self == .statement ? "camt.053" : "camt.054" }
    }

    public var message: Message
    public var options: ReaderOptions

    public init(message: Message, options: ReaderOptions = ReaderOptions()) {
        self.message = message
        self.options = options
    }

    public func read(_ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var parser = try CamtParser(message: message, file: file, descriptor: descriptor, maxFieldBytes: options.maxFieldBytes)
        try parser.run(into: &sink, progress: progress)
    }
}
