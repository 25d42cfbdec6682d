import Foundation

/// The stand-in for the skupper-router image: a root file system with busybox-static and `/bin/router`, a
/// script that prints `$QDROUTERD_CONF` and its contents, then sleeps until SIGTERM.
public enum StandinRouter {
    /// The script run as the image's command.
    public static let script = """
        #!/bin/sh
        echo "standin router: QDROUTERD_CONF=$QDROUTERD_CONF SKUPPER_SITE_ID=$SKUPPER_SITE_ID"
        echo "--- config begin"
        cat "$QDROUTERD_CONF"
        echo
        echo "--- config end"
        ls /etc/skupper-router/runtime/certs
        trap 'echo "standin router: stopping"; exit 0' TERM INT
        while :; do sleep 1 & wait $!; done

        """

    /// Writes the root file system (`/bin/busybox`, its applet links for sh, cat, ls, sleep, and `/bin/router`).
    public static func writeRootfs(to root: URL, busybox: String = "/bin/busybox") throws {
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for directory in ["tmp", "etc", "proc", "sys", "dev"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        let target = bin.appendingPathComponent("busybox")
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(atPath: busybox, toPath: target.path)
        for applet in ["sh", "cat", "ls", "sleep", "echo"] {
            try? FileManager.default.removeItem(at: bin.appendingPathComponent(applet))
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let router = bin.appendingPathComponent("router")
        try script.write(to: router, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: router.path)
    }
}
