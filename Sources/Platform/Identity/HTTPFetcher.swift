/// The network seam of the library: the only way it reaches an identity provider.
///
/// The validator never opens a connection itself. Production code plugs in a real HTTP client;
/// tests and the lab plug in ``MockIdentityProvider`` or another in-memory implementation.
public protocol HTTPFetcher: Sendable {
    /// Performs an HTTP `GET` of `url`.
    ///
    /// - Returns: The response status code and the raw response body.
    /// - Throws: Only for transport failures (DNS, TLS, timeout). Any HTTP status, including
    ///   4xx and 5xx, is returned rather than thrown.
    func get(_ url: String) async throws -> (status: Int, body: [UInt8])
}
