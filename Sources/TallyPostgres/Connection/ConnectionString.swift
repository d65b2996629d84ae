/// A libpq connection string (a `postgresql://` URL or `key=value` pairs) taken apart by Tally
/// before libpq sees it.
///
/// libpq's own parser quotes the input in its errors (`invalid percent-encoded token:
/// "Sup3r%S3cret"`, or a whole mistyped URL taken as a database name), and those errors reach
/// stderr, logs and failure alerts. So Tally parses the string itself, with libpq's grammar, and
/// hands libpq only the keywords and values (``PostgresConnection`` passes `expand_dbname = 0`).
/// Every error here names the part that is wrong and never contains any of the input.
///
/// ```swift
/// let parsed = try ConnectionString.parse("postgresql://tally@db:5432/payments?sslmode=require")
/// parsed.parameters   // host=db, port=5432, user=tally, dbname=payments, sslmode=require
/// ```
public struct ConnectionString: Sendable, Equatable {
    /// One keyword and its value, in the order the string gave them (a later one wins in libpq).
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String
        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    public var parameters: [Parameter]

    /// The value of the last `keyword`, if any.
    public subscript(_ keyword: String) -> String? { parameters.last { $0.keyword == keyword }?.value }

    /// Parses `text` as libpq would: a URL when it starts with `postgresql://` or `postgres://`,
    /// `key=value` pairs when it contains `=`, else a bare database name.
    ///
    /// - Parameter keywords: the keywords libpq knows (``PostgresConnection/keywords`` by default).
    /// - Throws: ``PostgresError`` with code `.configuration` (exit 64), its message free of the input.
    public static func parse(_ text: String, keywords: Set<String> = PostgresConnection.keywords) throws(PostgresError)
        -> ConnectionString
    {
        var parser = Parser(keywords: keywords)
        let bytes = Array(text.utf8)
        if let prefix = ["postgresql://", "postgres://"].first(where: { text.hasPrefix($0) }) {
            try parser.url(bytes[prefix.utf8.count...])
        } else if let scheme = Self.scheme(of: bytes) {
            throw Parser.error(scheme)
        } else if bytes.contains(UInt8(ascii: "=")) {
            try parser.keywordValues(bytes[...])
        } else {
            // A bare name is a database name to libpq; one that looks like a URL without its scheme
            // (`tally:pw@host/db`) is a mistake whose text would be echoed as that name.
            let suspicious: Set<UInt8> = [UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "?")]
            guard !bytes.contains(where: suspicious.contains) else {
                throw Parser.error("not a postgresql:// URL: it has no scheme (start it with postgresql://)")
            }
            parser.parameters.append(Parameter("dbname", text))
        }
        // libpq expands a connection string given as dbname only when it parses the string itself;
        // here it would be taken as a name and echoed by the server's "database … does not exist".
        for parameter in parser.parameters where parameter.keyword == "dbname" {
            if parameter.value.hasPrefix("postgres") && parameter.value.contains(":/") || parameter.value.contains("=") {
                throw Parser.error("the dbname parameter holds a connection string: give its parts directly")
            }
        }
        return ConnectionString(parameters: parser.parameters)
    }

    /// What is wrong with the scheme of a string that starts like a URL but not like a libpq one.
    static func scheme(of bytes: [UInt8]) -> String? {
        let letters = bytes.prefix { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) }
        let name = String(decoding: letters, as: UTF8.self).lowercased()
        let rest = bytes.dropFirst(letters.count)
        if name == "postgresql" || name == "postgres" {
            // `postgresql//…`, `postgresql:/…`, `postgresql:…`
            guard rest.first == UInt8(ascii: ":") || rest.first == UInt8(ascii: "/") else { return nil }
            return "not a postgresql:// URL: the scheme must be followed by //"
        }
        if !name.isEmpty, rest.starts(with: Array("://".utf8)) {
            return "not a postgresql:// URL: the scheme must be postgresql:// or postgres://"
        }
        return nil
    }
}

/// The grammar of libpq's `conninfo_uri_parse_options` and `conninfo_parse`, with errors that name parts.
private struct Parser {
    let keywords: Set<String>
    var parameters: [ConnectionString.Parameter] = []

    static func error(_ what: String) -> PostgresError {
        PostgresError(code: .configuration, message: "invalid database URL: \(what)")
    }

    static let at = UInt8(ascii: "@"), slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":")
    static let question = UInt8(ascii: "?"), comma = UInt8(ascii: ","), percent = UInt8(ascii: "%")

    /// `[user[:password]@][host[:port][,…]][/dbname][?key=value&…]`, after the scheme.
    mutating func url(_ text: ArraySlice<UInt8>) throws(PostgresError) {
        var rest = text
        // libpq takes user info up to the first @ before any /
        if let end = rest.firstIndex(where: { $0 == Self.at || $0 == Self.slash }), rest[end] == Self.at {
            let userInfo = rest[..<end]
            if let colon = userInfo.firstIndex(of: Self.colon) {
                try add("user", userInfo[..<colon], part: "user")
                try add("password", userInfo[(colon + 1)...], part: "password")
            } else {
                try add("user", userInfo, part: "user")
            }
            rest = rest[(end + 1)...]
        }
        // An @ left before the query means the user info held a / (libpq would read part of the
        // password as the host and port, and quote it).
        guard !rest[..<(rest.firstIndex(of: Self.question) ?? rest.endIndex)].contains(Self.at) else {
            throw Self.error("an @ after the host part: write an @ or / in the user or password as %40 or %2F")
        }
        let hostEnd = rest.firstIndex { $0 == Self.slash || $0 == Self.question } ?? rest.endIndex
        try hosts(rest[..<hostEnd])
        rest = rest[hostEnd...]
        let query: ArraySlice<UInt8>
        if let mark = rest.firstIndex(of: Self.question) {
            query = rest[(mark + 1)...]
            rest = rest[..<mark]
        } else {
            query = []
        }
        if rest.first == Self.slash {
            try add("dbname", rest.dropFirst(), part: "database name")
        }
        if !query.isEmpty || text.last == Self.question { try queryParameters(query) }
    }

    /// `host[:port]` items separated by commas; a host may be `[IPv6]`. libpq joins them back into
    /// `host=a,b` and `port=p,q` (a host without a port leaves its slot empty).
    mutating func hosts(_ text: ArraySlice<UInt8>) throws(PostgresError) {
        guard !text.isEmpty else { return }
        var hosts: [String] = []
        var ports: [String] = []
        for item in text.split(separator: Self.comma, omittingEmptySubsequences: false) {
            var host = item[...]
            var port: ArraySlice<UInt8>?
            if host.first == UInt8(ascii: "[") {
                guard let close = host.firstIndex(of: UInt8(ascii: "]")) else {
                    throw Self.error("unclosed [ in the host part (an IPv6 address is written [::1])")
                }
                guard close > host.startIndex + 1 else { throw Self.error("empty [] in the host part") }
                let after = host[(close + 1)...]
                guard after.isEmpty || after.first == Self.colon else {
                    throw Self.error("unexpected text after ] in the host part (expected : and a port)")
                }
                if !after.isEmpty { port = after.dropFirst() }
                host = host[(host.startIndex + 1)..<close]
            } else if let colon = host.firstIndex(of: Self.colon) {
                port = host[(colon + 1)...]
                host = host[..<colon]
                guard !port!.contains(Self.colon) else {
                    throw Self.error("more than one : in the host part (an IPv6 address is written [::1])")
                }
            }
            hosts.append(try decode(host, part: "host"))
            guard let port else {
                ports.append("")
                continue
            }
            let digits = try decode(port, part: "port")
            guard !digits.isEmpty, digits.utf8.count <= 5, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int(digits), (1...65535).contains(number)
            else { throw Self.error("the port part is not a number from 1 to 65535") }
            ports.append(digits)
        }
        let host = hosts.joined(separator: ",")
        let port = ports.joined(separator: ",")
        if !host.isEmpty { parameters.append(.init("host", host)) }
        if !port.isEmpty && !port.utf8.allSatisfy({ $0 == Self.comma }) { parameters.append(.init("port", port)) }
    }

    /// `key=value&…` of a URL's query part, both percent-decoded; `ssl=true` is `sslmode=require`.
    mutating func queryParameters(_ text: ArraySlice<UInt8>) throws(PostgresError) {
        for (number, item) in text.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false).enumerated() {
            let position = "query parameter \(number + 1)"
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                throw Self.error("\(position) has no = (write key=value, & between parameters)")
            }
            guard !item[(equals + 1)...].contains(UInt8(ascii: "=")) else {
                throw Self.error("\(position) has a second = (write = in a value as %3D)")
            }
            let keyword = try decode(item[..<equals], part: "\(position)'s name")
            let value = try decode(item[(equals + 1)...], part: "\(position)'s value")
            if keyword == "ssl" && value == "true" {
                parameters.append(.init("sslmode", "require"))
                continue
            }
            try check(keyword: keyword, position: position)
            parameters.append(.init(keyword, value))
        }
    }

    /// libpq's `key = value` pairs: a value is a word (a backslash escapes the next character) or
    /// a single-quoted string (backslash escapes; `\'` is a quote).
    mutating func keywordValues(_ text: ArraySlice<UInt8>) throws(PostgresError) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var index = text.startIndex
        var number = 0
        while true {
            while index < text.endIndex, isSpace(text[index]) { index += 1 }
            guard index < text.endIndex else { return }
            number += 1
            let position = "key=value pair \(number)"
            let nameStart = index
            while index < text.endIndex, text[index] != UInt8(ascii: "="), !isSpace(text[index]) { index += 1 }
            let name = String(decoding: text[nameStart..<index], as: UTF8.self)
            while index < text.endIndex, isSpace(text[index]) { index += 1 }
            guard index < text.endIndex, text[index] == UInt8(ascii: "=") else {
                throw PostgresError(
                    code: .configuration,
                    message:
                        "invalid connection string: \(position) has no = after its name (write key=value, spaces between pairs)")
            }
            index += 1
            while index < text.endIndex, isSpace(text[index]) { index += 1 }
            var value: [UInt8] = []
            if index < text.endIndex, text[index] == UInt8(ascii: "'") {
                index += 1
                var closed = false
                while index < text.endIndex {
                    let byte = text[index]
                    index += 1
                    if byte == UInt8(ascii: "\\") {
                        if index < text.endIndex {
                            value.append(text[index])
                            index += 1
                        }
                    } else if byte == UInt8(ascii: "'") {
                        closed = true
                        break
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else {
                    throw PostgresError(
                        code: .configuration,
                        message:
                            "invalid connection string: the quoted value of \(position) has no closing ' (write a quote inside as \\')"
                    )
                }
            } else {
                while index < text.endIndex, !isSpace(text[index]) {
                    if text[index] == UInt8(ascii: "\\") {
                        index += 1
                        if index < text.endIndex {
                            value.append(text[index])
                            index += 1
                        }
                    } else {
                        value.append(text[index])
                        index += 1
                    }
                }
            }
            guard !name.isEmpty else {
                throw PostgresError(code: .configuration, message: "invalid connection string: \(position) has no name before =")
            }
            guard keywords.contains(name) else {
                throw PostgresError(
                    code: .configuration, message: "invalid connection string: \(position) names \(Self.describe(keyword: name))")
            }
            guard !value.contains(0) else {
                throw PostgresError(code: .configuration, message: "invalid connection string: \(position) has a NUL byte")
            }
            parameters.append(.init(name, String(decoding: value, as: UTF8.self)))
        }
    }

    func check(keyword: String, position: String) throws(PostgresError) {
        guard keywords.contains(keyword) else { throw Self.error("\(position) is \(Self.describe(keyword: keyword))") }
    }

    /// An unknown keyword, named only when it looks like one (lower-case letters and `_`): the
    /// text before an = may be a password typed in the wrong place.
    static func describe(keyword: String) -> String {
        let plain =
            !keyword.isEmpty && keyword.utf8.count <= 32
            && keyword.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "_") }
        return plain ? "an unknown parameter \"\(keyword)\"" : "an unknown parameter"
    }

    mutating func add(_ keyword: String, _ text: ArraySlice<UInt8>, part: String) throws(PostgresError) {
        let value = try decode(text, part: part)
        if !value.isEmpty { parameters.append(.init(keyword, value)) }
    }

    /// `%XX` escapes to bytes; a bad or `%00` escape names `part`, never the text.
    func decode(_ text: ArraySlice<UInt8>, part: String) throws(PostgresError) -> String {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        guard text.contains(Self.percent) else { return String(decoding: text, as: UTF8.self) }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == Self.percent else {
                bytes.append(text[index])
                index += 1
                continue
            }
            guard index + 2 < text.endIndex, let high = hex(text[index + 1]), let low = hex(text[index + 2])
            else { throw Self.error("the \(part) part has a bad %-escape (write a % itself as %25)") }
            guard high != 0 || low != 0 else { throw Self.error("the \(part) part has a %00, which libpq refuses") }
            bytes.append(high << 4 | low)
            index += 3
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
