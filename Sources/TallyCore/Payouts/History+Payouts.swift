extension History.Outcome {
    /// The outcome with the payout leg's resolutions: each open item of `breakClass` whose
    /// reference is in `references` (and that this run did not report again) resolves `as`.
    ///
    /// A bank run resolves the `payout_missing` items of payouts that arrived late as
    /// `timing_difference`; items of the other payout classes persist until the payout leg says
    /// otherwise (a provider run announcing the payout resolves an `unexpected_payout` in the store).
    public func resolvingPayouts(_ references: Set<String>, of breakClass: BreakClass, as how: Resolution) -> History.Outcome {
        var outcome = self
        let reported = Set(breaks.map { ItemKey(reference: $0.item.reference, kind: $0.item.kind) })
        var kept: [OpenItem] = []
        for item in open {
            if item.breakClass == breakClass, references.contains(item.reference), !reported.contains(item.key) {
                outcome.resolved.append(
                    ResolvedItem(
                        reference: item.reference, kind: item.kind, breakClass: item.breakClass, firstSeen: item.firstSeen,
                        resolvedAs: how, item: item))
                if outcome.persistingCount > 0 { outcome.persistingCount -= 1 }
            } else {
                kept.append(item)
            }
        }
        outcome.open = kept
        outcome.resolved.sort {
            ItemKey(reference: $0.reference, kind: $0.kind) < ItemKey(reference: $1.reference, kind: $1.kind)
        }
        return outcome
    }
}
