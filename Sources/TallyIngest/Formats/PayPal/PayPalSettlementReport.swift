import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// PayPal's Settlement Report (STL, `STL-YYYYMMDD.NN.VVV.CSV`): balance-affecting events only.
///
/// Every record starts with its type, so the file is read as a state machine over
/// ``PayPalRecordType``: `CH` binds the columns of the `SB` records that follow (by whitespace-
/// normalised name), `SB` records are the events, the footers are checked by ``PayPalControls``.
/// Amounts are unsigned integers of hundredths of the major unit in every currency, with `CR`/`DR`
/// giving the direction (``PayPalAmount``). The reference is `Transaction ID`; `PayPal Reference ID`
/// of a refund or chargeback (the original payment) goes to
/// ``TallyCore/SettlementSink/noteOriginalReference(_:)``. ``PayPalEventCode`` maps T-codes to kinds.
///
/// Files are UTF-8 with or without a BOM. Old reports were UTF-16: such a file (BOM `FF FE`/`FE FF`,
/// or NUL bytes between ASCII letters) is converted in memory up to ``maxUTF16Bytes`` (the file and
/// its UTF-8 copy are held at once), and refused with the command that converts it beyond that.
public struct PayPalSettlementReport: SettlementReader {
    /// The largest UTF-16 file converted in memory (STL files are daily and small).
    public static let maxUTF16Bytes = 64 << 20

    public var options: ReaderOptions

    public init(options: ReaderOptions = ReaderOptions()) { self.options = options }

    public func read(
        _ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void
    ) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var reader: CSVReader
        if let converted = try utf16Converted(descriptor, file) {
            reader = CSVReader(bytes: converted, maxFieldBytes: options.maxFieldBytes)
        } else {
            reader = CSVReader(fileDescriptor: descriptor, maxFieldBytes: options.maxFieldBytes)
        }
        var state = State(file: file)
        do {
            try reader.forEachRecord { record in
                try state.take(record, into: &sink)
                if state.records & 0x3FFF == 0 { progress(record.bytesRead) }
            }
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(code: .unreadable, message: "\(error)", path: file.path)
        }
        guard state.records > 0 else {
            throw IngestError(
                code: .malformed, message: "the file is empty; expected a PayPal settlement report (RH, SH, CH, SB … records)",
                path: file.path)
        }
        if !state.sawRecordType {
            throw IngestError(
                code: .malformed,
                message: "not a PayPal settlement report: no record starts with RH, FH, SH, CH, SB, SF, SC, RF, RC or FF",
                path: file.path)
        }
        for control in state.controls.finish() { sink.addControl(control) }
        progress(reader.bytesRead)
    }

    /// The file as UTF-8 when it is UTF-16, nil when it is not.
    private func utf16Converted(_ descriptor: Int32, _ file: SettlementFile) throws(IngestError) -> [UInt8]? {
        var prefix = [UInt8](repeating: 0, count: 4)
        let count = prefix.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
        guard count > 0, let order = UTF16Transcoding.byteOrder(of: prefix[0..<count]) else { return nil }
        let advice = "convert it to UTF-8 first, for example: iconv -f UTF-16 -t UTF-8 '\(file.path)' > converted.csv"
        let size = file.size
        guard size <= Self.maxUTF16Bytes else {
            throw IngestError(
                code: .malformed,
                message:
                    "the file is UTF-16 and larger than \(Self.maxUTF16Bytes >> 20) MiB, too large to convert in memory; \(advice)",
                path: file.path)
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, size - filled, off_t(filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        guard let utf8 = UTF16Transcoding.utf8(from: bytes[0..<filled], order) else {
            throw IngestError(
                code: .malformed,
                message:
                    "the file starts like UTF-16 (\(order == .littleEndian ? "little" : "big")-endian) but is not valid UTF-16; \(advice)",
                path: file.path)
        }
        return utf8
    }

    /// The state machine over the records of one file.
    private struct State {
        /// A Transaction Detail Report (TRR) given where a Settlement Report (STL) is expected: its
        /// body records carry a `Transactional Status` (an STL's 55-column header leaves it empty),
        /// and it lists pending, denied and voided events that moved no money, so reconciling it
        /// would report breaks that are not there. Refused, as a usage error (exit 64).
        static func transactionDetailReport(_ record: CSVRecord, status: Int, path: String) -> IngestError {
            let value = String(decoding: record[status].prefix(8), as: UTF8.self)
            return IngestError(
                code: .unsupported,
                message:
                    "this is a PayPal Transaction Detail Report (TRR: its records carry a Transactional Status, here '\(value)'), not a Settlement Report (STL); a TRR also lists pending, denied and voided events that moved no money, so Tally does not reconcile it yet. Give the STL file of the same day (STL-YYYYMMDD.NN.VVV.CSV from PayPal's report SFTP)",
                path: path, line: record.line)
        }

        let file: SettlementFile
        var controls: PayPalControls
        var layout: PayPalLayout?
        var records = 0
        var sawRecordType = false

        init(file: SettlementFile) {
            self.file = file
            controls = PayPalControls(file: file.index)
        }

        mutating func take(_ record: CSVRecord, into sink: inout some SettlementSink) throws(IngestError) {
            records += 1
            let location = SourceLocation(file: file.index, line: record.line)
            func reject(_ reason: String) { sink.addReject(Reject(location: location, reason: reason)) }
            guard let type = PayPalRecordType(record[0]) else {
                reject(
                    "unknown record type '\(String(decoding: record[0].prefix(16), as: UTF8.self))'; expected RH, FH, SH, CH, SB, SF, SC, RF, RC or FF"
                )
                return
            }
            sawRecordType = true
            // a CH that cannot be read stops the file (below); any other record is a reject
            if let problem = record.problem, type != .columnHeader {
                if type == .sectionBody { controls.countRecord() }
                return reject(problem)
            }
            switch type {
            case .reportHeader:
                break
            case .fileHeader:
                if record.count > 1, let sequence = Int(String(decoding: record[1], as: UTF8.self)) {
                    controls.fileSequence = sequence
                }
            case .sectionHeader:
                controls.startSection()
            case .columnHeader:
                do throws(HeaderProblem) {
                    layout = try PayPalLayout(header: record)
                } catch {
                    throw IngestError(
                        code: .malformed, message: error.message, path: file.path, line: record.line, excerpt: error.excerpt)
                }
            case .sectionBody:
                controls.countRecord()
                guard let columns = layout else { return reject("an SB record before any CH record names its columns") }
                if let status = columns.transactionalStatus, status < record.count, !record[status].isEmpty {
                    throw Self.transactionDetailReport(record, status: status, path: file.path)
                }
                do throws(PayPalAmount.Problem) {
                    let line = try PayPalLine.read(record, columns)
                    controls.add(line)
                    line.emit(record, columns, location, into: &sink)
                } catch {
                    reject(error.reason)
                }
            case .sectionFooter, .reportFooter:
                do throws(PayPalAmount.Problem) {
                    let footer = try PayPalFooter.read(record)
                    if type == .sectionFooter { controls.sectionFooter(footer) } else { controls.reportFooter(footer) }
                } catch {
                    reject(error.reason)
                }
            case .sectionCount, .reportCount, .fileFooter:
                guard record.count > 1, let count = try? PayPalAmount.hundredths(record[1], "count") else {
                    return reject("a record count needs an unsigned integer in its second field")
                }
                switch type {
                case .sectionCount: controls.sectionCount(count)
                case .reportCount: controls.reportCount(count)
                default: controls.fileCount(count)
                }
            }
        }
    }
}
