/// A PDF object (ISO 32000-1, 7.3): what the parser reads from a file, a content stream or a
/// CMap. Strings stay bytes (their meaning depends on where they are used); names are kept
/// as Latin-1 text, so that any byte survives.
enum PDFObject: Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case real(Double)
    case string([UInt8])
    case name(String)
    case array([PDFObject])
    case dictionary(PDFDictionary)
    case stream(PDFStream)
    case reference(PDFReference)

    var integer: Int? {
        switch self {
        case .integer(let v): return v
        case .real(let v) where v.isFinite && abs(v) < 1e15: return Int(v)
        default: return nil
        }
    }

    /// Integers and reals alike, as PDF's numbers are.
    var number: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v) where v.isFinite: return v
        default: return nil
        }
    }

    var name: String? { if case .name(let v) = self { return v } else { return nil } }
    var string: [UInt8]? { if case .string(let v) = self { return v } else { return nil } }
    var array: [PDFObject]? { if case .array(let v) = self { return v } else { return nil } }
    var reference: PDFReference? { if case .reference(let v) = self { return v } else { return nil } }
    var stream: PDFStream? { if case .stream(let v) = self { return v } else { return nil } }

    /// A dictionary, or a stream's dictionary.
    var dictionary: PDFDictionary? {
        switch self {
        case .dictionary(let d): return d
        case .stream(let s): return s.dictionary
        default: return nil
        }
    }
}

/// An indirect reference, `12 0 R`.
struct PDFReference: Hashable {
    var number: Int
    var generation: Int
}

/// A dictionary: name keys (without the slash) to objects.
struct PDFDictionary: Equatable {
    var entries: [String: PDFObject] = [:]

    subscript(key: String) -> PDFObject? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// The value of `/Type`.
    var type: String? { entries["Type"]?.name }
}

/// A stream: its dictionary and its bytes as stored in the file (still encoded, and still
/// encrypted if the file is), with the object it came from, which decryption needs.
struct PDFStream: Equatable {
    var dictionary: PDFDictionary
    var data: ArraySlice<UInt8>
    var origin: PDFReference?
    /// Whether `data` is still encrypted (streams of an encrypted file, except in object streams).
    var encrypted = false
}
