import Foundation

/// Unbuffered writes to standard output and standard error, so progress lines appear before a wait.
public enum Console {
    /// Writes a line to standard output.
    public static func out(_ line: String = "") { write(line + "\n", to: FileHandle.standardOutput) }
    /// Writes text to standard output as is.
    public static func outRaw(_ text: String) { write(text, to: FileHandle.standardOutput) }
    /// Writes a line to standard error.
    public static func err(_ line: String) { write(line + "\n", to: FileHandle.standardError) }

    static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}
