/// Runs a stream's filters in order (`/Filter`, `/DecodeParms`): FlateDecode, LZWDecode
/// (both with predictors), ASCIIHexDecode, ASCII85Decode and RunLengthDecode. Image codecs
/// (DCT, JPX, JBIG2, CCITT fax) carry no text: such a stream decodes to nil and is skipped.
enum PDFFilters {
    /// Bytes one stream may decode to.
    static let bytesMax = 64 << 20

    struct Filter: Equatable {
        var name: String
        var parameters: PDFDictionary?
    }

    /// The decoded bytes, or nil for an image codec or a filter we do not know.
    static func decode(_ data: ArraySlice<UInt8>, filters: [Filter], limit: Int = bytesMax) throws -> [UInt8]? {
        var current = Array(data)
        for f in filters {
            switch f.name {
            case "FlateDecode", "Fl":
                current = PredictorDecoder.decode(try FlateDecoder.decode(current[...], limit: limit), .init(f.parameters))
            case "LZWDecode", "LZW":
                let early = (f.parameters?["EarlyChange"]?.integer ?? 1) != 0
                current = PredictorDecoder.decode(try LZWDecoder.decode(current[...], earlyChange: early, limit: limit), .init(f.parameters))
            case "ASCIIHexDecode", "AHx":
                current = ASCIIHexDecoder.decode(current[...])
            case "ASCII85Decode", "A85":
                current = ASCII85Decoder.decode(current[...])
            case "RunLengthDecode", "RL":
                current = try RunLengthDecoder.decode(current[...], limit: limit)
            case "Crypt":
                continue // decryption happens before the filters
            default:
                return nil // DCTDecode, JPXDecode, JBIG2Decode, CCITTFaxDecode, or unknown
            }
            guard current.count <= limit else { throw PDFError.limit("a stream decodes to more than \(limit >> 20) MiB") }
        }
        return current
    }
}
