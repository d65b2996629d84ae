import TallyCore

/// The controls an STL file carries, checked against what was read (../shared/FORMATS.md §3.4):
/// - per section and currency, the `SB` sums (gross CR/DR, fee CR/DR) equal the `SF` totals, and
///   the `SF` ending balance is its beginning balance plus those movements;
/// - `SC` is the number of `SB` records of the section, `RC` of the report, `FF` of the file;
/// - per currency, `RF` equals Σ `SF` (or the `SB` sums when the report has no `SF`), and balances.
///
/// A currency whose lines net to zero may have no footer (PayPal leaves out a currency that was
/// converted away entirely); one that does not net to zero and has none fails. A file with neither
/// `RF` nor `FF` is reported as truncated. In a later part of a split report (`FH` sequence above
/// 01), `RF` and `RC` cover files this one cannot see, so only their balance is checked.
struct PayPalControls {
    let file: Int
    private(set) var results: [ControlResult] = []

    // the current section
    private var section = 0
    private var sectionOpen = false
    private var sectionTotals: [Currency: PayPalTotals] = [:]
    private var sectionFooters: [PayPalFooter] = []
    private var sectionRecords = 0
    private var sectionCount: Int64?
    // the report and the file
    private var reportTotals: [Currency: PayPalTotals] = [:]
    private var footerSums: [Currency: PayPalTotals] = [:]
    private var sawSectionFooter = false
    private var reportFooters: [PayPalFooter] = []
    private var reportCount: Int64?
    private var fileCount: Int64?
    private var fileRecords = 0
    var fileSequence: Int?

    init(file: Int) { self.file = file }

    /// An `SH`: a new section begins.
    mutating func startSection() {
        closeSection()
        section += 1
        sectionOpen = true
    }

    /// An `SB` record, read or not (counts are of records).
    mutating func countRecord() {
        openSection()
        sectionRecords += 1
        fileRecords += 1
    }

    /// The amounts of an `SB` record that was read.
    mutating func add(_ line: PayPalLine) {
        var totals = PayPalTotals()
        if line.direction > 0 { totals.grossCredit = line.grossHundredths } else { totals.grossDebit = line.grossHundredths }
        sectionTotals[line.currency, default: PayPalTotals()].add(totals)
        reportTotals[line.currency, default: PayPalTotals()].add(totals)
        if let fee = line.fee {
            var feeTotals = PayPalTotals()
            if fee.direction > 0 { feeTotals.feeCredit = fee.hundredths } else { feeTotals.feeDebit = fee.hundredths }
            sectionTotals[fee.currency, default: PayPalTotals()].add(feeTotals)
            reportTotals[fee.currency, default: PayPalTotals()].add(feeTotals)
        }
    }

    mutating func sectionFooter(_ footer: PayPalFooter) {
        openSection()
        sectionFooters.append(footer)
    }

    mutating func sectionCount(_ count: Int64) {
        openSection()
        sectionCount = count
    }

    mutating func reportFooter(_ footer: PayPalFooter) { reportFooters.append(footer) }
    mutating func reportCount(_ count: Int64) { reportCount = count }
    mutating func fileCount(_ count: Int64) { fileCount = count }

    /// Closes the last section and checks the report and file footers.
    mutating func finish() -> [ControlResult] {
        closeSection()
        let partOfSplit = (fileSequence ?? 1) > 1
        let against = sawSectionFooter ? "Σ SF" : "SB totals"
        if !reportFooters.isEmpty {
            let read = sawSectionFooter ? footerSums : reportTotals
            compare(reportFooters, with: partOfSplit ? nil : read, scope: "paypal report", footer: "RF", against: against)
        }
        if let reportCount, !partOfSplit {
            count("paypal report: RC = SB records", declared: reportCount, counted: fileRecords)
        }
        if let fileCount { count("paypal file: FF = SB records", declared: fileCount, counted: fileRecords) }
        if reportFooters.isEmpty && fileCount == nil {
            results.append(
                ControlResult(
                    name: "paypal file: ends with its footer (RF or FF)", ok: false, expected: "an RF or FF record",
                    actual: "none; the file looks truncated", file: file))
        }
        return results
    }

    // MARK: -

    private mutating func openSection() {
        if !sectionOpen {
            section += 1
            sectionOpen = true
        }
    }

    private mutating func closeSection() {
        guard sectionOpen else { return }
        let scope = "paypal section \(section)"
        if !sectionFooters.isEmpty {
            compare(sectionFooters, with: sectionTotals, scope: scope, footer: "SF", against: "SB totals")
            sawSectionFooter = true
            for footer in sectionFooters { footerSums[footer.currency, default: PayPalTotals()].add(footer.totals) }
        }
        if let sectionCount { count("\(scope): SC = SB records", declared: sectionCount, counted: sectionRecords) }
        sectionOpen = false
        sectionTotals = [:]
        sectionFooters = []
        sectionRecords = 0
        self.sectionCount = nil
    }

    /// Each footer against what was read (when `read` is given) and its own balance; then the
    /// currencies that were read, have no footer and do not net to zero.
    private mutating func compare(
        _ footers: [PayPalFooter], with read: [Currency: PayPalTotals]?, scope: String, footer kind: String,
        against: String
    ) {
        for footer in footers {
            let code = footer.currency.code
            if let read {
                let actual = read[footer.currency] ?? PayPalTotals()
                results.append(
                    ControlResult(
                        name: "\(scope) \(code): \(kind) = \(against)", ok: actual == footer.totals,
                        expected: footer.totals.text(footer.currency), actual: actual.text(footer.currency), file: file))
            }
            let name = "\(scope) \(code): \(kind) beginning + movements = ending"
            if let (beginning, ending) = footer.balances {
                let computed = beginning &+ footer.totals.movement
                results.append(
                    ControlResult(
                        name: name, ok: computed == ending, expected: "\(PayPalAmount.decimal(ending)) \(code)",
                        actual: "\(PayPalAmount.decimal(computed)) \(code)", file: file))
            } else {
                results.append(
                    ControlResult(
                        name: name, ok: false, expected: "CR|DR and an amount for both balances",
                        actual: "the balance fields are not readable", file: file))
            }
        }
        guard let read else { return }
        let footed = Set(footers.map(\.currency))
        for (currency, totals) in read.sorted(by: { $0.key < $1.key }) where !footed.contains(currency) && totals.movement != 0 {
            results.append(
                ControlResult(
                    name: "\(scope) \(currency.code): \(kind) = \(against)", ok: false,
                    expected: "an \(kind) record for \(currency.code)",
                    actual: "none, and the lines net to \(PayPalAmount.decimal(totals.movement)) \(currency.code)", file: file))
        }
    }

    private mutating func count(_ name: String, declared: Int64, counted: Int) {
        results.append(
            ControlResult(name: name, ok: declared == Int64(counted), expected: "\(declared)", actual: "\(counted)", file: file))
    }
}
