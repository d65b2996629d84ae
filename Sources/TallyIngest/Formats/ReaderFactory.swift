/// The reader of each format.
public enum ReaderFactory {
    /// - Throws: ``IngestError`` `.unsupported` when `--format csv` comes without a mapping.
    public static func reader(for format: SettlementFormat, options: ReaderOptions) throws(IngestError)
        -> any SettlementReader
    {
        switch format {
        case .stripe: return StripeBalanceReport(options: options)
        case .adyen: return AdyenSettlementDetail(options: options)
        case .paypal: return PayPalSettlementReport(options: options)
        case .csv:
            guard let mapping = options.mapping else {
                throw IngestError(
                    code: .unsupported, message: "--format csv needs --mapping FILE.yml (see samples/mappings/)", path: "")
            }
            return MappedCSVReader(mapping: mapping, maxFieldBytes: options.maxFieldBytes)
        case .camt053: return CamtReader(message: .statement, options: options)
        case .camt054: return CamtReader(message: .notification, options: options)
        case .bai2: return BAI2Reader(options: options)
        case .mt940: return MT940Reader(message: .statement, options: options)
        case .mt942: return MT940Reader(message: .interimReport, options: options)
        }
    }
}
