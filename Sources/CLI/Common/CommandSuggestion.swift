import ArgumentParser

/// "Did you mean" for a mistyped subcommand, as Skupper v2's command line (cobra) answers one: the unknown word, the
/// command it was given to, and the nearest names.
enum CommandSuggestion {
    /// The error for the first word of `arguments` that names no subcommand where one is expected, if there is one.
    static func unknownCommand(in arguments: [String], root: any ParsableCommand.Type) -> CLIError? {
        var command = root
        var path = [root.configuration.commandName ?? "skupper"]
        for word in arguments {
            if word.hasPrefix("-") { return nil }  // options: argument-parser's own errors say what is wrong
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            if let next = subcommands.first(where: { names($0).contains(word) }) {
                command = next
                path.append(next.configuration.commandName ?? word)
                continue
            }
            if word == "help" { return nil }
            let candidates = subcommands.flatMap(names).filter { distance($0, word) <= max(2, word.count / 3) || $0.hasPrefix(word) }
            var hints = candidates.isEmpty ? [] : ["", "Did you mean this?"] + candidates.map { "\t\($0)" }
            hints += ["", "Run '\(path.joined(separator: " ")) --help' for usage."]
            return CLIError("unknown command \"\(word)\" for \"\(path.joined(separator: " "))\"", hints: hints)
        }
        return nil
    }

    static func names(_ command: any ParsableCommand.Type) -> [String] {
        [command.configuration.commandName].compactMap { $0 } + command.configuration.aliases
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
