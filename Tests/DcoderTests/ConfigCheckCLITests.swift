import Foundation
import Testing

/// `dcoder config check FILE…`, through the real binary.
@Suite struct ConfigCheckCLITests {
    static let secretKey = ["DCODER_SECRET_KEY": "bm90LWEtcmVhbC1rZXktanVzdC0zMi1ieXRlcy0hIQ=="]

    /// The documented demo file is valid, with its secret key in the environment or without.
    @Test func acceptsTheDemoFile() throws {
        let r = try CLI.run(["config", "check", "Docs/examples/demo-serve.yaml"], environment: Self.secretKey)
        #expect(r.status == 0 && r.out == "Docs/examples/demo-serve.yaml: ok\n" && r.err.isEmpty, "\(r)")
        let placeholders = try CLI.run(["config", "check", "--without-environment", "Docs/examples/demo-serve.yaml"])
        #expect(placeholders.status == 0 && placeholders.out == "Docs/examples/demo-serve.yaml: ok\n", "\(placeholders)")
    }

    /// An unset variable is the error `serve` would stop on, at the line that names it.
    @Test func reportsAnUnsetVariableWhereItIsReferenced() throws {
        let dir = CLI.tempDir()
        try "platform_api:\n  oidc_issuer: http://127.0.0.1:18200/oidc\n  oidc_audience: demo\n  secret_key: \"${DCODER_CHECK_UNSET_VARIABLE}\"\n"
            .write(toFile: dir + "/api.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["config", "check", dir + "/api.yaml"])
        #expect(r.status == 2 && r.out.isEmpty, "\(r)")
        #expect(r.err == "\(dir)/api.yaml:4:15: 'platform_api.secret_key': environment variable DCODER_CHECK_UNSET_VARIABLE is not set (referenced as ${DCODER_CHECK_UNSET_VARIABLE})\n", "\(r.err)")
    }

    /// Unknown keys are errors at their own line and column, in every section, however deep.
    @Test(arguments: [
        ("sever:\n  port: 1\n", "1:1: unknown key 'sever'"),
        ("server:\n  port: 1\n  hots: x\n", "3:3: 'server': unknown key 'hots'"),
        ("platform:\n  replicas: 2\n", "2:3: 'platform': unknown key 'replicas'"),
        ("tenants:\n  acme:\n    keys: [k]\n    modles: {}\n", "4:5: 'tenants.acme': unknown key 'modles'"),
        ("tenants:\n  acme:\n    keys: [k]\n    providers: {openai: {key: k, endpont: x}}\n", "4:34: 'tenants.acme.providers.openai': unknown key 'endpont'"),
        ("tenants:\n  acme:\n    keys: [k]\n    integrations:\n      slack: {webhook_url: \"https://hooks.slack.com/services/T/B/x\", chanel: x}\n",
         "5:70: 'tenants.acme.integrations.slack': unknown key 'chanel'"),
        ("flags:\n  environment_key: k\n  features:\n    f: {enabled: true, value: a, variants: [{value: b, weight: 50, wieght: 1}]}\n",
         "4:68: 'flags.features.f.variants[0]': unknown key 'wieght'"),
        ("flags:\n  environment_key: k\n  features: {f: true}\n  segments:\n    s:\n      rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, valeu: x}]}]\n      overrides: {f: false}\n",
         "6:74: 'flags.segments.s.rules[0].conditions[0]': unknown key 'valeu'"),
        ("flags:\n  environment_key: k\n  features: {f: true}\n  segments:\n    s:\n      rules: []\n      overrides: {f: {enabled: true, vaule: 1}}\n",
         "7:38: 'flags.segments.s.overrides.f': unknown key 'vaule'"),
        ("platform_api:\n  oidc_issuer: http://x/oidc\n  oidc_audience: a\n  secret_key: k\n  databse_url: x\n", "5:3: 'platform_api': unknown key 'databse_url'"),
    ])
    func reportsUnknownKeysWithFileLineAndColumn(file: String, expected: String) throws {
        let dir = CLI.tempDir()
        try file.write(toFile: dir + "/serve.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["config", "check", dir + "/serve.yaml"])
        #expect(r.status == 2 && r.out.isEmpty, "\(r)")
        #expect(r.err.hasPrefix("\(dir)/serve.yaml:\(expected)"), "\(r.err)")
    }

    /// Several files: each is reported, and the status is 2 if any is invalid.
    @Test func checksEveryFileGiven() throws {
        let dir = CLI.tempDir()
        try "server: {port: 18000}\n".write(toFile: dir + "/good.yaml", atomically: true, encoding: .utf8)
        try "server: {port: huge}\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["config", "check", dir + "/good.yaml", dir + "/bad.yaml", dir + "/missing.yaml"])
        #expect(r.status == 2 && r.out == "\(dir)/good.yaml: ok\n", "\(r)")
        #expect(r.err.hasPrefix("\(dir)/bad.yaml:1:16: 'server.port': expected a whole number"), "\(r.err)")
        #expect(r.err.contains("\(dir)/missing.yaml:1:1: cannot read the file"), "\(r.err)")
    }
}
