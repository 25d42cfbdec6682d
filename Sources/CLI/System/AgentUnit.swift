import Foundation
import HostSupport
import Platforms

/// The agent's own unit, `skupperd@<namespace>.service`: where it is installed and what `skupper system install`
/// writes when no package installed it. The texts are the repository's units/skupperd@.service and
/// units/user/skupperd@.service (a test keeps them equal).
public enum AgentUnit {
    /// The template unit's file name.
    public static let templateName = "skupperd@.service"

    /// `skupperd@<namespace>.service`.
    public static func name(namespace: String) -> String { "skupperd@\(namespace).service" }

    /// Where packages install units (searched before writing one of our own).
    public static func packageDirectories(_ scope: SystemdScope) -> [URL] {
        switch scope {
        case .system: return ["/lib/systemd/system", "/usr/lib/systemd/system"].map { URL(fileURLWithPath: $0) }
        case .user: return ["/usr/lib/systemd/user", "/lib/systemd/user"].map { URL(fileURLWithPath: $0) }
        }
    }

    /// The packaged template unit, if a package installed one.
    public static func packaged(_ scope: SystemdScope) -> URL? {
        packageDirectories(scope).map { $0.appendingPathComponent(templateName) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The environment file the unit reads for one namespace (SKUPPER_PLATFORM, SKUPPERD_OPTIONS).
    public static func environmentFile(_ scope: SystemdScope, namespace: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        switch scope {
        case .system:
            return URL(fileURLWithPath: "/etc/default/skupperd-\(namespace)")
        case .user:
            return URL(fileURLWithPath: UserHome.path(environment: environment)).appendingPathComponent(".config/skupperd-\(namespace).env")
        }
    }

    /// The template text for a scope, with the agent's path put in.
    public static func text(_ scope: SystemdScope, skupperd: String = installedPath) -> String {
        let template = scope == .system ? systemTemplate : userTemplate
        // The literals drop the files' final newline.
        return template.replacingOccurrences(of: "ExecStart=\(installedPath) ", with: "ExecStart=\(skupperd) ") + "\n"
    }

    /// Where the package installs the agent.
    public static let installedPath = "/usr/bin/skupperd"

    /// units/skupperd@.service
    public static let systemTemplate = """
        # The skupper-local site agent for namespace %i, run by the system manager:
        #   systemctl enable --now skupperd@west
        # Resources go in /var/lib/skupper/namespaces/%i/input/resources.
        [Unit]
        Description=Skupper site agent (namespace %i)
        Documentation=file:///usr/share/doc/skupper-local/README.md
        After=network-online.target docker.service docker.socket podman.socket
        Wants=network-online.target

        [Service]
        Type=notify
        NotifyAccess=main
        Environment=SKUPPER_PLATFORM=linux
        EnvironmentFile=-/etc/default/skupperd
        EnvironmentFile=-/etc/default/skupperd-%i
        ExecStart=/usr/bin/skupperd --namespace %i --platform ${SKUPPER_PLATFORM} $SKUPPERD_OPTIONS
        # The shell's own kill: /bin/kill (procps) is missing on minimal systems.
        ExecReload=/bin/sh -c "kill -HUP ${MAINPID}"
        WatchdogSec=30s
        TimeoutStartSec=90s
        Restart=on-failure
        RestartSec=2s
        # 64: a usage error (fix the options first); 75: another agent holds the namespace. Neither is retried.
        RestartPreventExitStatus=64 75
        # Descriptors for the router management, status files and child processes, and the capped connections of the grant
        # server and the metrics endpoint (skupperd shares them out and warns below 4096).
        LimitNOFILE=16384
        StateDirectory=skupper
        StateDirectoryMode=0755
        NoNewPrivileges=yes
        # Hardening (systemd-analyze security: 6.2 before, see README). The agent runs as root because the linux/systemd
        # platform asks PID 1 to manage the router's unit, which only root may do without a polkit rule; it needs no
        # capability beyond root's ownership of its files, the engines' sockets (root:docker 0660) and /etc/systemd/system,
        # except binding ports below 1024 (a Listener may ask for one when the router is the agent's child).
        # For the docker or podman platform it can run as a system user instead: see
        # /usr/share/doc/skupper-local/examples/skupperd-unprivileged.conf (a drop-in).
        CapabilityBoundingSet=CAP_NET_BIND_SERVICE
        AmbientCapabilities=
        ProtectSystem=strict
        # The systemd/linux platform writes the router unit skupper-<namespace>.service here.
        ReadWritePaths=-/etc/systemd/system
        ProtectHome=yes
        PrivateTmp=yes
        PrivateDevices=yes
        DevicePolicy=closed
        PrivateMounts=yes
        ProtectKernelTunables=yes
        ProtectKernelModules=yes
        ProtectKernelLogs=yes
        ProtectControlGroups=yes
        ProtectClock=yes
        ProtectHostname=yes
        ProtectProc=invisible
        ProcSubset=pid
        RestrictSUIDSGID=yes
        RestrictRealtime=yes
        RestrictNamespaces=yes
        LockPersonality=yes
        MemoryDenyWriteExecute=yes
        RemoveIPC=yes
        # AF_NETLINK: the network interfaces' addresses (the grant server's default host).
        RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
        SystemCallArchitectures=native
        SystemCallFilter=@system-service
        SystemCallFilter=~@privileged @resources
        SystemCallErrorNumber=EPERM
        UMask=0022

        [Install]
        WantedBy=multi-user.target
        """

    /// units/user/skupperd@.service
    public static let userTemplate = """
        # The skupper-local site agent for namespace %i, run by a user's manager:
        #   systemctl --user enable --now skupperd@west
        [Unit]
        Description=Skupper site agent (namespace %i, user)
        Documentation=file:///usr/share/doc/skupper-local/README.md
        # The default platform is process (the router as the agent's child, as skupperd's own default); for podman, its
        # API socket first.
        After=podman.socket

        [Service]
        Type=notify
        NotifyAccess=main
        Environment=SKUPPER_PLATFORM=process
        EnvironmentFile=-%h/.config/skupperd.env
        EnvironmentFile=-%h/.config/skupperd-%i.env
        ExecStart=/usr/bin/skupperd --namespace %i --platform ${SKUPPER_PLATFORM} $SKUPPERD_OPTIONS
        # The shell's own kill: /bin/kill (procps) is missing on minimal systems.
        ExecReload=/bin/sh -c "kill -HUP ${MAINPID}"
        WatchdogSec=30s
        TimeoutStartSec=90s
        Restart=on-failure
        RestartSec=2s
        # 64: a usage error (fix the options first); 75: another agent holds the namespace. Neither is retried.
        RestartPreventExitStatus=64 75
        # Descriptors for the router management, status files and child processes, and the capped connections of the grant
        # server and the metrics endpoint (skupperd shares them out and warns below 4096).
        LimitNOFILE=16384
        NoNewPrivileges=yes
        LockPersonality=yes
        RestrictRealtime=yes

        [Install]
        WantedBy=default.target
        """
}
