import Testing
@testable import Flags

@Suite("Semantic versions")
struct SemanticVersionTests {
    @Test(arguments: ["0.0.0", "1.2.3", "10.20.30", "1.2.3-beta", "1.2.3-beta.11", "1.0.0-0A.is.legal",
                      "1.2.3+build.7", "1.2.3-rc.1+build-9", "1.0.0-x-y-z.--", "99999999999999999999.0.0"])
    func parsesValidVersions(_ text: String) {
        #expect(SemanticVersion(text) != nil)
    }

    @Test(arguments: ["", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "v1.2.3", "1.2.3-", "1.2.3+",
                      "1.2.3-01", "1.2.3-a..b", "1.2.3-beta!", "1.2.3 ", "1.2.3\n", "١.2.3", "-1.2.3"])
    func rejectsInvalidVersions(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    /// The precedence example of semver.org §11.
    @Test func ordersBySemverPrecedence() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0",
                       "100000000000000000000.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher)
        }
    }

    @Test func ignoresBuildMetadata() throws {
        #expect(try #require(SemanticVersion("1.2.3+a")) == #require(SemanticVersion("1.2.3+b")))
    }

    @Test func comparesTraitsWithSemverConditions() {
        #expect(matches("1.2.3", .equal, "1.2.3:semver"))
        #expect(matches("1.2.3+build", .equal, "1.2.3:semver"))
        #expect(!matches("1.2.4", .equal, "1.2.3:semver"))
        #expect(matches("1.2.4", .notEqual, "1.2.3:semver"))
        #expect(matches("1.10.0", .greaterThan, "1.9.0:semver"))
        #expect(matches("1.2.3", .greaterThan, "1.2.3-beta:semver"))
        #expect(matches("1.2.3-beta.2", .lessThan, "1.2.3-beta.11:semver"))
        #expect(matches("1.2.3", .lessThanInclusive, "1.2.3:semver"))
        #expect(matches("1.2.3", .greaterThanInclusive, "1.2.3:semver"))
        // Invalid versions on either side never match, even for NOT_EQUAL.
        #expect(!matches("1.2", .notEqual, "1.2.3:semver"))
        #expect(!matches("1.2.3", .notEqual, "1.2:semver"))
        // A number-like trait is not a string, so it cannot be a version.
        #expect(!matches("1", .lessThan, "2.0.0:semver"))
        // CONTAINS is Python's `in` on a version: its prerelease or build part.
        #expect(matches("1.2.3-beta+b7", .contains, "beta:semver"))
        #expect(matches("1.2.3-beta+b7", .contains, "b7:semver"))
        #expect(!matches("1.2.3-beta+b7", .contains, "1:semver"))
    }
}
