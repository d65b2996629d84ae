import CLibCrypto

/// SHA-256 through OpenSSL's libcrypto, a part at a time.
///
/// Why not swift-crypto: Tally needs two primitives (SHA-256 and HMAC-SHA256), and swift-crypto
/// compiles its own copy of BoringSSL (about 360 C files, a third of a cold release build on this
/// 2-core machine; numbers in docs/operations.md), while libcrypto is already installed and
/// loaded: libpq links it for TLS. The primitives are OpenSSL's, not written here.
///
/// ```swift
/// let hash = SHA256()
/// hash.update(Array("abc".utf8))
/// let digest = hash.finalize()  // 32 bytes, ba7816bf…
/// ```
public final class SHA256 {
    private let context: OpaquePointer

    public init() {
        LibCrypto.keepUntilExit()
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto: out of memory for a SHA-256 context") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { fatalError("libcrypto: SHA-256 is not available") }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // EVP_DigestUpdate fails only on a context that was never initialised
        _ = EVP_DigestUpdate(context, base, bytes.count)
    }

    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The 32-byte digest. The hash starts over afterwards, empty.
    public func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        _ = EVP_DigestInit_ex(context, EVP_sha256(), nil)
        return digest
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let hash = SHA256()
        hash.update(bytes)
        return hash.finalize()
    }
}

/// libcrypto's process-wide set-up.
public enum LibCrypto {
    /// Initialises libcrypto without its `atexit` clean-up, once; call it first thing in `main`.
    ///
    /// By default OpenSSL 3 frees its algorithms in an `atexit` handler. A run that fails exits
    /// while a background thread may still be hashing a settlement file; after that clean-up
    /// `EVP_sha256()` is gone and the hash traps (exit 132 instead of the run's own exit status,
    /// seen when the database server stops mid-run). Without the handler libcrypto stays valid
    /// until the process is gone. The first initialisation in a process decides, so `main` calls
    /// this before anything (libpq included) can initialise OpenSSL another way.
    public static func keepUntilExit() { _ = initialised }

    private static let initialised: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
}

/// HMAC-SHA256 through OpenSSL's libcrypto (see ``SHA256`` for why not swift-crypto).
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func code(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        LibCrypto.keepUntilExit()
        var code = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBytes { key in
            message.withUnsafeBufferPointer { message in
                code.withUnsafeMutableBufferPointer { out in
                    // a zero-length key or message still needs a valid pointer
                    var empty: UInt8 = 0
                    let result = withUnsafePointer(to: &empty) { emptyPointer in
                        HMAC(
                            EVP_sha256(), key.baseAddress ?? UnsafeRawPointer(emptyPointer), Int32(key.count),
                            message.baseAddress ?? emptyPointer, message.count, out.baseAddress, &length)
                    }
                    precondition(result != nil && length == 32, "libcrypto: HMAC-SHA256 failed")
                }
            }
        }
        return code
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, two digits a byte.
    public var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
