import ArgumentParser

/// `skupper system teardown`: Skupper 2.0's name for removing the namespace's site, kept for users of its docs. Here it
/// is `skupper system uninstall --force`.
public struct SystemTeardown: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "teardown",
        abstract: "Remove the Skupper components and resources from the current namespace",
        discussion: """
            Skupper 2.0's command (2.1 folded it into `system stop`): stops the namespace's agent and router and \
            deletes its input/ and runtime/ directories. Here it runs `skupper system uninstall --force`, which also \
            disables the agent's unit. To stop the site and keep its files, use `skupper system stop`.
            """)

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        Console.out("Note: teardown is Skupper 2.0's name; here it is `skupper system uninstall --force`")
        var uninstall = SystemUninstall()
        uninstall.options = options
        uninstall.force = true
        try uninstall.run()
    }
}
