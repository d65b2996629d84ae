import Foundation

extension ProviderScenario {
    static let adyenHeader =
        "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,Reserved5,Reserved6,Reserved7,Reserved8,Reserved9,Reserved10,Booking Date,Booking Date TimeZone,Metadata,Merchant Order Reference"

    /// The control Tally reports for a currency of ``adyenCSV(payoutOffIn:)``.
    static func adyenControl(_ currency: String) -> String { "adyen batch 42 \(currency): net of the rows = MerchantPayout" }

    /// The story as an Adyen settlement details report (batch 42): Settled, Refunded (one in lower
    /// case), Chargeback, a ChargebackReversed, one JPY payment settled in USD, a Fee and a
    /// MerchantPayout per net currency. `payoutOffIn` writes that currency's payout 1 minor unit
    /// too high, so its batch control fails.
    func adyenCSV(payoutOffIn: String? = nil) -> Data {
        func field(_ value: String) -> String {
            value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        var net: [String: Int64] = [:]
        var text = Self.adyenHeader + "\n"
        func row(
            psp: String, type: String, modification: String, grossCurrency: String, grossDebit: String = "",
            grossCredit: String = "", rate: String = "1", netCurrency: String, netDebit: String = "", netCredit: String = "",
            commission: String = "", created: (String, String) = ("2026-03-10 09:15:00", "CET"), metadata: String = ""
        ) {
            let fields = [
                "Acme", "AcmeShop", psp, "order-\(psp)", "visa", created.0, created.1, type, modification, grossCurrency,
                grossDebit, grossCredit, rate, netCurrency, netDebit, netCredit, commission, "", "", "", "visastandardcredit",
                "", "42", "", "", "", "", "", "", "", "2026-03-12 08:00:00", "CET", metadata, "",
            ]
            text += fields.map(field).joined(separator: ",") + "\n"
        }
        let zones = [("2026-03-10 01:15:00", "PST"), ("2026-03-10 09:15:00", "CET"), ("2026-03-11 23:59:59", "GMT")]
        for (number, line) in lines.enumerated() {
            let created = zones[number % zones.count]
            switch line.kind {
            case "charge" where line.reference == "pay_yen":
                // settled in USD: 5000 JPY at 0.0067 = 33.50 USD, less 0.30 commission
                row(
                    psp: line.reference, type: "Settled", modification: "MOD-" + line.reference, grossCurrency: "JPY",
                    grossCredit: "5000", rate: "0.0067", netCurrency: "USD", netCredit: "33.20", commission: ".30",
                    created: created, metadata: #"{"order":"pay_yen","note":"a, b"}"#)
                net["USD", default: 0] += 3_320
            case "charge":
                let fee = line.minor / 100
                row(
                    psp: line.reference, type: "Settled", modification: "MOD-" + line.reference, grossCurrency: line.currency,
                    grossCredit: Self.major(line.minor, line.currency), netCurrency: line.currency,
                    netCredit: Self.major(line.minor - fee, line.currency), commission: Self.major(fee, line.currency),
                    created: created)
                net[line.currency, default: 0] += line.minor - fee
            case "refund":
                row(
                    psp: line.original ?? "", type: number % 2 == 0 ? "refunded" : "Refunded", modification: line.reference,
                    grossCurrency: line.currency, grossDebit: Self.major(line.minor, line.currency), netCurrency: line.currency,
                    netDebit: Self.major(line.minor, line.currency), created: created)
                net[line.currency, default: 0] -= line.minor
            default:
                let fee = 10 * Self.unit(line.currency)  // the chargeback fee, in Net Debit with the amount
                row(
                    psp: line.original ?? "", type: "Chargeback", modification: line.reference, grossCurrency: line.currency,
                    grossDebit: Self.major(line.minor, line.currency), netCurrency: line.currency,
                    netDebit: Self.major(line.minor + fee, line.currency), created: created)
                net[line.currency, default: 0] -= line.minor + fee
            }
        }
        // a won dispute of an earlier batch: listed, never matched
        row(
            psp: "pay_won", type: "ChargebackReversed", modification: "dispute_won", grossCurrency: "USD", grossCredit: "10.00",
            netCurrency: "USD", netCredit: "10.00")
        net["USD", default: 0] += 1_000
        for currency in net.keys.sorted() {
            let fee = Self.unit(currency)
            row(
                psp: "", type: "Fee", modification: "Transaction Fees March 2026", grossCurrency: "", netCurrency: currency,
                netDebit: Self.major(fee, currency), created: ("2026-03-11 23:00:00", "CET"))
            let payout = net[currency]! - fee + (currency == payoutOffIn ? 1 : 0)
            row(
                psp: "", type: "MerchantPayout", modification: "TX123XT batch 42, AcmeShop", grossCurrency: "",
                netCurrency: currency, netDebit: Self.major(payout, currency), created: ("2026-03-12 06:00:00", "CET"))
        }
        return Data(text.utf8)
    }
}
