import Foundation
import Resources
import TestSupport
import Testing

/// Helpers for the CLI tests: run `skupper` against a site directory and read what it wrote.
extension TemporarySite {
    /// Runs the real `skupper` binary with this site's `--config-dir`.
    func skupper(_ arguments: String..., timeout: TimeInterval = 120) throws -> CLIResult {
        try SkupperCLI.run(arguments, site: self, timeout: timeout)
    }

    /// Runs the real `skupper` binary with this site's `--config-dir`, `input` as its standard input.
    func skupper(_ arguments: String..., input: String, environment: [String: String] = [:]) throws -> CLIResult {
        try SkupperCLI.run(arguments, site: self, environment: environment, input: input)
    }

    /// The resources in one input file.
    func inputResources(_ file: String) throws -> [Resource] {
        try ResourceLoader.load(contentsOf: layout.inputResources.appendingPathComponent(file), displayName: file).resources
    }

    /// The names of the files in input/resources.
    var inputFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: layout.inputResources.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
