import Foundation

extension NSError {
    /// The `errno` behind a Foundation file error (its own, its underlying error's, or the one its
    /// Cocoa code stands for), so that a full or read-only disk is told apart from a bug.
    public var posixCode: Int32? {
        if domain == NSPOSIXErrorDomain { return Int32(code) }
        if let underlying = (userInfo[NSUnderlyingErrorKey] as? NSError)?.posixCode { return underlying }
        guard domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: code) {
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteNoPermission: return EACCES
        default: return nil
        }
    }
}
