import Foundation

/// The real skupper-router 3.5.1 container image, built by `scripts/build-router-image.sh` from the router built for
/// /usr (the same build the skupper-router .deb packages).
public enum RouterImage {
    /// The image's name in every engine.
    public static let name = "localhost/skupper-router:3.5.1"

    /// Builds (or finds) the image in an engine; returns its name.
    public static func build(engine: String, arguments: [String], environment: [String: String] = [:]) throws -> String {
        let script = Repository.path("scripts/build-router-image.sh")
        let env = environment.map { "\($0.key)=\($0.value)" }
        let result = try run(["env"] + env + ["bash", script, "--engine", engine, "--tag", name, "--"] + arguments)
        guard result.status == 0 else { throw TestFailure("scripts/build-router-image.sh failed: \(result.output.suffix(4000))") }
        return name
    }
}
