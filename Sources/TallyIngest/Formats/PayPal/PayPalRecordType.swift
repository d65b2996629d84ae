/// The first field of every record of a PayPal report: what the rest of the record is.
enum PayPalRecordType: Equatable {
    /// Report header: generation time, reporting window, account, report version.
    case reportHeader
    /// File header: the file's sequence number in a report split over several files.
    case fileHeader
    /// Section header: the section's start and end time and account.
    case sectionHeader
    /// Column header: names of the `SB` fields that follow.
    case columnHeader
    /// Section body: one balance-affecting event.
    case sectionBody
    /// Section footer: per-currency totals and balances of the section.
    case sectionFooter
    /// Section record count.
    case sectionCount
    /// Report footer: per-currency totals and balances of the report.
    case reportFooter
    /// Report record count.
    case reportCount
    /// File footer: the number of `SB` records in this file.
    case fileFooter

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var view = bytes[...]
        while view.first == UInt8(ascii: " ") { view = view.dropFirst() }
        while view.last == UInt8(ascii: " ") { view = view.dropLast() }
        guard view.count == 2 else { return nil }
        let upper = view.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        switch String(decoding: upper, as: UTF8.self) {
        case "RH": self = .reportHeader
        case "FH": self = .fileHeader
        case "SH": self = .sectionHeader
        case "CH": self = .columnHeader
        case "SB": self = .sectionBody
        case "SF": self = .sectionFooter
        case "SC": self = .sectionCount
        case "RF": self = .reportFooter
        case "RC": self = .reportCount
        case "FF": self = .fileFooter
        default: return nil
        }
    }
}
