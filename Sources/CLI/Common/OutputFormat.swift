import ArgumentParser

/// How `status` and `generate` print resources.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case yaml, json
}
