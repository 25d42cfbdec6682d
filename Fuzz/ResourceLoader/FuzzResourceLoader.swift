import Foundation
import Resources

/// libFuzzer's entry: `ResourceLoader.parse` must answer any bytes with resources or a located error, never
/// crash or hang (libFuzzer's `-timeout` turns a hang into a failure); so must `StatusDocument.parse` (the CLI and a
/// restart read status files, which another program may have written), whose own reader takes the agent's files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResourceLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    do {
        let contents = try ResourceLoader.parse(bytes, file: "fuzz.yaml")
        for warning in contents.warnings { check(warning) }
    } catch {
        check(error)
    }
    _ = try? StatusDocument.parse(String(decoding: bytes, as: UTF8.self))
    return 0
}

/// An error must name the file and a document, and say something.
func check(_ error: ResourceError) {
    guard error.location.file == "fuzz.yaml", error.location.document >= 1, !error.message.isEmpty else {
        fatalError("the loader gave an error without a usable location or message: \(error)")
    }
}
