internal import CLZ4

/// Text kept LZ4-compressed. The runs of entities of a large `skrouterd.json` take about a tenth of their size this
/// way, and are unpacked only to be changed or written (liblz4 unpacks more than a gigabyte a second).
public struct PackedText: Sendable {
    /// The compressed bytes, or the text's own where compressing did not make it smaller.
    private let bytes: [UInt8]
    /// Whether `bytes` are compressed.
    private let compressed: Bool
    /// The text's length in UTF-8 bytes.
    public let count: Int

    public init(_ text: String) {
        var text = text
        (bytes, compressed, count) = text.withUTF8 { source -> ([UInt8], Bool, Int) in
            guard source.count > 0, source.count <= Int(LZ4_MAX_INPUT_SIZE) else { return (Array(source), false, source.count) }
            let bound = Int(LZ4_compressBound(Int32(source.count)))
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: bound, alignment: 1)
            defer { scratch.deallocate() }
            let size = source.withMemoryRebound(to: CChar.self) { input in
                Int(LZ4_compress_default(input.baseAddress, scratch.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(input.count), Int32(bound)))
            }
            guard size > 0, size < source.count else { return (Array(source), false, source.count) }
            // Copied out at its size: the scratch buffer is the worst case's.
            return (Array(UnsafeRawBufferPointer(rebasing: scratch[..<size])), true, source.count)
        }
    }

    /// The memory the packed text holds (its bytes).
    public var packedCount: Int { bytes.count }

    /// The text.
    public var text: String {
        guard compressed else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: count) { output in unpack(into: UnsafeMutableRawBufferPointer(output)) }
    }

    /// Calls `body` with the text's UTF-8 bytes, unpacked into a buffer of their own for the call.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard compressed else { return try bytes.withUnsafeBytes(body) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        return try body(UnsafeRawBufferPointer(rebasing: buffer[..<unpack(into: buffer)]))
    }

    /// Unpacks the text into `output` (at least `count` bytes); returns `count`.
    private func unpack(into output: UnsafeMutableRawBufferPointer) -> Int {
        let size = bytes.withUnsafeBytes { input in
            Int(
                LZ4_decompress_safe(
                    input.baseAddress!.assumingMemoryBound(to: CChar.self), output.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(input.count), Int32(count)))
        }
        // Only this type's initializer packs these bytes: anything else is memory gone wrong, not input.
        precondition(size == count, "PackedText: liblz4 did not unpack what it packed (\(size) of \(count) bytes)")
        return size
    }
}
