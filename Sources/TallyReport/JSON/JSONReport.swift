import Foundation
import TallyCore

/// Renders `report.json`: keys sorted, two-space indentation, so the same inputs give the same
/// bytes apart from the run id and the timestamps.
public enum JSONReport {
    /// The `schema_version` written; `schemas/report.schema.json` describes exactly this version
    /// (its `schema_version` is a `const`, and a test holds the two together).
    public static let schemaVersion = 1

    public static func render(_ report: RunReport) throws -> [UInt8] {
        var bytes = try ReportDocument(report).encodedJSON()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
