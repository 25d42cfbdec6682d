import ArgumentParser
import Foundation
import Resources

/// `--wait` and `--timeout` for commands that change a resource: whether to wait for the agent's status.
public struct WaitOptions: ParsableArguments {
    /// What to wait for.
    public enum Target: String, ExpressibleByArgument, CaseIterable, Sendable {
        case none, configured, ready
    }

    @Option(help: "Wait for the given status before exiting. Choices: configured, ready, none.")
    public var wait: Target = .none

    @Option(help: "Raise an error if the status is not reached in this period of time (e.g. 60s, 2m).")
    public var timeout: DurationArgument = DurationArgument(GoDuration(seconds: 60))

    public init() {}

    /// Fails at once when waiting is asked for and no agent runs (nothing would write the status): call before
    /// writing anything.
    public func check(_ agent: AgentCheck) throws {
        guard wait != .none else { return }
        try agent.requireRunning(for: "write the status to wait for")
    }

    /// Waits as asked for the status of `id`, printing "Waiting for status..." and `<Kind> "<name>" is ready.`
    public func run(_ site: SiteDirectory, _ id: ResourceID) throws {
        guard wait != .none else { return }
        Console.out("Waiting for status...")
        let reached = try site.wait(for: id, timeout: timeout.seconds) { document -> Bool? in
            guard let status = document?.status else { return nil }
            switch (status.phase, wait) {
            case (.error, _): throw CLIError("\(id.kind.rawValue) \"\(id.name)\" is not \(wait.rawValue): \(status.message)")
            case (.ready, _), (.pending, .configured): return true
            default: return nil
            }
        }
        guard reached != nil else {
            let message = site.status(id)?.status.message ?? SiteDirectory.noStatusMessage
            throw CLIError("\(id.kind.rawValue) \"\(id.name)\" is not yet \(wait.rawValue) after \(timeout.duration.inWords): \(message)")
        }
        Console.out("\(id.kind.rawValue) \"\(id.name)\" is \(wait.rawValue).")
    }
}
