import Foundation
import Platforms
import Resources
import SiteFiles

/// What the command line can tell of the namespace's agent from its lock, and what to tell a user who needs one:
/// statuses that are only the last thing an agent wrote are shown as such, commands that wait for an agent fail at
/// once when none runs, and every piece of advice names a command that works in the user's setup.
public struct AgentCheck: Sendable {
    public let layout: SiteLayout
    public let namespace: String
    /// Whether the directory was named (--config-dir, $SKUPPER_CONFIG_DIR) rather than found from the namespace.
    public let namedDirectory: Bool

    public init(layout: SiteLayout, namespace: String, namedDirectory: Bool) {
        self.layout = layout
        self.namespace = namespace
        self.namedDirectory = namedDirectory
    }

    /// The agent as its lock tells.
    public var presence: AgentLock.Presence { AgentLock.presence(layout) }

    /// Whether systemd runs this machine (as `sd_booted` tells: /run/systemd/system exists).
    public static var systemdRuns: Bool { FileManager.default.fileExists(atPath: "/run/systemd/system") }

    /// Whether the agent's template unit is installed for `scope` (by the package or by `skupper system install`).
    public static func unitInstalled(_ scope: SystemdScope) -> Bool {
        AgentUnit.packaged(scope) != nil
            || FileManager.default.fileExists(atPath: scope.unitDirectory().appendingPathComponent(AgentUnit.templateName).path)
    }

    /// ` -n <ns>` when the namespace is not the default one, ` --config-dir <dir>` when the directory was named.
    public var selection: String {
        if namedDirectory { return " --config-dir \(layout.root.path)" }
        return namespace == "default" ? "" : " -n \(namespace)"
    }

    /// The command that starts the agent in this setup: the service when systemd runs and the unit is installed,
    /// else skupperd itself (which runs the router as its child).
    public var startCommand: String {
        if Self.systemdRuns && Self.unitInstalled(.current) && !namedDirectory {
            return "skupper system start" + selection
        }
        return "skupperd" + (namedDirectory ? " --config-dir \(layout.root.path)" : namespace == "default" ? "" : " --namespace \(namespace)")
    }

    /// Throws when this user cannot read the namespace's agent state (a site of root's read as another user).
    public func requireReadable() throws {
        if case .unreadable(let path, let reason) = presence {
            throw CLIError(
                "permission denied: \(path) cannot be read (\(reason)); \(PathOwner.describe(path))",
                hints: ["Run the command as that user (for root's site: sudo skupper ...), or use a site of your own with --config-dir DIR."])
        }
    }

    /// How long a command that needs the agent gives one that is starting (started just before it, by a script).
    public static let startingGrace: TimeInterval = 1.5

    /// Throws, within `startingGrace`, when no agent runs the namespace: nothing would answer what `what` waits for.
    public func requireRunning(for what: String) throws {
        try requireReadable()
        let deadline = Date().addingTimeInterval(Self.startingGrace)
        while presence != .held && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard presence == .held else {
            throw CLIError(
                "the agent is not running for namespace \"\(namespace)\" (\(layout.root.path)): nothing would \(what)",
                hints: ["Start it: \(startCommand)"])
        }
    }

    /// A status as it may be shown: the agent's own while it runs; otherwise Pending, saying that the agent is not
    /// running (with what it reported last) and how to start it. `presence`: the lock asked once for many statuses.
    public func shown(_ document: StatusDocument?, id: ResourceID, presence: AgentLock.Presence? = nil) -> StatusDocument {
        var document = document ?? StatusDocument(id: id, namespace: namespace, status: ResourceStatus(phase: .pending, message: SiteDirectory.noStatusMessage))
        switch presence ?? self.presence {
        case .held:
            return document
        case .free, .unreadable:
            let last =
                document.status.message == SiteDirectory.noStatusMessage
                ? "" : " (its last report: \(document.status.phase.rawValue): \(document.status.message))"
            document.status = ResourceStatus(
                phase: .pending, message: "the agent is not running\(last); start it: \(startCommand)",
                fields: document.status.fields)
            return document
        }
    }
}

/// Who owns a path, in words for a permission error.
enum PathOwner {
    /// "it belongs to root", from the path or the nearest directory above it that exists.
    static func describe(_ path: String) -> String {
        var url = URL(fileURLWithPath: path)
        var info = stat()
        while stat(url.path, &info) != 0 && url.path != "/" { url.deleteLastPathComponent() }
        let name = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
        return "\(url.path) belongs to \(name)"
    }
}
