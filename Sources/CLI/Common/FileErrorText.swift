import Foundation

/// A file operation's failure in words (`Permission denied`, `No space left on device`), never a Foundation error dump
/// (`Error Domain=NSCocoaErrorDomain Code=513 ...`).
enum FileErrorText {
    static func describe(_ error: any Error) -> String {
        let original = error
        let error = error as NSError
        // The project's own errors (AtomicFile's, a CLIError) say what they mean already.
        guard error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain else { return "\(original)" }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileWriteNoPermission, .fileReadNoPermission: return String(cString: strerror(EACCES))
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        default: return "the system's error \(error.code)"
        }
    }

    /// Why `path` cannot be written, found by looking at it: the nearest part of it that exists is not a directory, or
    /// is not writable; nil when nothing explains it.
    static func diagnose(_ path: String) -> String? {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && url.path != "/" { url.deleteLastPathComponent() }
        if !isDirectory.boolValue { return "\(String(cString: strerror(ENOTDIR))) (\(url.path) is a file)" }
        if access(url.path, W_OK) != 0 { return "\(String(cString: strerror(errno))) (\(url.path))" }
        return nil
    }

    /// "<what>: Permission denied", with who owns the place when permission is what failed.
    static func cliError(_ what: String, _ error: any Error, path: String) -> CLIError {
        var text = describe(error)
        if text.hasPrefix("the system's error"), let found = diagnose(path) { text = found }
        guard text == String(cString: strerror(EACCES)) || text.contains("Permission denied") else { return CLIError("\(what): \(text)") }
        return CLIError(
            "permission denied: \(what): \(PathOwner.describe(path))",
            hints: ["Run the command as that user (for root's site: sudo skupper ...), or use a site of your own with --config-dir DIR."])
    }
}
