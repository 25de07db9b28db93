import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Base
import Gateway

/// Sends native provider requests over HTTP (AsyncHTTPClient, pooled connections).
///
/// Every call is checked against the egress allowlist on the URL it will actually
/// connect to (scheme, host and port) before any connection is made, and redirects are
/// never followed, so a provider (or anything pretending to be one) cannot send the
/// gateway elsewhere. The body of the answer is handed back as a stream, so the gateway
/// can relay provider streams as they arrive; dropping it cancels the upstream call.
public final class ProviderHTTPTransport: Sendable {
    let client: HTTPClient

    public struct Settings: Sendable {
        public var connectTimeout: Nanoseconds = .seconds(10)
        /// The longest silence allowed between two reads of an answer's body.
        public var readTimeout: Nanoseconds = .seconds(120)
        public var maxConnectionsPerHost = 256
        public init() {}
    }

    public init(settings: Settings = Settings()) {
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.clientConfiguration(settings))
    }

    /// No redirects, no decompression, the timeouts and pool size of `settings`.
    public static func clientConfiguration(_ settings: Settings) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        config.timeout = .init(connect: .nanoseconds(settings.connectTimeout.value), read: .nanoseconds(settings.readTimeout.value))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnectionsPerHost)
        return config
    }

    public func shutdown() async throws { try await client.shutdown() }

    /// The head of a provider's answer, with its body still to be read.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [HTTPHeader]
        public var body: HTTPClientResponse.Body
        /// From sending the request to receiving the answer's head.
        public var timeToHead: Nanoseconds

        public var isEventStream: Bool { headers.value("content-type")?.lowercased().hasPrefix("text/event-stream") ?? false }
    }

    /// Sends a request, or refuses it when its URL is off the allowlist.
    ///
    /// - Parameter timeout: how long to wait for the answer's head.
    public func send(_ request: UpstreamRequest, allowlist: EgressAllowlist, timeout: Nanoseconds, clock: some TimeSource) async -> Result<Answer, TransportFailure> {
        // The URL is built from the parsed endpoint, so its origin is the endpoint's; the
        // allowlist is checked on exactly what the client will connect to.
        if let reason = allowlist.refusal(for: request.endpoint) {
            return .failure(.egressDenied(reason))
        }
        var http = HTTPClientRequest(url: request.endpoint.url(path: request.path))
        http.method = .POST
        for h in request.headers { http.headers.add(name: h.name, value: h.value) }
        http.headers.replaceOrAdd(name: "content-type", value: "application/json")
        http.body = .bytes(ByteBuffer(bytes: request.encodedBody()))
        let started = clock.now()
        do {
            let response = try await client.execute(http, timeout: .nanoseconds(timeout.value))
            let headers = response.headers.map { HTTPHeader($0.name.lowercased(), $0.value) }
            return .success(Answer(status: Int(response.status.code), headers: headers, body: response.body, timeToHead: clock.now() - started))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failure(.timeout(after: timeout))
        } catch {
            return .failure(.connection(Self.describe(error)))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the provider closed the connection"
            case .cancelled: return "cancelled"
            default: return "\(e)"
            }
        }
        return "\(error)"
    }
}

extension TransportFailure {
    init(reading error: any Error, timeout: Nanoseconds) {
        if let e = error as? HTTPClientError, e == .readTimeout || e == .deadlineExceeded { self = .timeout(after: timeout) }
        else { self = .connection(ProviderHTTPTransport.describe(error)) }
    }
}
