import Base
/// The structure of a compact JWS, parsed before any key is looked up.
///
/// Parsing checks only shape: three base64url segments, a JSON object header with a string `alg`,
/// an optional string `kid`, no `crit`, and a JSON object payload. Nothing here is trusted until
/// the signature has been verified.
struct CompactJWS {
    let algorithm: String
    let keyID: String?
    let claims: [String: JSONValue]

    init(parsing token: String, maximumLength: Int) throws(TokenValidationError) {
        guard token.utf8.count <= maximumLength else {
            throw TokenValidationError(.malformed, "token is longer than \(maximumLength) bytes")
        }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw TokenValidationError(.malformed, "token is not a compact JWS of three dot-separated segments")
        }
        guard let headerBytes = Base64URL.decode(segments[0]),
            let header = JSONValue.object(decoding: headerBytes)
        else {
            throw TokenValidationError(.malformed, "token header is not base64url-encoded JSON object")
        }
        guard let payloadBytes = Base64URL.decode(segments[1]),
            let claims = JSONValue.object(decoding: payloadBytes)
        else {
            throw TokenValidationError(.malformed, "token payload is not a base64url-encoded JSON object")
        }
        guard Base64URL.decode(segments[2]) != nil else {
            throw TokenValidationError(.malformed, "token signature is not base64url-encoded")
        }
        guard let algorithm = header["alg"]?.stringValue else {
            throw TokenValidationError(.malformed, "token header has no \"alg\"")
        }
        let keyID = header["kid"]
        guard keyID == nil || keyID?.stringValue != nil else {
            throw TokenValidationError(.malformed, "token header \"kid\" is not a string")
        }
        guard header["crit"] == nil else {
            throw TokenValidationError(.malformed, "token header lists critical extensions, which are not supported")
        }
        self.algorithm = algorithm
        self.keyID = keyID?.stringValue
        self.claims = claims
    }
}
