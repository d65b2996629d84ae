import Testing

@testable import TallyCore

/// The stable item id (docs/items.md, "The item id").
@Suite struct ItemIDTests {
    @Test func anItemIDIsDerivedFromProviderKindAndReference() {
        let id = ItemID(provider: "acmepay", reference: "ch_1", kind: .charge)
        #expect(id == ItemID(provider: "acmepay", reference: "ch_1", kind: .charge))
        #expect(id.rawValue.hasPrefix("it_") && id.rawValue.count == 19)
        #expect(ItemID(text: id.rawValue) == id)
        #expect(id != ItemID(provider: "acmepay", reference: "ch_1", kind: .refund))
        #expect(id != ItemID(provider: "other", reference: "ch_1", kind: .charge))
        // the separator keeps provider and reference apart
        #expect(ItemID(provider: "a", reference: "bc", kind: .charge) != ItemID(provider: "ab", reference: "c", kind: .charge))
        for bad in ["", "it_", "it_0123", "IT_0123456789abcdef", "it_0123456789ABCDEF", "it_0123456789abcdef0", "ch_123"] {
            #expect(ItemID(text: bad) == nil, "\(bad)")
        }
    }

    @Test func onlyClassesThatOpenItemsHaveAnID() {
        #expect(!BreakClass.timingDifference.opensItem)
        #expect(!BreakClass.controlMismatch.opensItem)
        #expect(BreakClass.allCases.filter(\.opensItem).count == BreakClass.allCases.count - 2)
    }
}
