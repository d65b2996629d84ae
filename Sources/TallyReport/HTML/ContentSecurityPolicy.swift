import Foundation
import TallyDigest

/// The Content-Security-Policy of the generated pages, delivered in a `<meta>` element.
///
/// `default-src 'none'` forbids every fetch (images, fonts, frames, connections, form targets), so
/// nothing leaves the page, from `file://`, an attachment or a web server alike. The one inline
/// script and the one stylesheet are allowed by their SHA-256 (CSP Level 2 hash sources), not by
/// `'unsafe-inline'`: an element injected by a provider string that escaped the escaping would
/// not run, and neither would an inline event handler. `require-trusted-types-for 'script'` makes
/// browsers that support Trusted Types refuse string-to-HTML sinks such as `innerHTML`; the page's
/// script builds every node with `createElement` and `textContent`.
public struct ContentSecurityPolicy: Sendable, Hashable {
    public var scriptHashes: [String]
    public var styleHashes: [String]

    /// - Parameters:
    ///   - scripts: the exact text of each inline `<script>` that must run.
    ///   - styles: the exact text of each inline `<style>` element.
    public init(scripts: [String], styles: [String]) {
        scriptHashes = scripts.map(Self.hash)
        styleHashes = styles.map(Self.hash)
    }

    /// `'sha256-<base64>'` of the UTF-8 bytes of an element's text, as CSP compares it.
    public static func hash(_ text: String) -> String {
        "'sha256-\(Data(SHA256.hash(Array(text.utf8))).base64EncodedString())'"
    }

    /// The policy's text.
    public var header: String {
        var directives = ["default-src 'none'", "base-uri 'none'", "form-action 'none'"]
        directives.append("style-src " + styleHashes.joined(separator: " "))
        if scriptHashes.isEmpty {
            directives.append("script-src 'none'")
        } else {
            directives.append("script-src " + scriptHashes.joined(separator: " "))
            directives.append("require-trusted-types-for 'script'")
        }
        return directives.joined(separator: "; ")
    }

    /// The `<meta>` element carrying the policy (the first element of `<head>` after the charset).
    public var metaElement: String {
        // The policy holds only directive names, quotes and base64 (`+/=`): nothing to escape.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"\(header)\">"
    }
}
