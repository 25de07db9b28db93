import CompressNIO
import NIOCore

/// FlateDecode (zlib, RFC 1950/1951) through compress-nio's zlib, keeping whatever comes out
/// before a damaged or truncated part, as PDF readers do; streams without the zlib header
/// are read as raw deflate.
enum FlateDecoder {
    static func decode(_ input: ArraySlice<UInt8>, limit: Int) throws -> [UInt8] {
        guard !input.isEmpty else { return [] }
        let hasHeader = input.count >= 2 && input[input.startIndex] & 0x0F == 8
            && (UInt16(input[input.startIndex]) << 8 | UInt16(input[input.startIndex + 1])) % 31 == 0
        let (out, failedAtOnce) = try inflate(input, algorithm: hasHeader ? .zlib : .deflate, limit: limit)
        if failedAtOnce, hasHeader {
            // A header that only looks right: try raw deflate after it.
            return try inflate(input.dropFirst(2), algorithm: .deflate, limit: limit).output
        }
        return out
    }

    /// Inflates until the end of the stream, the end of the input or damage; `failedAtOnce`
    /// is true when damage came before any output.
    private static func inflate(_ input: ArraySlice<UInt8>, algorithm: ZlibAlgorithm, limit: Int) throws -> (output: [UInt8], failedAtOnce: Bool) {
        guard !input.isEmpty else { return ([], false) }
        let decompressor = try ZlibDecompressor(algorithm: algorithm)
        var source = ByteBuffer(bytes: input)
        var window = ByteBufferAllocator().buffer(capacity: 1 << 16)
        var out: [UInt8] = []
        while source.readableBytes > 0 {
            window.clear()
            let before = source.readableBytes
            var done = false
            do {
                // A normal return is the end of the stream, or of the input.
                try decompressor.inflate(from: &source, to: &window)
                done = true
            } catch let e as CompressNIOError where e == .bufferOverflow {
                done = false
            } catch {
                // Truncated input or damaged data: keep what came before it.
                out.append(contentsOf: window.readableBytesView)
                return (out, out.isEmpty && error as? CompressNIOError == .corruptData)
            }
            out.append(contentsOf: window.readableBytesView)
            guard out.count <= limit else { throw PDFError.limit("a stream inflates to more than \(limit >> 20) MiB") }
            if done || (window.readableBytes == 0 && source.readableBytes == before) { break }
        }
        return (out, false)
    }
}
