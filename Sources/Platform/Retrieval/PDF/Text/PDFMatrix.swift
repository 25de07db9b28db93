/// An affine transform as PDF writes it, `[a b c d e f]` (ISO 32000-1, 8.3.4): points are
/// row vectors, `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
struct PDFMatrix: Equatable {
    var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0

    static let identity = PDFMatrix()

    init(a: Double = 1, b: Double = 0, c: Double = 0, d: Double = 1, e: Double = 0, f: Double = 0) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.f = f
    }

    /// From six numbers; nil unless there are six finite ones.
    init?(_ values: [Double]) {
        guard values.count == 6, values.allSatisfy(\.isFinite) else { return nil }
        self.init(a: values[0], b: values[1], c: values[2], d: values[3], e: values[4], f: values[5])
    }

    /// `self × other`: first this transform, then `other`.
    func concatenating(_ m: PDFMatrix) -> PDFMatrix {
        PDFMatrix(a: a * m.a + b * m.c, b: a * m.b + b * m.d,
                  c: c * m.a + d * m.c, d: c * m.b + d * m.d,
                  e: e * m.a + f * m.c + m.e, f: e * m.b + f * m.d + m.f)
    }

    func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (a * x + c * y + e, b * x + d * y + f) }

    /// A displacement: the linear part only.
    func applyToVector(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (a * x + c * y, b * x + d * y) }

    static func translation(_ x: Double, _ y: Double) -> PDFMatrix { PDFMatrix(e: x, f: y) }

    /// Device space for a page: y down from the top-left corner of its box, with the page's
    /// `/Rotate` applied, so that upright text reads left to right.
    static func page(box: [Double], rotate: Int) -> PDFMatrix {
        let x0 = min(box[0], box[2]), x1 = max(box[0], box[2]), y0 = min(box[1], box[3]), y1 = max(box[1], box[3])
        switch rotate {
        case 90: return PDFMatrix(a: 0, b: 1, c: 1, d: 0, e: -y0, f: -x0)
        case 180: return PDFMatrix(a: -1, b: 0, c: 0, d: 1, e: x1, f: -y0)
        case 270: return PDFMatrix(a: 0, b: -1, c: -1, d: 0, e: y1, f: x1)
        default: return PDFMatrix(a: 1, b: 0, c: 0, d: -1, e: -x0, f: y1)
        }
    }
}
