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
}
