import Foundation
import TallyCore
import TallyTestSupport

/// The Stripe scenario's story told by a bank: the same ledger and the same breaks, written as a
/// camt.053 statement (one per currency, v08 shapes) or a camt.054 notification (v02 shapes).
///
/// Bank files have no chargebacks (CRDT is a charge, DBIT a refund), so the dispute line and its
/// ledger row are left out. Transactions are booked in batch entries of up to four `TxDtls`; payouts
/// and fees become pending entries, which are listed and never matched.
struct CamtScenario {
    var rows: [PaymentRow]
    var expected: [StripeScenario.Expected]
    private var lines: [[String]]

    init(_ stripe: StripeScenario = .everyClass()) {
        rows = stripe.rows.filter { $0.kind != "chargeback" }
        lines = stripe.lines.filter { $0[7] != "dispute" }
        expected = stripe.expected
    }

    /// Transaction lines of the file (the matched side of the story).
    var transactionCount: Int { lines.filter { $0[7] == "charge" || $0[7] == "refund" }.count }

    /// The statement (camt.053.001.08) or notification (camt.054.001.02); `offClosing` puts the
    /// closing balance of that currency's statement off by one minor unit.
    func xml(notification: Bool, offClosing: String? = nil) -> Data {
        var currencies: [String] = []
        for line in lines where !currencies.contains(line[3].uppercased()) { currencies.append(line[3].uppercased()) }
        let version = notification ? "camt.054.001.02" : "camt.053.001.08"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:\(version)\">\n"
        xml += notification ? "<BkToCstmrDbtCdtNtfctn>\n" : "<BkToCstmrStmt>\n"
        xml += "<GrpHdr><MsgId>TALLY-TEST</MsgId><CreDtTm>2026-03-12T06:00:00Z</CreDtTm></GrpHdr>\n"
        var bank = 0
        for code in currencies {
            let currency = Currency(code: code)!
            let mine = lines.filter { $0[3].uppercased() == code }
            var entries = ""
            var net: Int64 = 0
            for category in ["charge", "refund"] {
                let group = mine.filter { $0[7] == category }
                for start in stride(from: 0, to: group.count, by: 4) {
                    let chunk = group[start..<min(start + 4, group.count)]
                    let amounts = chunk.map { Self.minor($0[4], currency) }
                    let total = amounts.reduce(0, +)
                    net += category == "charge" ? total : -total
                    bank += 1
                    entries += entry(
                        total, currency, debit: category == "refund", status: "BOOK", reference: "BANK-\(bank)",
                        notification: notification,
                        details: zip(chunk, amounts).map { line, amount in
                            detail(line[8], amount, currency, notification: notification)
                        }, batch: chunk.count > 1)
                }
            }
            for line in mine where line[7] != "charge" && line[7] != "refund" {
                bank += 1
                let amount = Self.minor(line[4], currency)
                entries += entry(
                    amount, currency, debit: line[4].hasPrefix("-"), status: "PDNG", reference: "BANK-\(bank)",
                    notification: notification, details: [], batch: false)
            }
            xml += notification ? "<Ntfctn>\n" : "<Stmt>\n"
            xml += "<Id>STMT-\(code)</Id>\n<Acct><Id><IBAN>XX00TEST\(code)</IBAN></Id><Ccy>\(code)</Ccy></Acct>\n"
            if !notification {
                let closing = net + (offClosing == code ? 1 : 0)
                xml += balance("OPBD", 0, currency) + balance("CLBD", closing, currency)
            }
            xml += entries
            xml += notification ? "</Ntfctn>\n" : "</Stmt>\n"
        }
        xml += notification ? "</BkToCstmrDbtCdtNtfctn>\n" : "</BkToCstmrStmt>\n"
        xml += "</Document>\n"
        return Data(xml.utf8)
    }

    private func balance(_ type: String, _ minor: Int64, _ currency: Currency) -> String {
        "<Bal><Tp><CdOrPrtry><Cd>\(type)</Cd></CdOrPrtry></Tp><Amt Ccy=\"\(currency.code)\">\(Self.major(abs(minor), currency))</Amt>"
            + "<CdtDbtInd>\(minor < 0 ? "DBIT" : "CRDT")</CdtDbtInd><Dt><Dt>2026-03-11</Dt></Dt></Bal>\n"
    }

    private func entry(
        _ minor: Int64, _ currency: Currency, debit: Bool, status: String, reference: String, notification: Bool,
        details: [String], batch: Bool
    ) -> String {
        var xml = "<Ntry>\n<Amt Ccy=\"\(currency.code)\">\(Self.major(minor, currency))</Amt>\n"
        xml += "<CdtDbtInd>\(debit ? "DBIT" : "CRDT")</CdtDbtInd>\n"
        xml += notification ? "<Sts>\(status)</Sts>\n" : "<Sts><Cd>\(status)</Cd></Sts>\n"
        xml += "<BookgDt><Dt>2026-03-11</Dt></BookgDt><ValDt><Dt>2026-03-11</Dt></ValDt>\n"
        xml += "<AcctSvcrRef>\(reference)</AcctSvcrRef>\n"
        if !details.isEmpty {
            xml += "<NtryDtls>\n"
            if batch { xml += "<Btch><NbOfTxs>\(details.count)</NbOfTxs></Btch>\n" }
            xml += details.joined()
            xml += "</NtryDtls>\n"
        }
        return xml + "</Ntry>\n"
    }

    private func detail(_ reference: String, _ minor: Int64, _ currency: Currency, notification: Bool) -> String {
        let amount = "<Amt Ccy=\"\(currency.code)\">\(Self.major(minor, currency))</Amt>"
        let escaped = reference.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        var xml = "<TxDtls>\n<Refs><EndToEndId>\(escaped)</EndToEndId></Refs>\n"
        xml += notification ? "<AmtDtls><TxAmt>\(amount)</TxAmt></AmtDtls>\n" : "\(amount)\n"
        return xml + "</TxDtls>\n"
    }

    static func minor(_ text: String, _ currency: Currency) -> Int64 {
        abs(try! Money(parsing: text.hasPrefix("-") ? String(text.dropFirst()) : text, currency: currency).minor)
    }

    static func major(_ minor: Int64, _ currency: Currency) -> String {
        MoneyFormatter.decimal(minor, exponent: currency.exponent)
    }
}
