import Testing

@testable import TallyCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--mask-pii` must cost about what reading the text costs: a provider's free-text field is
/// attacker-controlled, and a masker that is superlinear in a field's length lets one line stall a run
/// (issue 17, finding 1: `"1 "` × 2,000 took 21 s).
///
/// No wall-clock bound: the masker's CPU time is compared with a plain linear pass over the same text
/// (its scalars and their properties, what any reading of it costs), at sizes growing by 8× up to 1 MB.
/// A superlinear masker exceeds the ratio at the first sizes already, so the test fails quickly
/// instead of running for hours.
@Suite struct PIIMaskerCostTests {
    let masker = PIIMasker()

    /// Masking may cost this many linear passes: it makes about three, plus its tables and output.
    static let allowedRatio = 60.0

    /// Hostile shapes: each unit repeated to the field's length.
    static let shapes: [String] = [
        "1 ",  // one digit group per two bytes: every group tried as a card's first
        "4111-1111-1111-1111-",  // card-like groups chained by dashes
        "4242424242424242 ",  // many real cards
        "1",  // one digit run of the whole field
        "Mr ",  // honorifics chained by spaces
        "J. ",  // initials chained by spaces: no name, however long the chain
        "Jane Doe ",  // one name the length of the field
        "Jane-",  // one hyphenated word, with a word start after every dash
        "a@",  // at-signs with one-letter parts
        "x@y.zz ",  // many addresses
        "a.",  // a domain-like run
        " 'Ab",  // quotes opened and never closed (maskMessage)
        " \"Ab",
        "'J. '",  // closed quotes around names
    ]

    @Test(arguments: shapes)
    func hostileFieldCostsAboutAReading(_ unit: String) {
        for size in [1 << 10, 1 << 13, 1 << 16, 1 << 20] {
            let text = String(repeating: unit, count: size / unit.utf8.count + 1)
            let reading = Self.cpuSeconds { Self.read(text) }
            let masking = Self.cpuSeconds {
                _ = masker.maskFreeText(text)
                _ = masker.maskMessage(text)
            }
            let ratio = masking / reading
            #expect(
                ratio <= Self.allowedRatio,
                "masking \(size) bytes of \(unit.debugDescription)× took \(masking) s of CPU, \(ratio)× reading them (\(reading) s)"
            )
            if ratio > Self.allowedRatio { return }  // larger sizes would only take longer to say the same
        }
    }

    /// A plain linear pass: the text's scalars and the properties the rules look at.
    static func read(_ text: String) -> Int {
        let scalars = Array(text.unicodeScalars)
        var seen = 0
        for scalar in scalars where scalar.properties.isAlphabetic || scalar.properties.isUppercase {
            seen += 1
        }
        return seen
    }

    /// The least CPU time of this thread over three runs of `body` (the least is the least disturbed).
    static func cpuSeconds<T>(_ body: () -> T) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = threadCPUTime()
            let result = body()
            withExtendedLifetime(result) {}
            best = min(best, threadCPUTime() - start)
        }
        return max(best, 1e-6)
    }

    static func threadCPUTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
