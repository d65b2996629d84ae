import Foundation
import TallyCore

/// Writes a run's reports into a directory, each file atomically (written aside, then renamed),
/// so a reader never sees a half-written report.
public struct ReportWriter: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The three reports of a run, rendered but not yet written.
    public struct Rendered: Sendable {
        public var files: [(name: String, bytes: [UInt8])]

        public init(files: [(name: String, bytes: [UInt8])]) { self.files = files }
    }

    /// Renders `report.json`, `report.html` and `breaks.csv` in memory.
    public static func render(_ report: RunReport) throws -> Rendered {
        Rendered(files: [
            ("report.json", try JSONReport.render(report)),
            ("report.html", HTMLReport.render(report)),
            ("breaks.csv", BreaksCSV.render(report)),
        ])
    }

    /// Renders and writes the three reports.
    ///
    /// - Returns: the paths written, JSON first.
    @discardableResult
    public func write(_ report: RunReport) throws -> [String] {
        try write(try Self.render(report))
    }

    /// Writes rendered reports.
    ///
    /// - Returns: the paths written, JSON first.
    @discardableResult
    public func write(_ rendered: Rendered) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for (name, bytes) in rendered.files {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }
}
