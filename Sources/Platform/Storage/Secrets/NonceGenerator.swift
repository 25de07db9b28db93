import Crypto

/// Where a ``SecretBox`` gets the 96-bit nonce for each seal.
///
/// Production code uses ``system`` (a cryptographically secure random nonce per seal). Tests inject a
/// fixed sequence to make sealed bytes reproducible; a repeated nonce under one key breaks AES-GCM,
/// so a custom generator must never repeat outside tests.
public struct NonceGenerator: Sendable {
    private let makeNonce: @Sendable () -> AES.GCM.Nonce

    /// Creates a generator from a closure that returns a fresh nonce on every call.
    public init(_ makeNonce: @escaping @Sendable () -> AES.GCM.Nonce) {
        self.makeNonce = makeNonce
    }

    /// Random nonces from the system's secure generator.
    public static var system: NonceGenerator {
        NonceGenerator { AES.GCM.Nonce() }
    }

    /// Returns the next nonce.
    func next() -> AES.GCM.Nonce {
        self.makeNonce()
    }
}
