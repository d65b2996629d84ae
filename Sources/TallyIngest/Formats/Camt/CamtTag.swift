#if canImport(Glibc)
import Glibc
#endif

/// The ISO 20022 element names the camt reader acts on (local names; namespaces and prefixes vary
/// by version and are ignored). Every other element is `.other`.
enum CamtTag: UInt8, CaseIterable {
    case other
    case bkToCstmrStmt = 1
    case bkToCstmrDbtCdtNtfctn, bkToCstmrAcctRpt, stmt, ntfctn, rpt
    case id, acct, iban, othr, ccy
    case bal, tp, cdOrPrtry, cd, amt, cdtDbtInd, dt, dtTm
    case txsSummry, ttlNtries, ttlCdtNtries, ttlDbtNtries, nbOfNtries, sum, ttlNetNtryAmt, ttlNetNtry
    case ntry, rvslInd, sts, bookgDt, valDt, acctSvcrRef, ntryRef, ntryDtls
    case btch, nbOfTxs, ttlAmt, txDtls, refs, endToEndId, txId, instrId, uetr, amtDtls, txAmt, prtry
    /// The texts of ``TallyCore/LineDetails``, resolved only when the sink wants them (else `.other`,
    /// so the key path neither keeps nor even buffers their text).
    case rmtInf, ustrd, strd, cdtrRefInf, ref, addtlTxInf, addtlNtryInf, rltdPties, dbtr, cdtr, pty, nm

    /// Whether the tag only feeds ``TallyCore/LineDetails``.
    var isDetailText: Bool { rawValue >= CamtTag.rmtInf.rawValue }

    /// The element's local name as it appears in the files.
    var localName: String {
        switch self {
        case .other: ""
        case .iban: "IBAN"
        case .uetr: "UETR"
        default:
            // Every other name is the case name with its first letter upper-cased.
            String(describing: self).prefix(1).uppercased() + String(describing: self).dropFirst()
        }
    }

    /// Resolves local names to tags, remembering libxml2's interned name pointers so that each
    /// distinct name is compared as a string only once per file.
    struct Resolver {
        private var known: [UnsafePointer<UInt8>: CamtTag] = [:]
        private let byName: [String: CamtTag]
        private static let keyTags: [String: CamtTag] = Dictionary(
            uniqueKeysWithValues: CamtTag.allCases.dropFirst().filter { !$0.isDetailText }.map { ($0.localName, $0) })
        private static let allTags: [String: CamtTag] = Dictionary(
            uniqueKeysWithValues: CamtTag.allCases.dropFirst().map { ($0.localName, $0) })

        /// `details`: whether the elements of ``TallyCore/LineDetails`` are resolved at all.
        init(details: Bool = false) {
            byName = details ? Self.allTags : Self.keyTags
        }

        mutating func tag(_ name: UnsafePointer<UInt8>) -> CamtTag {
            if let tag = known[name] { return tag }
            let tag = byName[String(cString: name)] ?? .other
            known[name] = tag
            return tag
        }
    }
}
