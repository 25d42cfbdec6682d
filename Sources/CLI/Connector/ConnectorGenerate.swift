import ArgumentParser
import Resources

/// `skupper connector generate <name> <port>`: prints a Connector without writing it.
public struct ConnectorGenerate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a connector resource and output it to the screen.")

    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var settings: ConnectorSettings
    @Option(name: .shortAndLong, help: "Output format. Choices: yaml, json.") public var output: OutputFormat = .yaml

    public init() {}

    public func run() throws { Console.outRaw(Rendering.resources([settings.resource], output)) }
}
