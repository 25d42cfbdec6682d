import ArgumentParser
import Resources

/// `skupper listener generate <name> <port>`: prints a Listener without writing it.
public struct ListenerGenerate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a listener resource and output it to the screen.")

    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var settings: ListenerSettings
    @Option(name: .shortAndLong, help: "Output format. Choices: yaml, json.") public var output: OutputFormat = .yaml

    public init() {}

    public func run() throws { Console.outRaw(Rendering.resources([settings.resource], output)) }
}
