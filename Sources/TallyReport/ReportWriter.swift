import Foundation
import TallyCore

/// Writes a run's reports into a directory, each file atomically (written aside, then renamed),
/// so a reader never sees a half-written report.
public struct ReportWriter: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// Writes `report.json`, `report.html` and `breaks.csv`.
    ///
    /// - Returns: the paths written, JSON first.
    @discardableResult
    public func write(_ report: RunReport) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let outputs: [(String, [UInt8])] = [
            ("report.json", try JSONReport.render(report)),
            ("report.html", HTMLReport.render(report)),
            ("breaks.csv", BreaksCSV.render(report)),
        ]
        var written: [String] = []
        for (name, bytes) in outputs {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }
}
