import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// SWIFT MT940 customer statements and MT942 interim transaction reports, as the European banks
/// send them: with or without the `{1:}{2:}{4:` envelope, several statements and continuation
/// pages in one file, CR, LF or CRLF, and text in a legacy 8-bit code page read as Windows-1252.
///
/// Each `:61:` is one entry: `C` a transaction of kind charge, `D` of kind refund, referenced by its
/// customer reference (unless `NONREF`), else its bank reference (after `//`); reversals `RC`/`RD`
/// are listed, never matched. Its `:86:` (free text, `?20`–`?29` sub-fields, `/REMI/`-style codes)
/// is kept with it. Controls: per statement page, opening (`:60F:`/`:60M:`) + Σ `:61:` = closing
/// (`:62F:`/`:62M:`); per account, that a `:62M:` page is followed by the next `:28C:` page opening
/// at the same balance; MT942's `:90D:`/`:90C:` counts and sums.
public struct MT940Reader: SettlementReader {
    /// Which message the file holds (the controls and messages name it).
    public enum Message: Sendable {
        case statement, interimReport

        var format: String { self == .statement ? "mt940" : "mt942" }
    }

    public var message: Message
    public var options: ReaderOptions

    public init(message: Message, options: ReaderOptions = ReaderOptions()) {
        self.message = message
        self.options = options
    }

    public func read(_ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var parser = MT940Parser(file: file, format: message.format, maxFieldBytes: options.maxFieldBytes)
        try parser.run(descriptor: descriptor, into: &sink, progress: progress)
    }
}
