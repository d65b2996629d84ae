/// The three rules of ``PIIMasker``, each a pass over Unicode scalars.
extension PIIMasker {
    // MARK: E-mail addresses

    static func maskEmails(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard input.contains("@") else { return input }
        var scalars = input
        // From the end, so that a replacement never shifts a position still to visit.
        var index = scalars.count - 1
        while index >= 0 {
            if scalars[index] == "@", let range = emailRange(scalars, at: index) {
                replace(&scalars, range, with: emailMask)
                index = range.lowerBound - 1
            } else {
                index -= 1
            }
        }
        return scalars
    }

    static func emailRange(_ scalars: [Unicode.Scalar], at sign: Int) -> Range<Int>? {
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
        while end < scalars.count, isDomain(scalars[end]) { end += 1 }
        // a sentence's full stop is not part of the domain
        while end > sign + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
        let labels = scalars[(sign + 1)..<end].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2,
            top.allSatisfy({ $0.properties.isAlphabetic })
        else { return nil }
        return start..<end
    }

    // MARK: Card numbers

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
                var found: Int?
                var last = groups.count - 1
                while last >= first {
                    let digits = groups[first...last].flatMap { scalars[$0] }
                    if !(last == groups.count - 1 && gluedAfter), (13...19).contains(digits.count), luhn(digits) {
                        found = last
                        break
                    }
                    last -= 1
                }
                if let found {
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

    // MARK: Names

    enum NamePart: Equatable {
        case title, initial, capitals, particle, honorific
    }

    static let honorifics: Set<String> = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra", "sig", "sig.ra",
    ]
    static let particles: Set<String> = [
        "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "bin", "al", "ten",
    ]

    /// The word starting at `start` as a name part, and where it ends.
    static func namePart(_ scalars: [Unicode.Scalar], at start: Int) -> (end: Int, part: NamePart)? {
        let count = scalars.count
        guard start < count, scalars[start].properties.isAlphabetic,
            start == 0 || !isWordScalar(scalars[start - 1])
        else { return nil }
        var end = start
        while end < count {
            let scalar = scalars[end]
            if scalar.properties.isAlphabetic {
                end += 1
            } else if scalar == "'" || scalar == "’" || scalar == "-", end + 1 < count,
                scalars[end + 1].properties.isAlphabetic, end > start
            {
                end += 2
            } else {
                break
            }
        }
        if end < count, isWordScalar(scalars[end]) { return nil }
        let word = string(Array(scalars[start..<end]))
        let lower = word.lowercased()
        var dotted = end
        if dotted < count, scalars[dotted] == "." { dotted += 1 }
        if honorifics.contains(lower) { return (dotted, .honorific) }
        let first = scalars[start]
        if end - start == 1, first.properties.isUppercase, dotted > end { return (dotted, .initial) }
        if particles.contains(word) { return (end, .particle) }
        guard first.properties.isUppercase, end - start >= 2 else { return nil }
        // Doe, O'Neil, McDonald: capitalised with lower case after; DOE: capitals only
        let letters = scalars[(start + 1)..<end].filter { $0.properties.isAlphabetic }
        if letters.contains(where: { $0.properties.isLowercase }) { return (end, .title) }
        return (end, .capitals)
    }

    static func maskNames(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if let end = nameEnd(scalars, at: index) {
                out += nameMask.unicodeScalars
                index = end
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return out
    }

    /// Where a name starting at `start` ends, or nil when no name starts there.
    static func nameEnd(_ scalars: [Unicode.Scalar], at start: Int) -> Int? {
        guard let (firstEnd, firstPart) = namePart(scalars, at: start) else { return nil }
        var parts: [(end: Int, part: NamePart)] = [(firstEnd, firstPart)]
        var position = firstEnd
        while position < scalars.count, scalars[position] == " ", let next = namePart(scalars, at: position + 1) {
            parts.append(next)
            position = next.end
        }
        if firstPart == .honorific {
            // Mr SMITH, Frau Müller, Dr. J. Doe: a title and the capitalised words after it
            let taken = parts.dropFirst().prefix { [.title, .initial, .capitals].contains($0.part) }
            return taken.last?.end
        }
        // Jane Doe, J. Doe, Ludwig van Beethoven: capitalised words, particles only between them
        var last: Int?
        var titles = 0
        var words = 0
        for (number, item) in parts.enumerated() {
            switch item.part {
            case .title:
                titles += 1
                words += 1
                last = number
            case .initial:
                words += 1
                last = number
            case .particle where number > 0 && number + 1 < parts.count && parts[number + 1].part == .title:
                continue
            default:
                break
            }
            if last != number { break }
        }
        guard let last, words >= 2, titles >= 1 else { return nil }
        return parts[last].end
    }
}
