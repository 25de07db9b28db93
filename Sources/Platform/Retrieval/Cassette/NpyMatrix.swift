import Foundation

/// A two-dimensional float32 array read from a NumPy `.npy` file.
///
/// Only what embedding cassettes need is supported, and everything else is rejected with a
/// ``CassetteError`` that says why: format version 1.0 or 2.0, `descr` `'<f4'`
/// (little-endian IEEE-754 float32), `fortran_order` `False` (row-major), and a 2-D `shape`.
/// The file must hold exactly `rows × columns × 4` bytes after the header.
///
/// ```swift
/// let matrix = try NpyMatrix(contentsOf: URL(filePath: "embeddings/vectors.npy"))
/// let first = matrix.row(0)  // `matrix.columns` floats
/// ```
public struct NpyMatrix: Sendable, Hashable {
    /// The number of rows (`shape[0]`).
    public let rows: Int
    /// The number of columns (`shape[1]`).
    public let columns: Int
    /// All values in row-major order, `rows × columns` of them.
    public let values: [Float]

    /// Creates a matrix from row-major values.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "NpyMatrix needs rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Reads a `.npy` file.
    ///
    /// - Throws: ``CassetteError`` with code `unreadableFile`, `malformedNpy` or `unsupportedNpy`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CassetteError(code: .unreadableFile, message: "cannot read \(url.path): \(error)")
        }
        try self.init(npyData: data, source: url.lastPathComponent)
    }

    /// Parses the bytes of a `.npy` file.
    ///
    /// - Parameters:
    ///   - npyData: The whole file.
    ///   - source: A name for error messages.
    /// - Throws: ``CassetteError`` with code `malformedNpy` or `unsupportedNpy`.
    public init(npyData: Data, source: String = ".npy data") throws {
        let bytes = [UInt8](npyData)
        func malformed(_ detail: String) -> CassetteError {
            CassetteError(code: .malformedNpy, message: "\(source): \(detail)")
        }
        func unsupported(_ detail: String) -> CassetteError {
            CassetteError(code: .unsupportedNpy, message: "\(source): \(detail)")
        }

        // Magic and version.
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw malformed("not a NumPy file (missing the \\x93NUMPY magic string)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        let headerStart: Int
        let headerLength: Int
        switch (major, minor) {
        case (1, 0):
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case (2, 0):
            guard bytes.count >= 12 else { throw malformed("truncated before the header length") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw unsupported("format version \(major).\(minor); only 1.0 and 2.0 are supported")
        }
        let dataStart = headerStart + headerLength
        guard dataStart <= bytes.count else {
            throw malformed("header of \(headerLength) bytes runs past the end of the file (\(bytes.count) bytes)")
        }
        guard let headerText = String(bytes: bytes[headerStart..<dataStart], encoding: .isoLatin1) else {
            throw malformed("header is not text")
        }
        let header: NpyHeader
        do {
            header = try NpyHeader(parsing: headerText)
        } catch let error as NpyHeader.ParseError {
            throw malformed("cannot parse header \(headerText.trimmingCharacters(in: .whitespacesAndNewlines)): \(error.reason)")
        }

        // Supported layout.
        guard header.descr == "<f4" else {
            throw unsupported("dtype '\(header.descr)'; only '<f4' (little-endian float32) is supported")
        }
        guard !header.fortranOrder else {
            throw unsupported("fortran_order is True; only C (row-major) order is supported")
        }
        guard header.shape.count == 2 else {
            throw unsupported("shape \(header.shape) has \(header.shape.count) dimensions; a 2-D array is required")
        }
        let (rows, columns) = (header.shape[0], header.shape[1])
        let (elements, overflow1) = rows.multipliedReportingOverflow(by: columns)
        let (byteCount, overflow2) = elements.multipliedReportingOverflow(by: 4)
        guard !overflow1, !overflow2 else { throw malformed("shape \(header.shape) is too large") }
        let available = bytes.count - dataStart
        guard available == byteCount else {
            throw malformed("shape (\(rows), \(columns)) needs \(byteCount) data bytes after the \(dataStart)-byte header, "
                + "but the file has \(available): the file is damaged or truncated")
        }

        var values = [Float](repeating: 0, count: elements)
        #if _endian(little)
        values.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[dataStart..<(dataStart + byteCount)]))
            }
        }
        #else
        bytes.withUnsafeBytes { source in
            for index in 0..<elements {
                let raw = source.loadUnaligned(fromByteOffset: dataStart + index * 4, as: UInt32.self)
                values[index] = Float(bitPattern: UInt32(littleEndian: raw))
            }
        }
        #endif
        self.init(rows: rows, columns: columns, values: values)
    }

    /// The values of row `index`.
    public func row(_ index: Int) -> [Float] {
        precondition(index >= 0 && index < rows, "row \(index) is outside 0..<\(rows)")
        return Array(values[index * columns ..< (index + 1) * columns])
    }
}
