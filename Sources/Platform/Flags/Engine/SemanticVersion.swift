import Base

/// A Semantic Versioning 2.0.0 version, parsed and ordered like Python's
/// `semver.Version`: build metadata is kept but ignored by comparisons.
struct SemanticVersion: Comparable {
    /// Major, minor and patch as decimal digit strings without leading zeros,
    /// so that versions of any size compare exactly.
    let core: [String]
    let prerelease: String?
    let build: String?

    /// Parses `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` (ASCII only); `nil` if
    /// the text is not a valid semantic version.
    init?(_ text: String) {
        var rest = Substring(text)
        var build: Substring?
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...]
            rest = rest[..<plus]
        }
        var prerelease: Substring?
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy(Self.isNumericIdentifier) else { return nil }
        if let prerelease {
            let identifiers = prerelease.split(separator: ".", omittingEmptySubsequences: false)
            guard identifiers.allSatisfy({ Self.isAlphanumeric($0) && (!Self.isDigits($0) || Self.isNumericIdentifier($0)) })
            else { return nil }
        }
        if let build {
            guard build.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Self.isAlphanumeric)
            else { return nil }
        }
        self.core = core.map(String.init)
        self.prerelease = prerelease.map(String.init)
        self.build = build.map(String.init)
    }

    static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) == 0
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// -1, 0 or 1 as `lhs` precedes, equals or follows `rhs`.
    private static func compare(_ lhs: SemanticVersion, _ rhs: SemanticVersion) -> Int {
        for (left, right) in zip(lhs.core, rhs.core) {
            let order = compareNumbers(left, right)
            if order != 0 { return order }
        }
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case let (left?, right?): return comparePrereleases(left, right)
        }
    }

    /// Dot-separated identifiers compared in turn: numeric ones by value and
    /// before alphanumeric ones, alphanumeric ones in ASCII order; a shorter
    /// list of otherwise equal identifiers comes first.
    private static func comparePrereleases(_ lhs: String, _ rhs: String) -> Int {
        let left = lhs.split(separator: ".", omittingEmptySubsequences: false)
        let right = rhs.split(separator: ".", omittingEmptySubsequences: false)
        for (a, b) in zip(left, right) {
            let order: Int = switch (isDigits(a), isDigits(b)) {
            case (true, true): compareNumbers(a, b)
            case (true, false): -1
            case (false, true): 1
            case (false, false): a == b ? 0 : (String.scalarOrder(String(a), String(b)) ? -1 : 1)
            }
            if order != 0 { return order }
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }

    /// Compares decimal digit strings without leading zeros by value.
    private static func compareNumbers(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Int {
        if lhs.count != rhs.count { return lhs.count < rhs.count ? -1 : 1 }
        if lhs == rhs { return 0 }
        return lhs < rhs ? -1 : 1
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    /// `0` or a digit string without a leading zero.
    private static func isNumericIdentifier(_ text: Substring) -> Bool {
        isDigits(text) && (text.count == 1 || !text.hasPrefix("0"))
    }

    /// A non-empty run of ASCII letters, digits and hyphens.
    private static func isAlphanumeric(_ text: Substring) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-"
        }
    }
}
