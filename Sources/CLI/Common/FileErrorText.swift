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
        default: return error.localizedDescription
        }
    }

    /// "<what>: Permission denied", with who owns the place when permission is what failed.
    static func cliError(_ what: String, _ error: any Error, path: String) -> CLIError {
        let text = describe(error)
        guard text == String(cString: strerror(EACCES)) || text.contains("Permission denied") else { return CLIError("\(what): \(text)") }
        return CLIError("permission denied: \(what): \(PathOwner.describe(path))",
                        hints: ["Run the command as that user (for root's site: sudo skupper ...), or use a site of your own with --config-dir DIR."])
    }
}
