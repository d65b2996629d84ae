/// What a settlement line says besides its key, for the rule passes over the residue
/// (docs/matching.md, "Rule passes"): when it was booked, its free text, who paid or was paid.
///
/// Readers build it only when the sink asks (``SettlementSink/wantsLineDetails``), so a run with
/// the key pass alone pays nothing for it.
public struct LineDetails: Sendable, Hashable {
    /// The line's date in the file's own terms: camt `BookgDt` (else `ValDt`), Stripe `created`.
    public var date: CivilDate?
    /// The remittance text: camt `RmtInf/Strd/CdtrRefInf/Ref`, every `RmtInf/Ustrd`, `AddtlTxInf` and
    /// `AddtlNtryInf`, joined by a space; a mapped CSV's `remittance` column; Stripe's `description`.
    public var remittance: String
    /// The debtor's or creditor's name (camt `RltdPties/Dbtr|Cdtr[/Pty]/Nm`; a mapped CSV's
    /// `counterparty` column).
    public var counterparty: String

    public init(date: CivilDate? = nil, remittance: String = "", counterparty: String = "") {
        self.date = date
        self.remittance = remittance
        self.counterparty = counterparty
    }

    /// The text of a field a pass reads (`from:`): `remittance`, `counterparty`, or both for `any`.
    public func text(of field: LineField) -> String {
        switch field {
        case .remittance: remittance
        case .counterparty: counterparty
        case .any: remittance.isEmpty ? counterparty : counterparty.isEmpty ? remittance : remittance + " " + counterparty
        }
    }
}

/// A field of a settlement line a rule pass can read.
public enum LineField: String, Sendable, Hashable, CaseIterable, Codable {
    case remittance, counterparty, any
}
