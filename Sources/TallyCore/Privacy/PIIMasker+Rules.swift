/// The e-mail and card rules of ``PIIMasker``, each a pass over Unicode scalars that reads every
/// scalar a bounded number of times: a provider's free text is attacker-controlled, so the cost must
/// be linear in its length (the names are in `PIIMasker+Names.swift`).
extension PIIMasker {
    // MARK: E-mail addresses

    static func maskEmails(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard scalars.contains("@") else { return scalars }
        // Found from the end, as rewriting in place from the end would: an address's domain then stops
        // where the next address found begins (its mask starts with "[", which no domain holds).
        // Collecting the ranges and writing once keeps each replacement from moving the text after it.
        var found: [Range<Int>] = []
        var limit = scalars.count
        var index = scalars.count - 1
        while index >= 0 {
            if scalars[index] == "@", let range = emailRange(scalars, at: index, limit: limit) {
                found.append(range)
                limit = range.lowerBound
                index = range.lowerBound - 1
            } else {
                index -= 1
            }
        }
        guard !found.isEmpty else { return scalars }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var emitted = 0
        for range in found.reversed() {
            out += scalars[emitted..<range.lowerBound]
            out += emailMask.unicodeScalars
            emitted = range.upperBound
        }
        out += scalars[emitted...]
        return out
    }

    /// The address around the `@` at `sign`, its domain read no further than `limit`. Neither part
    /// holds an `@`, so each scalar is read by at most the signs on either side of it.
    static func emailRange(_ scalars: [Unicode.Scalar], at sign: Int, limit: Int) -> Range<Int>? {
        func isLocal(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || isDigit(scalar) || "._%+-".unicodeScalars.contains(scalar)
        }
        func isDomain(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || isDigit(scalar) || scalar == "-" || scalar == "."
        }
        var start = sign
        while start > 0, isLocal(scalars[start - 1]) { start -= 1 }
        guard start < sign else { return nil }
        var end = sign + 1
        while end < limit, isDomain(scalars[end]) { end += 1 }
        // a sentence's full stop is not part of the domain
        while end > sign + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
        let labels = scalars[(sign + 1)..<end].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2,
            top.allSatisfy({ $0.properties.isAlphabetic })
        else { return nil }
        return start..<end
    }

    // MARK: Card numbers

    /// The most digits a card number has: no candidate spans more groups than this.
    static let longestCard = 19

    static func maskCards(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        let count = scalars.count
        while index < count {
            // a run glued to a word or to a decimal point before it is part of a reference or amount
            let gluedBefore =
                index > 0
                && (isWordScalar(scalars[index - 1])
                    || ((scalars[index - 1] == "." || scalars[index - 1] == ",") && index > 1
                        && isDigit(scalars[index - 2])))
            guard isDigit(scalars[index]), !gluedBefore else {
                out.append(scalars[index])
                index += 1
                continue
            }
            // digit groups joined by single spaces or dashes
            var groups: [Range<Int>] = []
            var end = index
            while true {
                let start = end
                while end < count, isDigit(scalars[end]) { end += 1 }
                groups.append(start..<end)
                if end + 1 < count, scalars[end] == " " || scalars[end] == "-", isDigit(scalars[end + 1]) {
                    end += 1
                    continue
                }
                break
            }
            let gluedAfter =
                end < count
                && (isWordScalar(scalars[end])
                    || ((scalars[end] == "." || scalars[end] == ",") && end + 1 < count && isDigit(scalars[end + 1])))
            var emitted = index
            var first = 0
            while first < groups.count {
                if let found = longestCard(in: groups, from: first, of: scalars, lastGlued: gluedAfter) {
                    out += scalars[emitted..<groups[first].lowerBound]
                    out += cardMask.unicodeScalars
                    emitted = groups[found].upperBound
                    first = found + 1
                } else {
                    first += 1
                }
            }
            out += scalars[emitted..<end]
            index = end
        }
        return out
    }

    /// The last group of the longest card number starting at group `first`. Every group holds a
    /// digit, so only the next ``longestCard`` groups can take part: the search is bounded however
    /// many groups a run chains. The Luhn sums are kept as the candidate grows (one per parity of
    /// the doubled positions, since which digits are doubled depends on the length), so each digit
    /// is read once per starting group and nothing is allocated: a field of `"1 1 1 …"` costs a few
    /// operations per character.
    static func longestCard(
        in groups: [Range<Int>], from first: Int, of scalars: [Unicode.Scalar], lastGlued: Bool
    ) -> Int? {
        var found: Int?
        var digits = 0
        // Luhn sums with the digits at even (resp. odd) positions from the left doubled: for an
        // even length the even positions are the doubled ones counted from the right, else the odd.
        var evenDoubled = 0
        var oddDoubled = 0
        var last = first
        while last < groups.count, digits + groups[last].count <= longestCard {
            for index in groups[last] {
                let value = Int(scalars[index].value) - 48
                let doubled = value < 5 ? value * 2 : value * 2 - 9
                if digits % 2 == 0 {
                    evenDoubled += doubled
                    oddDoubled += value
                } else {
                    evenDoubled += value
                    oddDoubled += doubled
                }
                digits += 1
            }
            if digits >= 13, !(last == groups.count - 1 && lastGlued), (digits % 2 == 0 ? evenDoubled : oddDoubled) % 10 == 0 {
                found = last
            }
            last += 1
        }
        return found
    }

    /// The Luhn (mod 10) check of a card number's digits.
    static func luhn(_ digits: [Unicode.Scalar]) -> Bool {
        var sum = 0
        for (position, scalar) in digits.reversed().enumerated() {
            var value = Int(scalar.value) - 48
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
