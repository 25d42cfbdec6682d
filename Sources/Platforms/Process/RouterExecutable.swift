import FoundationEssentials

/// Where skrouterd is: given, else `$SKUPPER_ROUTER_PATH`, else on the `PATH`, else `/usr/sbin` (the skupper-router
/// package), else the prefix `scripts/build-router.sh` installs into.
public enum RouterExecutable {
    /// The router version the project builds, and Skupper's default image pins.
    public static let version = "3.5.1"

    public static func find(_ given: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let given, !given.isEmpty { return URL(fileURLWithPath: given) }
        if let path = environment["SKUPPER_ROUTER_PATH"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var candidates: [String] = []
        for directory in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(directory)/skrouterd") }
        candidates += ["/usr/sbin/skrouterd", "/usr/local/sbin/skrouterd"]
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { "\($0)/.cache" }
        if let cache { candidates.append("\(cache)/skupper-local/skupper-router-\(version)/sbin/skrouterd") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }

    /// What to tell a user who has no router.
    public static let missing =
        "skrouterd (skupper-router) is not installed: install the skupper-router package (packaging/build-router-deb.sh makes it) or run scripts/build-router.sh, give its path with --router-path, or choose --platform render to only write the configuration"
}
