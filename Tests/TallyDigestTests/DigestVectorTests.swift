import Testing

@testable import TallyDigest

/// libcrypto behind Tally's SHA-256 and HMAC-SHA256, against the published test vectors
/// (FIPS 180-2 appendix B, RFC 4231 section 4).
@Suite struct DigestVectorTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let value = character <= 57 ? character - 48 : character - 87
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256(message: String, digest: String) {
        #expect(SHA256.hash(Self.bytes(message)).lowercaseHex == digest)
    }

    @Test func sha256InPartsEqualsInOne() {
        let message = Self.bytes(String(repeating: "a", count: 1_000_000))
        let hash = SHA256()
        for start in stride(from: 0, to: message.count, by: 65_537) {
            hash.update(Array(message[start..<min(message.count, start + 65_537)]))
        }
        #expect(hash.finalize().lowercaseHex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // the hash starts over, empty, after finalize
        #expect(hash.finalize().lowercaseHex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(arguments: [
        // RFC 4231 test cases 1, 2, 4 and 6 (a key longer than the block)
        (
            String(repeating: "0b", count: 20), "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacSHA256(key: String, message: String, code: String) {
        #expect(HMACSHA256.code(for: Self.hex(message), key: Self.hex(key)).lowercaseHex == code)
    }

    @Test func hmacOfNothingUnderNoKey() {
        // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
        #expect(
            HMACSHA256.code(for: [], key: []).lowercaseHex == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
