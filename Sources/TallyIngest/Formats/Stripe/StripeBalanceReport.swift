import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// Stripe's "balance change from activity" and itemized balance/payout reconciliation reports.
///
/// Columns are bound by header name, so extra and reordered columns are fine. The reference is the
/// first non-empty of `source_id`, `charge_id`, `balance_transaction_id` (or the configured column).
/// `reporting_category` `charge` → charge, `refund` → refund, `dispute` → chargeback; every other
/// category (payout, fee, adjustments, …) is a non-transaction line. Amounts are signed decimals in
/// major units with lower-case currency codes; the match uses the absolute `gross` in minor units.
public struct StripeBalanceReport: SettlementReader {
    public static let defaultReferenceColumns = ["source_id", "charge_id", "balance_transaction_id"]

    public var options: ReaderOptions

    public init(options: ReaderOptions = ReaderOptions()) { self.options = options }

    public func read(
        _ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void
    ) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var reader = CSVReader(fileDescriptor: descriptor, maxFieldBytes: options.maxFieldBytes)
        var linesOff = 0
        var offLines: [ControlLine] = []
        var lineCount = 0
        let bound = try reader.forEachRow(
            of: file,
            bind: { header throws(IngestError) in
                try Layout(header: header, file: file, referenceColumn: options.referenceColumn)
            }
        ) { record, columns in
            lineCount += 1
            if lineCount & 0x3FFF == 0 { progress(record.bytesRead) }
            if let off = readRow(record, columns, file, &sink) {
                linesOff += 1
                if offLines.count < ControlResult.linesKept { offLines.append(off) }
            }
        }
        guard let layout = bound else {
            throw IngestError(
                code: .malformed, message: "the file is empty; expected a Stripe report with a header row",
                path: file.path)
        }
        if layout.fee != nil && layout.net != nil {
            sink.addControl(
                ControlResult(
                    name: "stripe: gross - fee = net on every line", ok: linesOff == 0, expected: "0 lines off",
                    actual: "\(linesOff) line\(linesOff == 1 ? "" : "s") off", file: file.index, lines: offLines,
                    moreLines: linesOff - offLines.count))
        }
        progress(reader.bytesRead)
    }

    /// Reads one data row. Returns the line when its `gross − fee = net` identity does not hold.
    private func readRow(_ record: CSVRecord, _ columns: Layout, _ file: SettlementFile, _ sink: inout some SettlementSink)
        -> ControlLine?
    {
        let location = SourceLocation(file: file.index, line: record.line)
        func reject(_ reason: String) -> ControlLine? {
            sink.addReject(Reject(location: location, reason: reason))
            return nil
        }
        if let problem = record.problem { return reject(problem) }
        guard record.count == columns.count else {
            return reject("expected \(columns.count) fields as in the header, found \(record.count)")
        }
        let currencyBytes = record[columns.currency]
        guard let currency = Currency(bytes: currencyBytes) else {
            return reject("currency '\(String(decoding: currencyBytes, as: UTF8.self))' is not an ISO 4217 code")
        }
        func amount(_ column: Int?, _ name: String) -> Result<Int64, RowProblem> {
            guard let column else { return .success(0) }
            let bytes = record[column]
            if bytes.isEmpty && name != "gross" { return .success(0) }
            do throws(MoneyError) {
                return .success(try MoneyParser.parseMinor(bytes, exponent: currency.exponent))
            } catch {
                return .failure(
                    RowProblem(reason: "\(name) '\(String(decoding: bytes, as: UTF8.self))': \(error) (\(currency.code))"))
            }
        }
        let gross: Int64
        let fee: Int64
        let net: Int64
        switch (amount(columns.gross, "gross"), amount(columns.fee, "fee"), amount(columns.net, "net")) {
        case (.success(let g), .success(let f), .success(let n)):
            gross = g
            fee = f
            net = n
        case (.failure(let problem), _, _), (_, .failure(let problem), _), (_, _, .failure(let problem)):
            return reject(problem.reason)
        }
        let (expectedNet, overflow) = gross.subtractingReportingOverflow(fee)
        let off =
            columns.fee == nil || columns.net == nil || (!overflow && expectedNet == net)
            ? nil
            : ControlLine(
                line: record.line,
                expected:
                    "net \(overflow ? "(gross - fee overflows)" : MoneyFormatter.decimal(expectedNet, exponent: currency.exponent)) \(currency.code)",
                actual: "net \(MoneyFormatter.decimal(net, exponent: currency.exponent)) \(currency.code)")
        // the net a payout contains: the net column, else gross − fee
        let lineNet = columns.net == nil ? gross &- fee : net
        let category = record[columns.category]
        if let kind = Self.kind(of: category) {
            guard let reference = columns.references.lazy.map({ record[$0] }).first(where: { !$0.isEmpty }) else {
                _ = reject("no reference: \(columns.referenceNames.joined(separator: ", ")) are all empty")
                return off
            }
            guard UTF8Validation.isValid(reference) else {
                _ = reject("the reference is not valid UTF-8")
                return off
            }
            guard gross != .min else { return reject("gross does not fit in 64-bit minor units") }
            sink.addTransaction(reference, kind: kind, amount: Money(minor: abs(gross), currency: currency), location: location)
            if fee != 0 { sink.noteFee(Money(minor: fee, currency: currency), of: kind) }
            if sink.wantsLineDetails {
                let text = columns.description.map { String(decoding: record[$0], as: UTF8.self) } ?? ""
                let date = columns.created.flatMap { CivilDate(iso: String(decoding: record[$0].prefix(10), as: UTF8.self)) }
                sink.noteDetails(LineDetails(date: date, remittance: text))
            }
        } else {
            guard let name = String(validating: category, as: UTF8.self), !name.isEmpty else {
                return reject("reporting_category is empty or not valid UTF-8")
            }
            sink.addNonTransaction(NonTransactionLine(category: name, currency: currency, gross: gross, fee: fee, net: net))
            if name == "payout" || name == "payout_reversal" {
                notePayout(
                    record, columns, location, Money(minor: -lineNet, currency: currency), reversal: name != "payout", &sink)
                return off
            }
        }
        if let column = columns.payoutID, !record[column].isEmpty {
            sink.notePayoutItem(
                payout: String(decoding: record[column], as: UTF8.self), net: Money(minor: lineNet, currency: currency))
        }
        return off
    }

    /// A `payout` (money to the bank, `amount` positive) or `payout_reversal` line, by its
    /// `source_id` (po_…) and `created` date.
    private func notePayout(
        _ record: CSVRecord, _ columns: Layout, _ location: SourceLocation, _ amount: Money, reversal: Bool,
        _ sink: inout some SettlementSink
    ) {
        guard let reference = columns.references.lazy.map({ record[$0] }).first(where: { !$0.isEmpty }),
            let text = String(validating: reference, as: UTF8.self)
        else { return }
        let date = columns.created.flatMap { CivilDate(iso: String(decoding: record[$0].prefix(10), as: UTF8.self)) }
        sink.addPayout(
            AnnouncedPayout(
                reference: text, amount: Money(minor: abs(amount.minor), currency: amount.currency), date: date,
                location: location, isReversal: reversal))
    }

    struct RowProblem: Error {
        var reason: String
    }

    /// `charge`, `refund`, `dispute` (Stripe's reporting categories of transactions).
    static func kind(of category: UnsafeBufferPointer<UInt8>) -> TransactionKind? {
        switch category.count {
        case 6 where category.equals("charge"): .charge
        case 6 where category.equals("refund"): .refund
        case 7 where category.equals("dispute"): .chargeback
        default: nil
        }
    }

    /// Column positions bound from the header row.
    struct Layout {
        var count: Int
        var currency: Int
        var gross: Int
        var fee: Int?
        var net: Int?
        var category: Int
        /// `description` and `created_utc` (or `created`), for the rule passes' line details.
        var description: Int?
        var created: Int?
        /// `automatic_payout_id`: the payout an itemized line belongs to.
        var payoutID: Int?
        var references: [Int]
        var referenceNames: [String]

        init(header: CSVRecord, file: SettlementFile, referenceColumn: String?) throws(IngestError) {
            if let problem = header.problem {
                throw IngestError(
                    code: .malformed, message: "unreadable header row: \(problem)", path: file.path, line: header.line)
            }
            var positions: [String: Int] = [:]
            for column in 0..<header.count {
                guard let name = header.string(column) else {
                    throw IngestError(
                        code: .malformed, message: "header column \(column + 1) is not valid UTF-8", path: file.path,
                        line: header.line)
                }
                if positions[name] != nil {
                    throw IngestError(
                        code: .malformed, message: "the header names a column twice", path: file.path,
                        line: header.line, excerpt: IngestError.excerpt([name]))
                }
                positions[name] = column
            }
            // The older Dashboard export names some columns differently.
            func column(_ names: String...) -> Int? { names.lazy.compactMap { positions[$0] }.first }
            let missing = ["currency", "gross", "reporting_category"].filter { positions[$0] == nil }
            guard missing.isEmpty else {
                let found = positions.sorted { $0.value < $1.value }.prefix(12).map(\.key)
                throw IngestError(
                    code: .malformed,
                    message: "not a Stripe balance report: the header lacks \(missing.joined(separator: ", "))",
                    path: file.path, line: header.line, excerpt: IngestError.excerpt(found))
            }
            count = header.count
            currency = positions["currency"]!
            gross = positions["gross"]!
            category = positions["reporting_category"]!
            fee = column("fee")
            net = column("net")
            description = column("description")
            created = column("created_utc", "created")
            payoutID = column("automatic_payout_id")
            if let referenceColumn {
                guard let position = positions[referenceColumn] else {
                    throw IngestError(
                        code: .malformed, message: "the header has no column '\(referenceColumn)' (--reference-column)",
                        path: file.path, line: header.line)
                }
                references = [position]
                referenceNames = [referenceColumn]
            } else {
                referenceNames = StripeBalanceReport.defaultReferenceColumns.filter { positions[$0] != nil }
                references = referenceNames.compactMap { positions[$0] }
                guard !references.isEmpty else {
                    throw IngestError(
                        code: .malformed,
                        message: "the header has none of the reference columns source_id, charge_id, balance_transaction_id",
                        path: file.path, line: header.line)
                }
            }
        }
    }
}
