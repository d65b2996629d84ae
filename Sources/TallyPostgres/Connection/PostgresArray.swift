/// Builds PostgreSQL array literals for `= ANY($1::text[])` parameters.
public enum PostgresArray {
    /// `{"a","b \"c\""}`: every element double-quoted with `"` and `\` escaped, so any text is safe.
    public static func textLiteral(_ elements: [String]) -> String {
        var literal = "{"
        for (number, element) in elements.enumerated() {
            if number > 0 { literal += "," }
            literal += "\""
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { literal += "\\" }
                literal.unicodeScalars.append(scalar)
            }
            literal += "\""
        }
        return literal + "}"
    }

    /// Like ``textLiteral(_:)``, with `nil` elements as SQL NULL.
    public static func textLiteralWithNulls(_ elements: [String?]) -> String {
        var literal = "{"
        for (number, element) in elements.enumerated() {
            if number > 0 { literal += "," }
            guard let element else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { literal += "\\" }
                literal.unicodeScalars.append(scalar)
            }
            literal += "\""
        }
        return literal + "}"
    }
}
