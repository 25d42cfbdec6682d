#if canImport(Glibc)
    import Glibc
#endif

/// The user's home directory: `$HOME` when set, else the password database's (as Foundation's NSHomeDirectory did).
public enum UserHome {
    public static func path(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return getpwuid(getuid()).map { String(cString: $0.pointee.pw_dir) } ?? "/"
    }
}
