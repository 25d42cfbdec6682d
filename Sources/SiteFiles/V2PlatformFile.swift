import FoundationEssentials

/// `internal/platform.yaml`, where Skupper v2 records which platform runs a namespace (`platform: podman`, `docker`
/// or `linux`): v2's `system stop`, `reload` and `debug` read it to find the site's router.
public enum V2PlatformFile {
    public static func url(_ layout: SiteLayout) -> URL { layout.root.appendingPathComponent("internal/platform.yaml") }

    /// v2's name for a platform: its router runs in a container of that engine, or as a process on the host (`linux`);
    /// nil for rendering only.
    public static func v2Name(_ kind: PlatformKind) -> String? {
        switch kind {
        case .docker: "docker"
        case .podman: "podman"
        case .linux, .systemd, .process: "linux"
        case .render: nil
        }
    }

    /// Writes it for `kind` (unchanged files are left alone).
    public static func write(_ layout: SiteLayout, platform kind: PlatformKind) throws {
        guard let name = v2Name(kind) else { return }
        let file = url(layout)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try AtomicFile.write("platform: \(name)\n", to: file, mode: 0o644)
    }
}
