extension PostgresBackend {
    /// Options of a ``PostgresBackend``.
    public struct Configuration: Sendable {
        /// Prepended to a tenant id to name its database; default `dcoder_tenant_`.
        ///
        /// Lower-case letters, digits and `_`, starting with a letter or `_`, and at most 23 characters,
        /// so that with a 40-character tenant id the name fits PostgreSQL's 63-byte limit.
        public var tenantDatabasePrefix: String
        /// The most connections kept open to each database (the control plane and each tenant); default 4.
        public var maximumConnectionsPerDatabase: Int

        /// Creates a configuration.
        public init(tenantDatabasePrefix: String = "dcoder_tenant_", maximumConnectionsPerDatabase: Int = 4) {
            self.tenantDatabasePrefix = tenantDatabasePrefix
            self.maximumConnectionsPerDatabase = maximumConnectionsPerDatabase
        }

        /// Checks the values, naming the first one that is wrong.
        func validate() throws {
            let prefix = self.tenantDatabasePrefix.utf8
            let isIdentifierStart = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_") }
            let isIdentifierByte = { (byte: UInt8) in isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
            guard let first = prefix.first, isIdentifierStart(first), prefix.allSatisfy(isIdentifierByte), prefix.count <= 23 else {
                throw StorageError(
                    .invalidConfiguration,
                    "tenant database prefix \"\(self.tenantDatabasePrefix.prefix(40))\" must be 1 to 23 characters from a-z, 0-9 and _, not starting with a digit"
                )
            }
            guard self.maximumConnectionsPerDatabase >= 1 else {
                throw StorageError(.invalidConfiguration, "maximumConnectionsPerDatabase must be at least 1, not \(self.maximumConnectionsPerDatabase)")
            }
        }
    }
}
