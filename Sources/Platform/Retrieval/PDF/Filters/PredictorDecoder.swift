/// Undoes the predictors that FlateDecode and LZWDecode streams may use (ISO 32000-1,
/// 7.4.4.4): TIFF predictor 2 (8-bit components) and the PNG filters (None, Sub, Up,
/// Average, Paeth; predictors 10–15, each row tagged with its own filter).
enum PredictorDecoder {
    struct Parameters: Equatable {
        var predictor = 1
        var colors = 1
        var bitsPerComponent = 8
        var columns = 1

        init(predictor: Int = 1, colors: Int = 1, bitsPerComponent: Int = 8, columns: Int = 1) {
            self.predictor = predictor; self.colors = colors; self.bitsPerComponent = bitsPerComponent; self.columns = columns
        }

        init(_ d: PDFDictionary?) {
            predictor = d?["Predictor"]?.integer ?? 1
            colors = d?["Colors"]?.integer ?? 1
            bitsPerComponent = d?["BitsPerComponent"]?.integer ?? 8
            columns = d?["Columns"]?.integer ?? 1
        }
    }

    static func decode(_ data: [UInt8], _ p: Parameters) -> [UInt8] {
        guard p.predictor > 1 else { return data }
        // Absurd parameters leave the data alone rather than allocate for them.
        guard (1...32).contains(p.colors), [1, 2, 4, 8, 16].contains(p.bitsPerComponent), (1...(1 << 20)).contains(p.columns) else { return data }
        let bitsPerPixel = p.colors * p.bitsPerComponent
        let bytesPerPixel = max(1, (bitsPerPixel + 7) / 8)
        // A row longer than the data holds at most one partial row: no need to allocate more.
        let rowLength = max(1, min((p.columns * bitsPerPixel + 7) / 8, data.count))
        if p.predictor == 2 {
            guard p.bitsPerComponent == 8 else { return data }
            var out = data
            var rowStart = 0
            while rowStart < out.count {
                let rowEnd = min(out.count, rowStart + rowLength)
                if rowStart + bytesPerPixel < rowEnd {
                    for i in (rowStart + bytesPerPixel)..<rowEnd { out[i] = out[i] &+ out[i - bytesPerPixel] }
                }
                rowStart += rowLength
            }
            return out
        }
        guard p.predictor >= 10 else { return data }
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var previous = [UInt8](repeating: 0, count: rowLength)
        var row = [UInt8](repeating: 0, count: rowLength)
        var i = 0
        while i < data.count {
            let filter = data[i]
            i += 1
            let n = min(rowLength, data.count - i)
            for k in 0..<rowLength { row[k] = k < n ? data[i + k] : 0 }
            i += n
            for k in 0..<rowLength {
                let left = k >= bytesPerPixel ? row[k - bytesPerPixel] : 0
                let up = previous[k]
                let upLeft = k >= bytesPerPixel ? previous[k - bytesPerPixel] : 0
                switch filter {
                case 1: row[k] = row[k] &+ left
                case 2: row[k] = row[k] &+ up
                case 3: row[k] = row[k] &+ UInt8((Int(left) + Int(up)) / 2)
                case 4: row[k] = row[k] &+ paeth(left, up, upLeft)
                default: break
                }
            }
            out.append(contentsOf: row[0..<n])
            swap(&previous, &row)
            // `row` now holds the row before; it is overwritten next time round.
        }
        return out
    }

    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
