import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// Adyen's settlement details report (`settlement_detail_report_batch_<N>.csv`), one payable batch.
///
/// Columns are bound by name across every header variant. `Type` is compared without case and the
/// list is open:
/// - `Settled` → charge, reference `Psp Reference`;
/// - `Refunded` → refund and `Chargeback`/`SecondChargeback` → chargeback, reference the
///   modification's own PSP reference, `Modification Reference` (what the merchant stored from the
///   refund or dispute notification); `Psp Reference`, the original payment, is passed on with
///   ``TallyCore/SettlementSink/noteOriginalReference(_:)``;
/// - every other type (`MerchantPayout`, `Fee`, `MiscCosts`, `DepositCorrection`, `InvoiceDeduction`,
///   `Balancetransfer`, the reversals `ChargebackReversed` and `RefundedReversed`, unknown ones) is a
///   non-transaction line under its own name, summed per currency.
///
/// The matched amount is the gross in `Gross Currency`: `Gross Credit (GC)` for a charge,
/// `Gross Debit (GC)` for a refund or chargeback (the other column when that one is absent).
/// Empty, `""` and `0` all mean absent. `Creation Date` with its `TimeZone` abbreviation must be a
/// readable instant, or the row is a reject. The control is ``AdyenBatchBalance``.
public struct AdyenSettlementDetail: SettlementReader {
    public var options: ReaderOptions

    public init(options: ReaderOptions = ReaderOptions()) { self.options = options }

    public func read(
        _ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void
    ) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var reader = CSVReader(fileDescriptor: descriptor, maxFieldBytes: options.maxFieldBytes)
        var balance = AdyenBatchBalance()
        var settled: SettledBatch?
        var lineCount = 0
        let layout = try reader.forEachRow(
            of: file,
            bind: { header throws(IngestError) in
                do throws(HeaderProblem) { return try AdyenLayout(header: header) } catch {
                    throw IngestError(
                        code: .malformed, message: error.message, path: file.path, line: header.line, excerpt: error.excerpt)
                }
            }
        ) { record, columns in
            lineCount += 1
            if lineCount & 0x3FFF == 0 { progress(record.bytesRead) }
            let location = SourceLocation(file: file.index, line: record.line)
            switch AdyenRow.read(record, columns) {
            case .failure(let problem):
                sink.addReject(Reject(location: location, reason: problem.reason))
            case .success(let row):
                row.emit(record, columns, location, into: &sink)
                if let net = row.net { balance.add(net: net.minor, currency: net.currency, payout: row.type == .payout) }
                if let batch = columns.batchNumber {
                    balance.noteBatch(record[batch])
                    if settled == nil { settled = Self.settledBatch(record, columns, batch) }
                }
                if row.type == .payout, let net = row.net, net.minor != 0 {
                    sink.addPayout(Self.payout(record, columns, location, net: net))
                }
            }
        }
        guard layout != nil else {
            throw IngestError(
                code: .malformed, message: "the file is empty; expected an Adyen settlement details report with a header row",
                path: file.path)
        }
        for control in balance.controls(file: file.index) { sink.addControl(control) }
        if let settled { sink.addSettledBatch(settled, file: file.index) }
        progress(reader.bytesRead)
    }

    /// The batch of the file's first row that names one (a settlement details report is one batch).
    static func settledBatch(_ record: CSVRecord, _ columns: AdyenLayout, _ column: Int) -> SettledBatch? {
        guard let number = Int(String(decoding: record[column], as: UTF8.self)) else { return nil }
        let account = columns.merchantAccount.map { String(decoding: record[$0], as: UTF8.self) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        return SettledBatch(account: account, batch: number)
    }

    /// A `MerchantPayout` row as a payout: `<merchant account> batch <N> <CUR>`, what it sends to the bank.
    static func payout(_ record: CSVRecord, _ columns: AdyenLayout, _ location: SourceLocation, net: Money) -> AnnouncedPayout {
        let batch = columns.batchNumber.flatMap { Int(String(decoding: record[$0], as: UTF8.self)) }
        let account = columns.merchantAccount.map { String(decoding: record[$0], as: UTF8.self) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        let name = [account, batch.map { "batch \($0)" }, net.currency.code].compactMap { $0 }.joined(separator: " ")
        let date = CivilDate(iso: String(decoding: record[columns.creationDate].prefix(10), as: UTF8.self))
        return AnnouncedPayout(
            reference: name, batch: batch, account: account, amount: Money(minor: abs(net.minor), currency: net.currency),
            date: date, location: location, isReversal: net.minor > 0)
    }
}
