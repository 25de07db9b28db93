/// LZWDecode (ISO 32000-1, 7.4.4): variable-width codes from 9 to 12 bits, clear (256) and
/// end (257) codes, and the `EarlyChange` parameter.
enum LZWDecoder {
    static func decode(_ input: ArraySlice<UInt8>, earlyChange: Bool = true, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        // The table as (prefix code, last byte, length); entries 0...255 are single bytes.
        var prefix = [Int](repeating: -1, count: 4096)
        var suffix = [UInt8](repeating: 0, count: 4096)
        var length = [Int](repeating: 1, count: 4096)
        for i in 0..<256 { suffix[i] = UInt8(i) }
        var next = 258
        var width = 9
        var previous = -1
        var buffer = 0, bits = 0
        var index = input.startIndex
        var scratch: [UInt8] = []

        func emit(_ code: Int) -> UInt8 {
            // Writes the string for `code` and returns its first byte.
            scratch.removeAll(keepingCapacity: true)
            var c = code
            var guardSteps = 0
            while c >= 0, guardSteps < 4096 {
                scratch.append(suffix[c])
                c = prefix[c]
                guardSteps += 1
            }
            out.append(contentsOf: scratch.reversed())
            return scratch.last ?? 0
        }

        while true {
            while bits < width, index < input.endIndex {
                buffer = (buffer << 8) | Int(input[index])
                index += 1
                bits += 8
            }
            guard bits >= width else { break }
            let code = (buffer >> (bits - width)) & ((1 << width) - 1)
            bits -= width
            buffer &= (1 << bits) - 1
            if code == 256 {
                next = 258; width = 9; previous = -1
                continue
            }
            if code == 257 { break }
            if previous < 0 {
                guard code < 256 else { break }
                _ = emit(code)
                previous = code
                continue
            }
            let first: UInt8
            if code < next {
                first = emit(code)
                if next < 4096 {
                    prefix[next] = previous; suffix[next] = first; length[next] = length[previous] + 1
                    next += 1
                }
            } else if code == next, next < 4096 {
                // The code being defined: the previous string plus its own first byte.
                let start = out.count
                let f = emit(previous)
                _ = start
                out.append(f)
                prefix[next] = previous; suffix[next] = f; length[next] = length[previous] + 1
                next += 1
            } else {
                break // a code from nowhere: damaged data
            }
            previous = code
            guard out.count <= limit else { throw PDFError.limit("a stream decodes to more than \(limit >> 20) MiB") }
            let threshold = next + (earlyChange ? 1 : 0)
            if threshold >= 512, width == 9 { width = 10 }
            if threshold >= 1024, width == 10 { width = 11 }
            if threshold >= 2048, width == 11 { width = 12 }
        }
        return out
    }
}
