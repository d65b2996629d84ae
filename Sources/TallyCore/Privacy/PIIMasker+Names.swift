/// The name rule of ``PIIMasker``. Its words are read from tables built in one pass, and a chain of
/// words is followed only as far as the rule looks, so that masking costs a bounded number of reads
/// per scalar however the words repeat (`Mr Mr Mr …`, `J. J. J. …`, `Jane-Jane-Jane-…`).
extension PIIMasker {
    enum NamePart: Equatable {
        case title, initial, capitals, particle, honorific
    }

    static let honorifics: Set<String> = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra", "sig", "sig.ra",
    ]
    static let particles: Set<String> = [
        "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "bin", "al", "ten",
    ]
    /// Longer words are neither honorifics nor particles (with room: lower-casing never shortens).
    static let longestListedWord = 16

    static func maskNames(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let words = NameWords(scalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            switch words.name(at: index) {
            case .name(let end):
                out += nameMask.unicodeScalars
                index = end
            case .none(let next):
                out += scalars[index..<next]
                index = next
            }
        }
        return out
    }

    /// What the name rule finds at a position.
    enum NameScan: Equatable {
        /// A name ends here.
        case name(end: Int)
        /// No name starts at the position nor before `next`.
        case none(next: Int)
    }

    /// A text with, for every letter, where a word starting there would end and where the next
    /// lower-case letter is: what a word's kind needs, without reading the word again at every one of
    /// its word starts (each letter after a `-` or `'` is one).
    struct NameWords {
        let scalars: [Unicode.Scalar]
        /// Where the word starting at a letter ends (letters, `'`, `’` or `-` between letters).
        let wordEnds: [Int]
        /// The first lower-case letter at or after a position, `scalars.count` when none.
        let nextLowercase: [Int]

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
            let count = scalars.count
            var wordEnds = [Int](repeating: 0, count: count)
            var nextLowercase = [Int](repeating: count, count: count + 1)
            var index = count - 1
            while index >= 0 {
                let scalar = scalars[index]
                if scalar.properties.isAlphabetic {
                    if index + 1 < count, scalars[index + 1].properties.isAlphabetic {
                        wordEnds[index] = wordEnds[index + 1]
                    } else if index + 2 < count, Self.isJoiner(scalars[index + 1]),
                        scalars[index + 2].properties.isAlphabetic
                    {
                        wordEnds[index] = wordEnds[index + 2]
                    } else {
                        wordEnds[index] = index + 1
                    }
                }
                let lower = scalar.properties.isAlphabetic && scalar.properties.isLowercase
                nextLowercase[index] = lower ? index : nextLowercase[index + 1]
                index -= 1
            }
            self.wordEnds = wordEnds
            self.nextLowercase = nextLowercase
        }

        static func isJoiner(_ scalar: Unicode.Scalar) -> Bool { scalar == "'" || scalar == "’" || scalar == "-" }

        /// The word starting at `start` as a name part, and where it ends.
        func part(at start: Int) -> (end: Int, part: NamePart)? {
            let count = scalars.count
            guard start < count, scalars[start].properties.isAlphabetic,
                start == 0 || !isWordScalar(scalars[start - 1])
            else { return nil }
            let end = wordEnds[start]
            if end < count, isWordScalar(scalars[end]) { return nil }
            var dotted = end
            if dotted < count, scalars[dotted] == "." { dotted += 1 }
            let word = end - start <= longestListedWord ? string(Array(scalars[start..<end])) : nil
            if let word, honorifics.contains(word.lowercased()) { return (dotted, .honorific) }
            let first = scalars[start]
            if end - start == 1, first.properties.isUppercase, dotted > end { return (dotted, .initial) }
            if let word, particles.contains(word) { return (end, .particle) }
            guard first.properties.isUppercase, end - start >= 2 else { return nil }
            // Doe, O'Neil, McDonald: capitalised with lower case after; DOE: capitals only
            return nextLowercase[start + 1] < end ? (end, .title) : (end, .capitals)
        }

        /// The part after the one ending at `end`, one space on.
        func part(after end: Int) -> (end: Int, part: NamePart)? {
            guard end < scalars.count, scalars[end] == " " else { return nil }
            return part(at: end + 1)
        }

        /// Whether a name starts at `start`, reading its parts only as far as the rule needs.
        func name(at start: Int) -> NameScan {
            guard let first = part(at: start) else { return .none(next: start + 1) }
            if first.part == .honorific {
                // Mr SMITH, Frau Müller, Dr. J. Doe: a title and the capitalised words after it
                var end: Int?
                var current = first
                while let next = part(after: current.end), [.title, .initial, .capitals].contains(next.part) {
                    end = next.end
                    current = next
                }
                return end.map { .name(end: $0) } ?? .none(next: start + 1)
            }
            // Jane Doe, J. Doe, Ludwig van Beethoven: capitalised words, particles only between them
            var current = first
            var upcoming = part(after: first.end)
            var isFirst = true
            var last: Int?
            var titles = 0
            var words = 0
            while true {
                switch current.part {
                case .title:
                    titles += 1
                    words += 1
                    last = current.end
                case .initial:
                    words += 1
                    last = current.end
                case .particle where !isFirst && upcoming?.part == .title:
                    break
                default:
                    return verdict(start: start, last: last, titles: titles, words: words)
                }
                guard let next = upcoming else { break }
                current = next
                upcoming = part(after: next.end)
                isFirst = false
            }
            return verdict(start: start, last: last, titles: titles, words: words)
        }

        /// A name of two words or more, one capitalised. Initials only (`J. K. L.`) are no name, and
        /// neither is any chain starting at one of their letters: the scan resumes after the last.
        func verdict(start: Int, last: Int?, titles: Int, words: Int) -> NameScan {
            guard let last else { return .none(next: start + 1) }
            if words >= 2, titles >= 1 { return .name(end: last) }
            return .none(next: titles == 0 ? last : start + 1)
        }
    }
}
