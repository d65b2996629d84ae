import Foundation

/// The remittance and counterparty text of a bank entry, for the rule passes that match on them
/// (issue #13): derived from the text the bank wrote, per format, without any guessing beyond the
/// layouts named here.
extension BankEntry {
    /// BAI2: the 16's text with its 88 continuations. MT940: the `:86:` sub-fields `?20`–`?29` and
    /// `?60`–`?63` (German banks), else its `/REMI/` code (Dutch banks), else the whole `:86:`, and
    /// the `:61:`'s supplementary details when there is no `:86:`.
    var remittance: String {
        switch layout {
        case .bai2: return String(decoding: text, as: UTF8.self)
        case .mt940:
            let information = MT940Information(text)
            if let structured = information.subfields(20...29, 60...63) { return structured }
            if let remi = information.code("REMI") { return remi }
            let free = information.freeText
            return free.isEmpty ? MT940Information(supplementary).freeText : free
        }
    }

    /// BAI2: the other party of a wire or ACH text (`BNF NAME:=`, `ORG:=`, `DBNM:` for a credit,
    /// `CRNM:` for a debit). MT940: `?32`/`?33`, else `/NAME/`; empty when the text names none.
    var counterparty: String {
        switch layout {
        case .bai2:
            let text = String(decoding: self.text, as: UTF8.self)
            let keys = direction == .credit ? ["ORG:=", "DBNM: ", "BNF NAME:="] : ["BNF NAME:=", "CRNM: ", "ORG:="]
            for key in keys {
                guard let range = text.range(of: key) else { continue }
                let value = text[range.upperBound...].prefix { $0 != ";" && $0 != "\n" }
                let end = value.range(of: " [A-Z]{2,4}( [A-Z]+)?:=?", options: .regularExpression)?.lowerBound ?? value.endIndex
                return value[..<end].trimmingCharacters(in: .whitespaces)
            }
            return ""
        case .mt940:
            let information = MT940Information(text)
            return information.subfields(32...33) ?? information.code("NAME") ?? ""
        }
    }
}
