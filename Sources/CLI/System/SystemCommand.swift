import ArgumentParser

/// `skupper system`: the agent's service on this machine, as Skupper v2's `skupper system` group.
public struct SystemCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "non-kubernetes sites are static and Custom Resources need to be provided.",
        discussion: """
            Non-kubernetes sites can be created using the standard V2 site declaration approach, which is based on \
            the new set of Custom Resource Definitions (CRDs). Here the skupperd agent renders and runs the site; \
            these commands install, start, stop, reload and report it as the systemd service skupperd@<namespace>.service, \
            and apply or delete the resources it reads.
            """,
        subcommands: [
            SystemInstall.self, SystemUninstall.self, SystemStart.self, SystemStop.self, SystemReload.self, SystemStatus.self,
            SystemApply.self, SystemDelete.self, SystemTeardown.self, SystemGenerateBundle.self, SystemInstallBundle.self,
        ])

    public init() {}
}
