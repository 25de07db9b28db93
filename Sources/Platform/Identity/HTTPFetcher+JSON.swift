import Base
extension HTTPFetcher {
    /// Fetches `url` and decodes the `200` response body as a JSON object.
    func fetchJSONObject(_ url: String) async throws(IdentityProviderError) -> [String: JSONValue] {
        let response: (status: Int, body: [UInt8])
        do {
            response = try await get(url)
        } catch {
            throw .transportFailed(url: url, underlying: error)
        }
        guard response.status == 200 else {
            throw .unexpectedStatus(url: url, status: response.status)
        }
        guard let object = JSONValue.object(decoding: response.body) else {
            throw .invalidJSON(url: url)
        }
        return object
    }
}
