/// A PDF file opened for reading: its cross-reference table (or one rebuilt by scanning
/// when the table is broken), objects resolved on demand and cached, object streams, stream
/// decoding, decryption with an empty user password, and the page tree with inherited
/// attributes.
///
/// Everything hostile input can make unbounded is bounded: reference chains, the page
/// tree's depth and size, the bytes a stream decodes to.
final class PDFDocument {
    /// Pages read at most.
    static let pagesMax = 20_000
    /// Nesting of the page tree.
    static let pageTreeDepthMax = 64

    let bytes: [UInt8]
    private(set) var table: PDFCrossReference
    private(set) var recovered = false
    private var security: PDFSecurityHandler?
    private var cache: [Int: PDFObject] = [:]
    private var resolving = Set<Int>()
    private var objectStreams: [Int: PDFObjectStream?] = [:]

    /// - Throws: ``PDFError``: damaged beyond recovery (no catalog), or encrypted with a
    ///   password or a method this reader lacks.
    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        do {
            table = try PDFCrossReference.read(bytes) { try PDFDocument.decodeFilters($0) }
        } catch {
            table = PDFCrossReference.scan(bytes)
            recovered = true
        }
        try setUpSecurity()
        if catalog == nil, !recovered {
            // A table that reads but points at the wrong places.
            recover()
            try setUpSecurity()
        }
        if recovered { addCompressedObjects() }
        guard catalog != nil else { throw PDFError.damaged("no document catalog (the file is damaged or not a PDF)") }
    }

    private func setUpSecurity() throws {
        security = nil
        guard let encrypt = table.trailer["Encrypt"] else { return }
        // The encryption dictionary itself is never encrypted.
        guard let d = resolve(encrypt)?.dictionary else { return }
        let id = table.trailer["ID"].flatMap { resolve($0)?.array?.first }.flatMap { resolve($0)?.string } ?? []
        security = try PDFSecurityHandler(dictionary: d, firstID: id)
        cache.removeAll()
    }

    /// Replaces the table with one rebuilt by scanning, once.
    private func recover() {
        guard !recovered else { return }
        let scanned = PDFCrossReference.scan(bytes)
        var merged = scanned
        for (k, v) in table.trailer.entries where merged.trailer[k] == nil { merged.trailer[k] = v }
        table = merged
        recovered = true
        cache.removeAll()
        objectStreams.removeAll()
    }

    /// Objects found only inside object streams, for a rebuilt table; and a catalog found there.
    private func addCompressedObjects() {
        let numbers = table.entries.keys.sorted()
        var catalogNumber: Int?
        for n in numbers {
            guard case .stream(let s) = object(n), s.dictionary.type == "ObjStm", let os = objectStream(n) else { continue }
            for (i, entry) in os.index.enumerated() where table.entries[entry.number] == nil {
                table.entries[entry.number] = .compressed(stream: n, index: i)
                if catalogNumber == nil, table.trailer["Root"] == nil, os.object(at: i, resolveLength: nil)?.dictionary?.type == "Catalog" {
                    catalogNumber = entry.number
                }
            }
        }
        if table.trailer["Root"] == nil, let c = catalogNumber { table.trailer["Root"] = .reference(PDFReference(number: c, generation: 0)) }
    }

    // MARK: Objects

    /// The document catalog.
    var catalog: PDFDictionary? {
        guard let root = table.trailer["Root"], let d = resolve(root)?.dictionary, d["Pages"] != nil else { return nil }
        return d
    }

    /// Follows references (a chain of at most 32) to a direct object; nil for a missing object.
    func resolve(_ object: PDFObject?) -> PDFObject? {
        var current = object
        var steps = 0
        while case .reference(let r)? = current {
            steps += 1
            guard steps <= 32 else { return nil }
            current = self.object(r.number)
        }
        if case .null? = current { return nil }
        return current
    }

    func resolve(_ key: String, in d: PDFDictionary?) -> PDFObject? { resolve(d?[key]) }

    /// Object `number` (null when it does not exist or is being read already, which breaks cycles).
    func object(_ number: Int) -> PDFObject {
        if let cached = cache[number] { return cached }
        // A cycle, or a chain of objects inside object streams inside object streams, ends here.
        guard !resolving.contains(number), resolving.count < 64 else { return .null }
        resolving.insert(number)
        defer { resolving.remove(number) }
        var result = load(number)
        if result == nil, !recovered {
            // The table points at the wrong place: rebuild it from the file and try again.
            recover()
            result = load(number)
        }
        let object = result ?? .null
        cache[number] = object
        return object
    }

    private func load(_ number: Int) -> PDFObject? {
        switch table.entries[number] {
        case .offset(let offset, _)?:
            guard offset >= 0, offset < bytes.count else { return nil }
            var parser = PDFParser(bytes, position: offset) { [unowned self] r in self.resolve(.reference(r))?.integer }
            guard let (reference, object) = parser.indirectObject(), reference.number == number else { return nil }
            return decrypted(object, reference: reference)
        case .compressed(let stream, let index)?:
            guard stream != number, let os = objectStream(stream) else { return nil }
            // Objects in object streams are not encrypted themselves: their stream was.
            return os.object(at: index) { [unowned self] r in self.resolve(.reference(r))?.integer }
        case nil:
            return nil
        }
    }

    private func objectStream(_ number: Int) -> PDFObjectStream? {
        if let cached = objectStreams[number] { return cached }
        objectStreams[number] = .some(nil) // guards against a stream that contains itself
        var os: PDFObjectStream?
        if case .stream(let s) = object(number), let data = try? decodedData(s) {
            os = PDFObjectStream(stream: s, decoded: data)
        }
        objectStreams[number] = os
        return os
    }

    /// Strings decrypted in place; streams marked for decryption when they are decoded.
    private func decrypted(_ object: PDFObject, reference: PDFReference) -> PDFObject {
        guard let security else { return object }
        func walk(_ o: PDFObject, depth: Int) -> PDFObject {
            guard depth < PDFParser.depthMax else { return o }
            switch o {
            case .string(let s): return .string(security.decrypt(s, reference: reference, isString: true))
            case .array(let a): return .array(a.map { walk($0, depth: depth + 1) })
            case .dictionary(let d):
                var out = d
                for (k, v) in d.entries { out[k] = walk(v, depth: depth + 1) }
                return .dictionary(out)
            case .stream(var s):
                for (k, v) in s.dictionary.entries { s.dictionary[k] = walk(v, depth: depth + 1) }
                s.encrypted = s.dictionary.type != "XRef"
                return .stream(s)
            default: return o
            }
        }
        return walk(object, depth: 0)
    }

    // MARK: Streams

    /// A stream's decoded bytes: decrypted, then through its filters; nil for images and
    /// filters without text.
    /// - Throws: ``PDFError`` (limit) when the data decodes to more than ``PDFFilters/bytesMax``.
    func decodedData(_ stream: PDFStream) throws -> [UInt8]? {
        var s = stream
        if s.encrypted, let security, let origin = s.origin {
            let hasIdentityCrypt = filters(of: s).contains { $0.name == "Crypt" }
            if !hasIdentityCrypt { s.data = security.decrypt(s.data, reference: origin, isString: false)[...] }
        }
        return try PDFFilters.decode(s.data, filters: filters(of: s))
    }

    func filters(of stream: PDFStream) -> [PDFFilters.Filter] {
        Self.filters(of: stream) { self.resolve($0) }
    }

    static func filters(of stream: PDFStream, resolve: (PDFObject?) -> PDFObject?) -> [PDFFilters.Filter] {
        let names: [PDFObject]
        switch resolve(stream.dictionary["Filter"]) {
        case .name(let n)?: names = [.name(n)]
        case .array(let a)?: names = a
        default: return []
        }
        let parameters: [PDFObject?]
        switch resolve(stream.dictionary["DecodeParms"] ?? stream.dictionary["DP"]) {
        case .array(let a)?: parameters = a.map { resolve($0) }
        case let d?: parameters = [d]
        case nil: parameters = []
        }
        return names.prefix(16).enumerated().compactMap { i, n in
            guard let name = resolve(n)?.name else { return nil }
            return PDFFilters.Filter(name: name, parameters: i < parameters.count ? parameters[i]?.dictionary : nil)
        }
    }

    /// Decodes a stream whose dictionary needs no resolving (cross-reference streams).
    static func decodeFilters(_ stream: PDFStream) throws -> [UInt8]? {
        try PDFFilters.decode(stream.data, filters: filters(of: stream) { $0 })
    }

    // MARK: Pages

    /// A page: its dictionary with the inherited attributes (`Resources`, `MediaBox`,
    /// `CropBox`, `Rotate`) filled in from its ancestors.
    struct Page {
        var dictionary: PDFDictionary
        var resources: PDFDictionary?
        var mediaBox: [Double]
        var rotate: Int
    }

    /// The pages in order. A loop or an absurdly deep tree stops the walk where it is.
    func pages() -> [Page] {
        var out: [Page] = []
        var visited = Set<Int>()
        func walk(_ node: PDFObject?, inherited: PDFDictionary, depth: Int) {
            guard depth < Self.pageTreeDepthMax, out.count < Self.pagesMax else { return }
            if case .reference(let r)? = node { guard visited.insert(r.number).inserted else { return } }
            guard let d = resolve(node)?.dictionary else { return }
            var attributes = inherited
            for key in ["Resources", "MediaBox", "CropBox", "Rotate"] { if let v = d[key] { attributes[key] = v } }
            if let kids = resolve(d["Kids"])?.array, d.type != "Page" {
                for kid in kids { walk(kid, inherited: attributes, depth: depth + 1) }
            } else if d.type == "Page" || d["Contents"] != nil || d.type == nil {
                let box = (resolve(attributes["CropBox"])?.array ?? resolve(attributes["MediaBox"])?.array)?.compactMap { resolve($0)?.number }
                let rotate = resolve(attributes["Rotate"])?.integer ?? 0
                out.append(Page(dictionary: d, resources: resolve(attributes["Resources"])?.dictionary,
                                mediaBox: box?.count == 4 ? box! : [0, 0, 612, 792], rotate: ((rotate % 360) + 360) % 360))
            }
        }
        walk(catalog?["Pages"], inherited: PDFDictionary(), depth: 0)
        return out
    }

    /// A page's content: its `/Contents` stream, or the streams of its array joined by
    /// whitespace (an operator may not span two streams, but some writers split them so).
    func contents(of page: Page) throws -> [UInt8] {
        var out: [UInt8] = []
        let parts: [PDFObject]
        switch resolve(page.dictionary["Contents"]) {
        case .array(let a)?: parts = a
        case let o?: parts = [o]
        case nil: parts = []
        }
        for part in parts.prefix(10_000) {
            guard case .stream(let s)? = resolve(part), let data = try decodedData(s) else { continue }
            out += data
            out.append(0x0A)
            guard out.count <= PDFFilters.bytesMax else { throw PDFError.limit("a page's content is over \(PDFFilters.bytesMax >> 20) MiB") }
        }
        return out
    }
}
