import Foundation
import Testing
@testable import Retrieval

@Suite struct NpyMatrixTests {
    @Test func readsVersion1Float32Matrix() throws {
        let data = NpyFixture.matrix(rows: 2, columns: 3, values: [1, 2, 3, -4.5, 0, .greatestFiniteMagnitude])
        #expect(data.count == 128 + 24)  // 10-byte prefix + header padded to a multiple of 64, as NumPy does
        let matrix = try NpyMatrix(npyData: data)
        #expect(matrix.rows == 2 && matrix.columns == 3)
        #expect(matrix.row(0) == [1, 2, 3])
        #expect(matrix.row(1) == [-4.5, 0, .greatestFiniteMagnitude])
    }

    @Test func readsVersion2AndHeaderVariants() throws {
        let v2 = NpyFixture.matrix(rows: 1, columns: 2, values: [0.25, 0.5], version: 2)
        #expect(try NpyMatrix(npyData: v2).values == [0.25, 0.5])
        // Keys in another order, double quotes, no trailing comma, no padding alignment.
        let reordered = NpyFixture.bytes(header: "{\"shape\": (2, 1), \"fortran_order\": False, \"descr\": \"<f4\"}",
                                          values: [7, 8], padTo: 1)
        let matrix = try NpyMatrix(npyData: reordered)
        #expect(matrix.rows == 2 && matrix.columns == 1 && matrix.values == [7, 8])
        let empty = NpyFixture.matrix(rows: 0, columns: 384, values: [])
        #expect(try NpyMatrix(npyData: empty).rows == 0)
    }

    static let invalid: [(String, Data, CassetteError.Code)] = [
        ("empty", Data(), .malformedNpy),
        ("bad magic", Data("XNUMPY\u{1}\u{0}\u{0}\u{0}".utf8), .malformedNpy),
        ("version 3.0", { var d = NpyFixture.matrix(rows: 1, columns: 1, values: [1]); d[6] = 3; return d }(), .unsupportedNpy),
        ("float64", NpyFixture.bytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", values: [1, 2]), .unsupportedNpy),
        ("big endian", NpyFixture.bytes(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", values: [1]), .unsupportedNpy),
        ("fortran order", NpyFixture.bytes(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", values: [1]), .unsupportedNpy),
        ("one dimension", NpyFixture.bytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", values: [1, 2, 3]), .unsupportedNpy),
        ("truncated data", NpyFixture.bytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", values: [1, 2, 3]), .malformedNpy),
        ("trailing data", NpyFixture.bytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", values: [1, 2, 3]), .malformedNpy),
        ("missing key", NpyFixture.bytes(header: "{'descr': '<f4', 'shape': (1, 1), }", values: [1]), .malformedNpy),
        ("extra key", NpyFixture.bytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), 'x': 1}", values: [1]), .malformedNpy),
        ("not a dict", NpyFixture.bytes(header: "descr=<f4", values: [1]), .malformedNpy),
        ("header too long", { var d = NpyFixture.matrix(rows: 1, columns: 1, values: [1]); d[8] = 0xFF; d[9] = 0xFF; return d }(), .malformedNpy),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidFilesWithClearErrors(name: String, data: Data, code: CassetteError.Code) {
        do {
            _ = try NpyMatrix(npyData: data, source: "test.npy")
            Issue.record("\(name): expected an error")
        } catch let error as CassetteError {
            #expect(error.code == code, "\(name): \(error)")
            #expect(error.message.hasPrefix("test.npy: "))
        } catch {
            Issue.record("\(name): unexpected error \(error)")
        }
    }

    @Test func errorNamesTheProblem() {
        let data = NpyFixture.bytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", values: [1, 2])
        #expect(throws: CassetteError.self) { try NpyMatrix(npyData: data) }
        do {
            _ = try NpyMatrix(npyData: data)
        } catch {
            #expect("\(error)".contains("'<f8'"))
        }
    }
}
