import Base
import Identity
import PlatformAPI
import Testing

/// The merge rule of the configuration model, and redaction of secrets.
@Suite struct ConfigurationModelTests {
    @Test func tenantValuesOverridePlatformDefaultsKeyByKey() {
        let platform: JSONValue = ["requests_per_minute": 600, "tokens_per_minute": 100_000, "nested": ["a": 1, "b": 2]]
        let tenant: JSONValue = ["requests_per_minute": 60, "nested": ["b": 3, "c": 4]]
        let merged = ConfigurationModel.merge(platform, tenant)
        #expect(merged == ["requests_per_minute": 60, "tokens_per_minute": 100_000, "nested": ["a": 1, "b": 3, "c": 4]])
        #expect(ConfigurationModel.origins(platform, tenant, merged: merged)
            == ["requests_per_minute": "tenant", "tokens_per_minute": "platform", "nested": "merged"])
    }

    @Test func nullRemovesAndNonObjectsReplace() {
        #expect(ConfigurationModel.merge(["a": 1, "b": 2], ["a": .null]) == ["b": 2])
        #expect(ConfigurationModel.merge(["list": [1, 2]], ["list": [3]]) == ["list": [3]])
        #expect(ConfigurationModel.merge(["x": ["deep": true]], ["x": "flat"]) == ["x": "flat"])
        #expect(ConfigurationModel.merge(["a": 1], .null) == ["a": 1])
        #expect(ConfigurationModel.merge(["a": 1], [:]) == ["a": 1])
    }

    @Test func secretsAreRedactedWhereverTheyAre() {
        let value: JSONValue = [
            "slack": ["webhook_url": "https://hooks.slack.com/services/T/B/secret", "channel": "#ops"],
            "jira": ["api_token": "abc", "site": "x.atlassian.net", "enabled": true],
            "openai": ["api_key": ["set": true, "sealed_with": "platform-1"]],
            "quotas": ["tokens_per_minute": 5, "key": "plain"],
        ]
        #expect(ConfigurationModel.redacted(value) == [
            "slack": ["webhook_url": "[redacted]", "channel": "#ops"],
            "jira": ["api_token": "[redacted]", "site": "x.atlassian.net", "enabled": true],
            "openai": ["api_key": ["set": true, "sealed_with": "platform-1"]],
            "quotas": ["tokens_per_minute": 5, "key": "[redacted]"],
        ])
    }
}
