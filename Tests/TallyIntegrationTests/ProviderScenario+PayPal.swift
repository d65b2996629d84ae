import Foundation

extension ProviderScenario {
    static let payPalColumns =
        "CH,Transaction ID,Invoice ID,PayPal Reference ID,PayPal Reference ID Type,Transaction Event Code,Transaction Initiation Date,Transaction Completion Date,Transaction Debit or Credit,Gross Transaction Amount,Gross Transaction Currency,Fee Debit or Credit,Fee Amount,Fee Currency,Custom Field,Consumer ID,Payment Tracking ID,Store ID,Bank Reference ID,Credit Transactional Fee,Credit Promotional Fee,Credit Term"

    /// Minor units as PayPal's hundredths of the major unit.
    static func hundredths(_ minor: Int64, _ currency: String) -> Int64 {
        switch exponents[currency]! {
        case 0: minor * 100
        case 3: minor / 10
        default: minor
        }
    }

    /// The story as a PayPal STL report in one file: RH, FH, SH, CH, SB (T0006 payments with fees,
    /// T1107 refunds, T1201 and T1106 chargebacks, a T0106 chargeback fee, a T1202 reversal, a
    /// T0200 conversion pair, a T0400 withdrawal per currency), SF and RF per currency with balances,
    /// SC, RC, FF. `footerOffIn` writes that currency's SF gross credit 0.01 too high.
    func payPalSTL(footerOffIn: String? = nil) -> Data {
        var totals: [String: [Int64]] = [:]  // gross CR, gross DR, fee CR, fee DR
        var records = 0
        var text = "\u{FEFF}RH,2026/03/12 02:00:00 -0800,A,ACCT123,009\nFH,01\n"
        text += "SH,2026/03/10 00:00:00 +0000,2026/03/11 23:59:59 +0000,ACCT123\n" + Self.payPalColumns + "\n"
        func sb(
            _ id: String, code: String, reference: String = "", direction: String, gross: Int64, currency: String,
            fee: Int64 = 0, feeDirection: String = "DR"
        ) {
            records += 1
            totals[currency, default: [0, 0, 0, 0]][direction == "CR" ? 0 : 1] += gross
            if fee > 0 { totals[currency, default: [0, 0, 0, 0]][feeDirection == "CR" ? 2 : 3] += fee }
            let date = "2026/03/10 \(10 + records % 12):00:00 -0800"
            let fields = [
                "SB", "\"\(id)\"", "\"INV-\(records)\"", "\"\(reference)\"", reference.isEmpty ? "" : "\"TXN\"", code, date, date,
                "\"\(direction)\"", String(gross), "\"\(currency)\"", fee > 0 ? "\"\(feeDirection)\"" : "",
                fee > 0 ? String(fee) : "",
                fee > 0 ? "\"\(currency)\"" : "", "", "", "", "", "", "", "", "",
            ]
            text += fields.joined(separator: ",") + "\n"
        }
        for line in lines {
            let gross = Self.hundredths(line.minor, line.currency)
            switch line.kind {
            case "charge":
                // a 2% fee, in whole yen for JPY (a fraction of a yen would be a reject, rightly)
                let step: Int64 = line.currency == "JPY" ? 100 : 1
                sb(
                    line.reference, code: "T0006", direction: "CR", gross: gross, currency: line.currency,
                    fee: gross / 50 / step * step)
            case "refund":
                sb(
                    line.reference, code: "T1107", reference: line.original ?? "", direction: "DR", gross: gross,
                    currency: line.currency)
            default:
                let code = line.reference.hasPrefix("reversal_") ? "T1106" : "T1201"
                sb(
                    line.reference, code: code, reference: line.original ?? "", direction: "DR", gross: gross,
                    currency: line.currency)
                sb(
                    "fee-" + line.reference, code: "T0106", reference: line.reference, direction: "DR", gross: 2_000,
                    currency: line.currency)
            }
        }
        sb("won-1", code: "T1202", reference: "dispute_won", direction: "CR", gross: 1_000, currency: "USD")
        sb("conv-out", code: "T0200", reference: "pay_x", direction: "DR", gross: 500, currency: "GBP")
        sb("conv-in", code: "T0200", reference: "pay_x", direction: "CR", gross: 630, currency: "USD")
        for currency in totals.keys.sorted() {
            sb("wd-\(currency)", code: "T0400", direction: "DR", gross: 100, currency: currency)
        }
        func footer(_ type: String, _ currency: String, _ sums: [Int64]) -> String {
            let beginning: Int64 = 1_000_000
            let ending = beginning + sums[0] - sums[1] + sums[2] - sums[3]
            let balance = "\(ending < 0 ? "DR" : "CR"),\(abs(ending))"
            return
                "\(type),\(currency),\(sums[0]),\(sums[1]),\(sums[2]),\(sums[3]),CR,\(beginning),\(balance),CR,\(beginning),\(balance),CR,0,CR,0,\(records),,,\n"
        }
        for currency in totals.keys.sorted() {
            var sums = totals[currency]!
            if currency == footerOffIn { sums[0] += 1 }
            text += footer("SF", currency, sums)
        }
        text += "SC,\(records),,,,,,,,,,,,,,,,,,,,\n"
        for currency in totals.keys.sorted() { text += footer("RF", currency, totals[currency]!) }
        text += "RC,\(records),,,,,,,,,,,,,,,,,,,,\nFF,\(records),,,,,,,,,,,,,,,,,,,,\n"
        return Data(text.utf8)
    }
}
