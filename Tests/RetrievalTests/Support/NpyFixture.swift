import Foundation

/// Builds `.npy` bytes by hand, independently of the reader under test.
enum NpyFixture {
    /// A version 1.0 (or 2.0) file with the given header dict and raw little-endian float32 data.
    static func bytes(header: String, values: [Float], version: UInt8 = 1, padTo alignment: Int = 64) -> Data {
        let prefixLength = version == 1 ? 10 : 12
        var text = header
        // Pad with spaces so that the data start is aligned, and end with a newline, as NumPy does.
        let unpadded = prefixLength + text.utf8.count + 1
        let padding = (alignment - unpadded % alignment) % alignment
        text += String(repeating: " ", count: padding) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0])
        let length = text.utf8.count
        if version == 1 {
            data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            data.append(contentsOf: [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)])
        }
        data.append(contentsOf: Array(text.utf8))
        for value in values {
            let bits = value.bitPattern.littleEndian
            data.append(contentsOf: [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)])
        }
        return data
    }

    /// A well-formed float32 matrix file.
    static func matrix(rows: Int, columns: Int, values: [Float], version: UInt8 = 1) -> Data {
        bytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }", values: values, version: version)
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "retrieval-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
