import ServiceLifecycle

/// Shuts the provider transport down after the HTTP server has drained its requests
/// (services stop in reverse order, and the server is the last one started).
public struct TransportService: Service {
    let transport: ProviderHTTPTransport
    public init(_ transport: ProviderHTTPTransport) { self.transport = transport }

    public func run() async throws {
        try? await gracefulShutdown()
        try await transport.shutdown()
    }
}

/// Runs a clean-up after the HTTP server has drained (database pools, clients).
public struct ShutdownService: Service {
    let cleanup: @Sendable () async throws -> Void
    public init(_ cleanup: @escaping @Sendable () async throws -> Void) { self.cleanup = cleanup }

    public func run() async throws {
        try? await gracefulShutdown()
        // A group torn down by an error (the port taken) cancels its services instead of
        // shutting them down: the clean-up (closing databases) runs in a task of its own,
        // which that cancellation does not reach, so it is never cut short.
        try await Task { try await cleanup() }.value
    }
}
