extension BuiltinFunctions {
    /// Whether IP address `ip1` lies in `ip2`, an address or CIDR network
    /// (`192.168.2.0/24`, `10.0.0.0/255.0.0.0`, `2001:db8::/32`). Like Python's
    /// `ipaddress`, host bits of the network are ignored, an unparsable `ip2` never
    /// matches, and an unparsable `ip1` is an error.
    public static func ipMatch(_ ip1: String, _ ip2: String) throws -> Bool {
        guard let address = IPAddress(ip1) else {
            throw CasbinError(.evaluation, "ipMatch: '\(ip1)' is not a valid IP address")
        }
        guard let network = IPNetwork(ip2) else { return false }
        return network.contains(address)
    }
}

/// An IPv4 or IPv6 address as a 128-bit integer plus its bit width.
struct IPAddress: Equatable {
    let bits: Int  // 32 or 128
    let high: UInt64
    let low: UInt64

    init?(_ text: String) {
        if text.contains(":") {
            guard let (high, low) = IPAddress.parseIPv6(text) else { return nil }
            self.init(bits: 128, high: high, low: low)
        } else {
            guard let value = IPAddress.parseIPv4(text) else { return nil }
            self.init(bits: 32, high: 0, low: UInt64(value))
        }
    }

    private init(bits: Int, high: UInt64, low: UInt64) {
        self.bits = bits
        self.high = high
        self.low = low
    }

    /// The address with all but the first `prefix` bits cleared.
    func masked(prefix: Int) -> IPAddress {
        let hostBits = bits - prefix
        func mask(_ word: UInt64, keepingHigh count: Int) -> UInt64 {
            count <= 0 ? 0 : (count >= 64 ? word : word & ~(UInt64.max >> UInt64(count)))
        }
        if bits == 32 {
            return IPAddress(bits: 32, high: 0, low: hostBits >= 32 ? 0 : low & ~((UInt64(1) << UInt64(hostBits)) - 1))
        }
        return IPAddress(bits: 128, high: mask(high, keepingHigh: prefix), low: mask(low, keepingHigh: prefix - 64))
    }

    /// Dotted decimal with exactly four parts of 1-3 digits, no leading zeros, each ≤ 255.
    static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.unicodeScalars.allSatisfy(\.isDigit),
                part.count == 1 || !part.hasPrefix("0"), let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// Colon-separated hex groups with at most one `::` and an optional dotted IPv4
    /// tail, validated like Python's `IPv6Address`.
    static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return nil }
        if let last = parts.last, last.contains(".") {
            guard let ipv4 = parseIPv4(last) else { return nil }
            parts.removeLast()
            parts += [String(ipv4 >> 16, radix: 16), String(ipv4 & 0xFFFF, radix: 16)]
        }
        guard parts.count <= 9 else { return nil }
        let inner = parts.indices.dropFirst().dropLast().filter { parts[$0].isEmpty }
        guard inner.count <= 1 else { return nil }
        var head: ArraySlice<String>
        var tail: ArraySlice<String> = []
        var skipped = 0
        if let gap = inner.first {
            head = parts[..<gap]
            tail = parts[(gap + 1)...]
            if head.first == "" {
                guard head.count == 1 else { return nil }
                head = []
            }
            if tail.last == "" {
                guard tail.count == 1 else { return nil }
                tail = []
            }
            skipped = 8 - head.count - tail.count
            guard skipped >= 1 else { return nil }
        } else {
            guard parts.count == 8 else { return nil }
            head = parts[...]
        }
        var words: [UInt64] = []
        for part in head {
            guard let word = hextet(part) else { return nil }
            words.append(word)
        }
        words += Array(repeating: 0, count: skipped)
        for part in tail {
            guard let word = hextet(part) else { return nil }
            words.append(word)
        }
        return (
            words[0] << 48 | words[1] << 32 | words[2] << 16 | words[3],
            words[4] << 48 | words[5] << 32 | words[6] << 16 | words[7]
        )
    }

    private static func hextet(_ text: String) -> UInt64? {
        guard (1...4).contains(text.count), text.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) else {
            return nil
        }
        return UInt64(text, radix: 16)
    }
}

/// An address with a prefix length; `/n` may also be a dotted netmask or hostmask for IPv4.
struct IPNetwork {
    let base: IPAddress
    let prefix: Int

    init?(_ text: String) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(pieces.count), let address = IPAddress(pieces[0]) else { return nil }
        if pieces.count == 1 {
            prefix = address.bits
        } else if let length = IPNetwork.prefixLength(pieces[1], bits: address.bits) {
            prefix = length
        } else {
            return nil
        }
        base = address.masked(prefix: prefix)
    }

    func contains(_ address: IPAddress) -> Bool {
        address.bits == base.bits && address.masked(prefix: prefix) == base
    }

    private static func prefixLength(_ text: String, bits: Int) -> Int? {
        if !text.isEmpty, text.unicodeScalars.allSatisfy(\.isDigit) {
            guard let length = Int(text), length <= bits else { return nil }
            return length
        }
        guard bits == 32, let mask = IPAddress.parseIPv4(text) else { return nil }
        return contiguousLeadingOnes(mask) ?? contiguousLeadingOnes(~mask)
    }

    /// The number of leading one bits if `mask` is ones followed only by zeros.
    private static func contiguousLeadingOnes(_ mask: UInt32) -> Int? {
        let ones = (~mask).leadingZeroBitCount
        return mask << UInt32(ones) == 0 ? ones : nil
    }
}
