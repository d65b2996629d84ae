import ArgumentParser
import Foundation
import TallyCore
import TallyIngest

extension Tally {
    /// `tally inspect`: what Tally reads in one file, without a database.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one settlement file without a database and show what Tally sees in it.",
            discussion: """
                Prints the format (detected when --format is omitted: camt by namespace, PayPal by its RH \
                record, Stripe and Adyen by their header, BAI2 by its 01 record, MT940 and MT942 by their \
                tags), counts and sums per kind and currency, the non-transaction lines, the file's \
                controls, warnings (a bank file read as Windows-1252), rejects with line numbers and the \
                first records.

                Exit status: 0 when the file could be read (even with rejects or failed controls), \
                65 when it cannot be read, 66 when it does not exist.

                Examples:
                  tally inspect samples/stripe/acmepay_2026-03-10_2026-03-11.csv
                  tally inspect --format camt053 statement.xml --json
                """)

        @Option(help: "The file's format (default: detect it).") var format: SettlementFormat?
        @Option(help: "Column holding the reference, instead of the format's default.") var referenceColumn: String?

        @Option(help: "YAML mapping of a generic CSV (--format csv); see samples/mappings/.")
        var mapping: String?
        @Option(help: "How many records to show.") var records: Int = 5
        @Flag(help: "Print JSON with the keys format, transactions, non_transactions, controls, rejects.") var json = false
        @Flag(help: "Mask e-mail addresses, card numbers and names in categories, controls and rejects.")
        var maskPII = false
        @Argument(help: "The settlement file.") var file: String

        func run() throws {
            try withExitStatus {
                let settlement = SettlementFile(path: file, index: 0)
                try settlement.checkReadable()
                var detected = false
                let chosen: SettlementFormat
                if let format {
                    chosen = format
                } else if let guess = try FormatDetector.detect(settlement) {
                    chosen = guess
                    detected = true
                } else {
                    throw IngestError(
                        code: .malformed,
                        message:
                            "cannot tell the format from the first bytes; pass --format (\(SettlementFormat.allCases.map(\.rawValue).joined(separator: ", ")))",
                        path: file)
                }
                let loaded = try mapping.map { path throws(MappingError) in try CSVMapping.load(path: path) }
                let reader = try ReaderFactory.reader(
                    for: chosen, options: ReaderOptions(referenceColumn: referenceColumn, mapping: loaded))
                var sink = InspectionSink(keepRecords: max(0, records))
                try reader.read(settlement, into: &sink, progress: { _ in })
                let text = Masking(masker: maskPII ? PIIMasker() : nil)
                if json {
                    try printJSONDocument(InspectDocument(sink, format: chosen, detected: detected, file: file, mask: text))
                } else {
                    Console.out(Self.text(sink, format: chosen, detected: detected, file: file, mask: text))
                }
            }
        }

        static func decimal(_ minor: Int64, _ currency: Currency) -> String {
            MoneyFormatter.decimal(minor, exponent: currency.exponent)
        }

        static func text(
            _ sink: InspectionSink, format: SettlementFormat, detected: Bool, file: String, mask: Masking = .none
        ) -> String {
            var lines = ["\(file): \(format.rawValue)\(detected ? " (detected)" : "")"]
            lines.append(
                "transactions: \(sink.transactionCount)"
                    + (sink.unreferencedCount == 0
                        ? "" : " (\(sink.unreferencedCount) without a reference: only rule passes can match them)"))
            for (key, total) in sink.sortedTransactions {
                lines.append(
                    "  \(key.kind.name) \(key.currency.code): \(total.count), \(decimal(total.amountMinor, key.currency))"
                        + (total.feeMinor == 0 ? "" : ", fees \(decimal(total.feeMinor, key.currency))"))
            }
            lines.append("non-transaction lines: \(sink.nonTransactionCount)")
            for (key, total) in sink.nonTransactions.sorted {
                lines.append(
                    "  \(mask.freeText(key.category)) \(key.currency.code): \(total.count), gross \(decimal(total.gross, key.currency)), net \(decimal(total.net, key.currency))"
                )
            }
            lines.append("controls: \(sink.controls.filter(\.ok).count) ok, \(sink.controls.filter { !$0.ok }.count) failed")
            for control in sink.controls {
                lines.append(
                    "  \(control.ok ? "ok    " : "FAILED") \(mask.message(control.name)): expected \(mask.message(control.expected)), actual \(mask.message(control.actual))"
                )
                for line in control.lines {
                    lines.append("         line \(line.line): expected \(line.expected), actual \(line.actual)")
                }
                if control.moreLines > 0 {
                    lines.append("         … and \(control.moreLines) more line\(control.moreLines == 1 ? "" : "s")")
                }
            }
            for notice in sink.notices { lines.append("warning: \(mask.message(notice))") }
            lines.append("rejects: \(sink.rejectCount)")
            for reject in sink.rejects.prefix(20) {
                lines.append("  line \(reject.location.line): \(mask.message(reject.reason))")
            }
            if sink.rejectCount > 20 { lines.append("  … \(sink.rejectCount - 20) more (--json lists up to 1000)") }
            if !sink.firstRecords.isEmpty {
                lines.append("first records:")
                for record in sink.firstRecords {
                    let original = record.originalReference.map { " (original payment \($0))" } ?? ""
                    lines.append(
                        "  line \(record.location.line): \(record.kind.name) \(record.reference.isEmpty ? "(no reference)" : record.reference) \(record.amount.decimalString) \(record.amount.currency.code)\(original)"
                    )
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// How `--mask-pii` treats the two kinds of text an output shows: provider fields as a whole
/// (categories) and Tally's messages quoting raw values (rejects, controls).
struct Masking: Sendable {
    var masker: PIIMasker?

    func freeText(_ text: String) -> String { masker?.maskFreeText(text) ?? text }
    func message(_ text: String) -> String { masker?.maskMessage(text) ?? text }

    static let none = Masking(masker: nil)
}
