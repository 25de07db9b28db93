import Crypto
import CryptoExtras
import Foundation

/// PDF's standard security handler (ISO 32000-1, 7.6.3; ISO 32000-2, 7.6.4) for files
/// whose user password is empty — the files any reader opens without asking: RC4 (40 to
/// 128 bits, revisions 2–4), AES-128 (`AESV2`) and AES-256 (`AESV3`, revisions 5 and 6).
/// A file that needs a password is refused: ``init(dictionary:firstID:)`` throws.
struct PDFSecurityHandler {
    enum Method: Equatable { case identity, rc4, aes128, aes256 }

    let key: [UInt8]
    let streams: Method
    let strings: Method

    /// The padding string of Algorithm 2.
    static let padding: [UInt8] = [0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
                                   0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A]

    /// - Throws: ``PDFError`` (encrypted) for another security handler, an unknown method, or a
    ///   file whose user password is not empty.
    init(dictionary d: PDFDictionary, firstID: [UInt8]) throws {
        guard d["Filter"]?.name == "Standard" else {
            throw PDFError.encrypted("encrypted with the \(d["Filter"]?.name ?? "unnamed") security handler, which is not supported")
        }
        let v = d["V"]?.integer ?? 0
        let r = d["R"]?.integer ?? 0
        let o = d["O"]?.string ?? []
        let u = d["U"]?.string ?? []
        let p = d["P"]?.integer ?? 0
        let encryptMetadata: Bool = { if case .bool(false)? = d["EncryptMetadata"] { return false }; return true }()

        // Which method strings and streams use: V 1 and 2 are RC4; V 4 and 5 name crypt filters.
        func method(_ filterName: String?) throws -> Method {
            guard v >= 4 else { return .rc4 }
            guard let name = filterName, name != "Identity" else { return .identity }
            let cfm = d["CF"]?.dictionary?[name]?.dictionary?["CFM"]?.name
            switch cfm {
            case "V2": return .rc4
            case "AESV2": return .aes128
            case "AESV3": return .aes256
            case "None", nil: return .identity
            default: throw PDFError.encrypted("encrypted with the \(cfm ?? "?") method, which is not supported")
            }
        }
        streams = try method(d["StmF"]?.name)
        strings = try method(d["StrF"]?.name)

        switch r {
        case 2, 3, 4:
            guard v == 1 || v == 2 || v == 4 else { throw PDFError.encrypted("encrypted with an unknown version (V \(v))") }
            var bits = d["Length"]?.integer ?? 40
            if v == 4 { bits = 128 }
            if r == 2 { bits = 40 }
            guard bits % 8 == 0, (40...128).contains(bits) else { throw PDFError.encrypted("encrypted with a \(bits)-bit key, which is not valid") }
            let n = bits / 8
            var input = Self.padding
            input += o.prefix(32)
            let pBits = UInt32(truncatingIfNeeded: p)
            input += [UInt8(pBits & 0xFF), UInt8(pBits >> 8 & 0xFF), UInt8(pBits >> 16 & 0xFF), UInt8(pBits >> 24 & 0xFF)]
            input += firstID
            if r >= 4, !encryptMetadata { input += [0xFF, 0xFF, 0xFF, 0xFF] }
            var hash = Array(Insecure.MD5.hash(data: input))
            if r >= 3 {
                for _ in 0..<50 { hash = Array(Insecure.MD5.hash(data: hash.prefix(n))) }
            }
            let key = Array(hash.prefix(n))
            // The empty user password opens the file only if U checks out (Algorithms 4 and 5).
            let expected: Bool
            if r == 2 {
                expected = RC4.crypt(Self.padding, key: key) == Array(u.prefix(32))
            } else {
                var x = RC4.crypt(Insecure.MD5.hash(data: Self.padding + firstID), key: key)
                for i in 1...19 { x = RC4.crypt(x, key: key.map { $0 ^ UInt8(i) }) }
                expected = u.count >= 16 && x == Array(u.prefix(16))
            }
            guard expected else { throw PDFError.encrypted("protected by a password (the file is encrypted and cannot be opened without it)") }
            self.key = key
        case 5, 6:
            guard u.count >= 48, let ue = d["UE"]?.string, ue.count >= 32 else { throw PDFError.encrypted("encrypted with AES-256 but its /U or /UE is malformed") }
            let validationSalt = Array(u[32..<40]), keySalt = Array(u[40..<48])
            guard Self.hash(password: [], salt: validationSalt, revision: r) == Array(u.prefix(32)) else {
                throw PDFError.encrypted("protected by a password (the file is encrypted and cannot be opened without it)")
            }
            let intermediate = Self.hash(password: [], salt: keySalt, revision: r)
            guard let key = try? AES._CBC.decrypt(Array(ue.prefix(32)), using: SymmetricKey(data: intermediate),
                                                  iv: AES._CBC.IV(ivBytes: [UInt8](repeating: 0, count: 16)), noPadding: true) else {
                throw PDFError.encrypted("encrypted with AES-256, and its file key cannot be recovered")
            }
            self.key = Array(key)
        default:
            throw PDFError.encrypted("encrypted with revision \(r) of the standard security handler, which is not supported")
        }
    }

    /// The password hash of revisions 5 (SHA-256) and 6 (ISO 32000-2, Algorithm 2.B), with no user data.
    static func hash(password: [UInt8], salt: [UInt8], revision: Int) -> [UInt8] {
        var k = Array(SHA256.hash(data: password + salt))
        guard revision >= 6 else { return k }
        var round = 0
        while true {
            let k1 = [[UInt8]](repeating: password + k, count: 64).flatMap { $0 }
            guard let e = try? Array(AES._CBC.encrypt(k1, using: SymmetricKey(data: k.prefix(16)),
                                                       iv: AES._CBC.IV(ivBytes: k[16..<32]), noPadding: true)) else { return k }
            let selector = e.prefix(16).reduce(0) { ($0 + Int($1)) % 3 }
            switch selector {
            case 0: k = Array(SHA256.hash(data: e))
            case 1: k = Array(SHA384.hash(data: e))
            default: k = Array(SHA512.hash(data: e))
            }
            round += 1
            if round >= 64, Int(e.last ?? 0) <= round - 32 { break }
        }
        return Array(k.prefix(32))
    }

    /// Decrypts a string or a stream's data of object `reference`.
    func decrypt(_ data: some Collection<UInt8>, reference: PDFReference, isString: Bool) -> [UInt8] {
        let method = isString ? strings : streams
        switch method {
        case .identity:
            return Array(data)
        case .aes256:
            return Self.aes(Array(data), key: key)
        case .rc4, .aes128:
            let n = reference.number, g = reference.generation
            var input = key + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(g & 0xFF), UInt8(g >> 8 & 0xFF)]
            if method == .aes128 { input += Array("sAlT".utf8) }
            let objectKey = Array(Insecure.MD5.hash(data: input).prefix(min(key.count + 5, 16)))
            return method == .rc4 ? RC4.crypt(data, key: objectKey) : Self.aes(Array(data), key: objectKey)
        }
    }

    /// AES-CBC with the IV in the first 16 bytes and PKCS#7 padding; damaged padding keeps
    /// the blocks as they decrypt.
    static func aes(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        guard data.count >= 32, let iv = try? AES._CBC.IV(ivBytes: data.prefix(16)) else { return [] }
        let body = data[16..<(16 + (data.count - 16) / 16 * 16)]
        let symmetric = SymmetricKey(data: key)
        if let plain = try? AES._CBC.decrypt(body, using: symmetric, iv: iv) { return Array(plain) }
        return (try? Array(AES._CBC.decrypt(body, using: symmetric, iv: iv, noPadding: true))) ?? []
    }
}
