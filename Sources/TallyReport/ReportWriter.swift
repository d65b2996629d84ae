import Foundation
import TallyCore

/// Writes a run's reports into a directory, the three as one set (written aside, then swapped in,
/// see ``ReportFolder``), so a reader never sees a half-written report or a mixed set.
public struct ReportWriter: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The three reports of a run, rendered but not yet written.
    public struct Rendered: Sendable {
        public var files: [(name: String, bytes: [UInt8])]

        public init(files: [(name: String, bytes: [UInt8])]) { self.files = files }
    }

    /// The reports of a run, in the order they are written: each file's name and its renderer.
    static let reports: [(name: String, render: @Sendable (RunReport) throws -> [UInt8])] = [
        ("report.json", JSONReport.render), ("report.html", HTMLReport.render), ("breaks.csv", BreaksCSV.render),
    ]

    /// Renders `report.json`, `report.html` and `breaks.csv` in memory.
    ///
    /// - Parameter include: which of them, by file name (all by default); a run renders them on two
    ///   threads, and ``merged(_:)`` puts the parts back together.
    public static func render(_ report: RunReport, only include: (String) -> Bool = { _ in true }) throws -> Rendered {
        Rendered(files: try reports.filter { include($0.name) }.map { ($0.name, try $0.render(report)) })
    }

    /// Reports rendered in parts, back in the order they are written.
    public static func merged(_ parts: [Rendered]) -> Rendered {
        let files = parts.flatMap(\.files)
        return Rendered(files: reports.compactMap { report in files.first { $0.name == report.name } })
    }

    /// Renders and writes the three reports.
    ///
    /// - Returns: the paths written, JSON first.
    @discardableResult
    public func write(_ report: RunReport) throws -> [String] {
        try write(try Self.render(report))
    }

    /// Writes rendered reports as a whole set (``ReportFolder``): the folder holds the old set
    /// until every new file is complete.
    ///
    /// - Returns: the paths written, JSON first.
    @discardableResult
    public func write(_ rendered: Rendered) throws -> [String] {
        try ReportFolder(directory: directory).stage(rendered).publish()
    }
}
