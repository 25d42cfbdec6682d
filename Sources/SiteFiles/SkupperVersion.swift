/// This build's version, one string for `skupperd --version`, `skupper version` and the router's metadata.
public enum SkupperVersion {
    public static let current = "2.1.0-local.0.1.0"
    /// The Skupper v2 release whose resources, files and commands this build follows.
    public static let follows = "2.2.1"
    /// How `--version` and `skupper version` say it.
    public static var description: String { "\(current) (skupper-local, follows Skupper \(follows))" }
}
