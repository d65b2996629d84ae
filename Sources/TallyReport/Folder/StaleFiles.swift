import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The temporary files and folders Tally leaves beside its reports when a run is killed while
/// writing them, and when each may be removed.
///
/// Tally's own temporaries name the writer's pid (`.<folder>.tally-<pid>`, `.index.html.tally-<pid>`):
/// one whose pid is dead is a leftover. Temporaries of earlier versions (Foundation's atomic
/// writes: `.dat.nosync…`, `.report.json…`) name no writer, and are left alone until they are
/// surely no one's (``legacyAge``).
enum StaleFiles {
    /// A temporary of an earlier version is stale once this old (those writes took seconds).
    static let legacyAge: Double = 10 * 60
    /// A temporary whose pid is alive is still stale once this old: the pid was reused.
    static let reusedPidAge: Double = 60 * 60

    /// The pid in `name` when it is `prefix` followed by digits only.
    static func pid(in name: String, prefix: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int32(digits)
    }

    /// Whether Tally's own temporary at `path`, written by `pid`, is a leftover: its writer is gone
    /// (and, with `minimumAge`, it is at least that old: a writer on another machine sharing the
    /// folder has a pid this machine does not know), or it is older than ``reusedPidAge``.
    static func isLeftover(_ path: String, pid: Int32, minimumAge: Double = 0) -> Bool {
        let age = FileCalls.age(path)
        if age > reusedPidAge { return true }
        return pid != getpid() && !FileCalls.isAlive(pid) && age >= minimumAge
    }

    /// Whether `name` in a folder is a temporary of an earlier version's atomic write of one of `names`.
    static func isLegacyTemporary(_ name: String, of names: [String]) -> Bool {
        name.hasPrefix(".dat.nosync") || names.contains { name.hasPrefix("." + $0) && name != "." + $0 }
    }

    /// Removes what `isStale` picks among the entries of `folder`; returns the paths removed.
    static func remove(in folder: String, where isStale: (_ name: String, _ path: String) -> Bool) -> [String] {
        var removed: [String] = []
        for name in FileCalls.entries(folder) where name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            guard isStale(name, path) else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
