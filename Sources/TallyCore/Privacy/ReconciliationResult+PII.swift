extension ReconciliationResult {
    /// This result with personal data masked in every text a provider may have written: reject
    /// reasons, non-transaction categories and control texts (and the breaks of failed controls,
    /// whose reference is the control's name). References, kinds and amounts stay.
    ///
    /// Applied once, right after matching, so that the store, the reports, stdout and the open
    /// items all carry the same masked text.
    public func maskingPII(_ masker: PIIMasker = PIIMasker()) -> ReconciliationResult {
        var masked = self
        masked.rejects = rejects.map { Reject(location: $0.location, reason: masker.maskMessage($0.reason)) }
        masked.nonTransactions = nonTransactions.mappingCategories(masker.maskFreeText)
        masked.controls = controls.map { $0.maskingPII(masker) }
        masked.breaks = breaks.map { item in
            guard let control = item.control else { return item }
            var copy = item
            copy.control = control.maskingPII(masker)
            copy.reference = masker.maskMessage(item.reference)
            return copy
        }
        return masked
    }
}

extension ControlResult {
    /// The control with its name, expected and actual texts masked.
    public func maskingPII(_ masker: PIIMasker = PIIMasker()) -> ControlResult {
        ControlResult(
            name: masker.maskMessage(name), ok: ok, expected: masker.maskMessage(expected),
            actual: masker.maskMessage(actual), file: file)
    }
}
