import JWTKit

/// An asymmetric JWS signature algorithm that a provider may be configured to accept.
///
/// Symmetric (`HS*`) algorithms and `none` are deliberately not representable: a token whose
/// header names them is always refused with ``TokenValidationError/Reason/unsupportedAlgorithm``.
public enum OIDCAlgorithm: String, Sendable, Hashable, CaseIterable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
}

extension OIDCAlgorithm {
    /// The JWK `kty` a key must have to verify this algorithm.
    var keyType: JWK.KeyType {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: .rsa
        case .es256, .es384, .es512: .ecdsa
        }
    }

    /// The JWK `crv` an EC key must have to verify this algorithm; `nil` for RSA algorithms.
    var curve: ECDSACurve? {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: nil
        case .es256: .p256
        case .es384: .p384
        case .es512: .p521
        }
    }

    /// The same algorithm as jwt-kit names it.
    var jwkAlgorithm: JWK.Algorithm {
        switch self {
        case .rs256: .rs256
        case .rs384: .rs384
        case .rs512: .rs512
        case .ps256: .ps256
        case .ps384: .ps384
        case .ps512: .ps512
        case .es256: .es256
        case .es384: .es384
        case .es512: .es512
        }
    }

    /// Whether `jwk` may be used to verify signatures made with this algorithm:
    /// matching key type, matching curve for EC keys, and a matching `alg` if the key declares one.
    func isCompatible(with jwk: JWK) -> Bool {
        guard jwk.keyType == keyType else { return false }
        if let curve, jwk.curve?.rawValue != curve.rawValue { return false }
        if let declared = jwk.algorithm, declared != jwkAlgorithm { return false }
        return true
    }
}
