import ArgumentParser

/// `skupper network`: the sites and services of the whole network, as this site's agent sees them.
public struct NetworkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Show information about the sites and services included in the network.",
        discussion: """
            The network is read from the network status the skupperd agent writes \
            (<config-dir>/runtime/resources/ConfigMap-skupper-network-status.yaml), as Skupper v2's controller writes it.
            """,
        subcommands: [NetworkStatus.self])

    public init() {}
}
