import Base
import Config
import Identity
import Foundation
import Gateway
@testable import Mocks
@testable import PlatformAPI
@testable import Server
import Storage
import Testing

/// The gateway serves what the Platform API changes, on the next call: tenants onboarded
/// through the API, their provider keys, aliases (the manual switch), virtual keys
/// (limits, revocation) and quotas; the serve file only seeds the databases; a second
/// replica on the same databases follows through the version counters.
@Suite(.serialized) struct ControlPlaneTests {
    static func chat(_ model: String) -> String { TestClient.chat(model, "hi") }

    /// The mock providers' calls so far: (provider, key fingerprint).
    static func providerCalls(_ live: LivePlatform) async throws -> [(String, String)] {
        let list = try JSONSerialization.jsonObject(with: Data(try await live.providers.get("/_mock/calls").body.utf8)) as? [[String: Any]] ?? []
        return list.map { ($0["provider"] as? String ?? "", $0["key_fingerprint"] as? String ?? "") }
    }

    @Test func aTenantOnboardedThroughTheAPIIsServedAtOnce() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            let port = live.providers.base.split(separator: ":").last.map(String.init)!
            #expect(try await live.client.post("/api/v1/tenants", key: root, json: #"{"id": "initech"}"#).status == 201)
            let put = try await live.client.put("/api/v1/tenants/initech/providers/openai", key: root,
                                                json: #"{"endpoint": "http://127.0.0.1:\#(port)/v1", "api_key": "sk-initech-1"}"#)
            #expect(put.status == 200, "\(put.body)")
            #expect(!put.body.contains("sk-initech-1"))
            #expect(try await live.client.put("/api/v1/tenants/initech/aliases/chat", key: root,
                                              json: #"{"provider": "openai", "model": "gpt-4o-mini"}"#).status == 200)
            let created = try await live.client.post("/api/v1/tenants/initech/virtual-keys", key: root, json: #"{"name": "app"}"#)
            #expect(created.status == 201, "\(created.body)")
            let key = try #require(created.json?["key"] as? String), keyID = try #require(created.json?["id"] as? String)

            // Served at once, with the tenant's own key.
            let first = try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat"))
            #expect(first.status == 200, "\(first.body)")
            let fingerprint = { (k: String) in String(KeyDigest(of: k).hex.prefix(16)) }
            #expect(try await Self.providerCalls(live).last! == ("openai", fingerprint("sk-initech-1")))

            // The key's text is never listed; its last use is.
            let listed = try await live.client.get("/api/v1/tenants/initech/virtual-keys", key: root)
            #expect(listed.status == 200 && !listed.body.contains(key))
            #expect(listed.body.contains(keyID))

            // Rotating the provider key takes effect on the next call.
            _ = try await live.client.put("/api/v1/tenants/initech/providers/openai", key: root,
                                          json: #"{"endpoint": "http://127.0.0.1:\#(port)/v1", "api_key": "sk-initech-2"}"#)
            #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat")).status == 200)
            #expect(try await Self.providerCalls(live).last! == ("openai", fingerprint("sk-initech-2")))

            // The manual switch: the alias now routes to Anthropic, and stays there.
            _ = try await live.client.put("/api/v1/tenants/initech/providers/anthropic", key: root,
                                          json: #"{"endpoint": "http://127.0.0.1:\#(port)", "api_key": "sk-ant-initech"}"#)
            let switched = try await live.client.put("/api/v1/tenants/initech/aliases/chat", key: root,
                                                     json: #"{"provider": "anthropic", "model": "claude-3-5-haiku-latest"}"#)
            #expect(switched.status == 200 && switched.json?["provider"] as? String == "anthropic")
            for _ in 0..<2 {
                #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat")).status == 200)
                #expect(try await Self.providerCalls(live).last! == ("anthropic", fingerprint("sk-ant-initech")))
            }
            let audit = try await live.client.get("/api/v1/platform/audit?target=tenant:initech/alias:chat", key: root)
            #expect(audit.body.contains("alias.switch_provider") && audit.body.contains("\"actor\":\"user:root\""), "\(audit.body)")

            // A key limited to one alias; an unknown alias; revocation.
            _ = try await live.client.put("/api/v1/tenants/initech/aliases/other", key: root, json: #"{"provider": "openai", "model": "gpt-4o"}"#)
            let limited = try await live.client.post("/api/v1/tenants/initech/virtual-keys", key: root, json: #"{"models": ["chat"]}"#)
            let limitedKey = try #require(limited.json?["key"] as? String)
            #expect(try await live.client.post("/v1/chat/completions", key: limitedKey, json: Self.chat("chat")).status == 200)
            #expect(try await live.client.post("/v1/chat/completions", key: limitedKey, json: Self.chat("other")).status == 403)
            #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("other")).status == 200)
            #expect(try await live.client.delete("/api/v1/tenants/initech/virtual-keys/\(keyID)", key: root).status == 204)
            #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat")).status == 401)
            #expect(try await live.client.delete("/api/v1/tenants/initech/aliases/other", key: root).status == 204)
            #expect(try await live.client.post("/v1/chat/completions", key: limitedKey, json: Self.chat("other")).status == 403)

            // Suspending the tenant: 403 at once; resuming: served again.
            #expect(try await live.client.post("/api/v1/tenants/initech/suspend", key: root, json: "{}").status == 200)
            #expect(try await live.client.post("/v1/chat/completions", key: limitedKey, json: Self.chat("chat")).status == 403)
            #expect(try await live.client.post("/api/v1/tenants/initech/resume", key: root, json: "{}").status == 200)
            #expect(try await live.client.post("/v1/chat/completions", key: limitedKey, json: Self.chat("chat")).status == 200)
        }
    }

    @Test func badVirtualKeyAndAliasBodiesAreProblems() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            for body in [#"{"models": []}"#, #"{"models": "chat"}"#, #"{"expires_at": "tomorrow"}"#, #"{"expires_at": "2001-01-01T00:00:00Z"}"#,
                         #"{"expires_at": "2300-01-01T00:00:00Z"}"#, #"{"nope": 1}"#] {
                let r = try await live.client.post("/api/v1/tenants/acme/virtual-keys", key: root, json: body)
                #expect(r.status == 422 || r.status == 400, "\(body) → \(r.status)")
                #expect(r.headers["content-type"]?.contains("problem+json") == true)
            }
            for body in [#"{"provider": "openrouter", "model": "x"}"#, #"{"provider": "openai"}"#, #"{"provider": "openai", "model": "a b"}"#] {
                #expect(try await live.client.put("/api/v1/tenants/acme/aliases/chat", key: root, json: body).status == 422, "\(body)")
            }
            #expect(try await live.client.put("/api/v1/tenants/acme/aliases/doc-chat", key: root, json: #"{"provider": "openai", "model": "m"}"#).status == 422)
            #expect(try await live.client.delete("/api/v1/tenants/acme/virtual-keys/vk_nope", key: root).status == 404)
            let fractional = try await live.client.post("/api/v1/tenants/acme/virtual-keys", key: root, json: #"{"expires_at": "2099-06-30T12:00:00.250Z"}"#)
            #expect(fractional.status == 201 && (fractional.json?["expires_at"] as? String)?.hasPrefix("2099-06-30T12:00:00") == true, "\(fractional.body)")
            // A viewer sees aliases but not keys, and changes neither.
            let viewer = try await live.token("vera", roles: ["viewer"])
            #expect(try await live.client.get("/api/v1/tenants/acme/aliases", key: viewer).status == 200)
            #expect(try await live.client.get("/api/v1/tenants/acme/virtual-keys", key: viewer).status == 403)
            #expect(try await live.client.put("/api/v1/tenants/acme/aliases/chat", key: viewer, json: #"{"provider": "openai", "model": "m"}"#).status == 403)
        }
    }

    @Test func aQuotaSetThroughTheAPIIsEnforcedOnTheNextCall() async throws {
        try await LivePlatform.with { live in
            func call() async throws -> Int {
                try await live.client.post("/v1/chat/completions", key: "dk-acme", json: Self.chat("chat")).status
            }
            for _ in 0..<3 { #expect(try await call() == 200) }
            let owner = try await live.token("olga", roles: ["owner"])
            let put = try await live.client.put("/api/v1/tenants/acme/quotas/requests_per_minute", key: owner, json: #"{"limit": 2}"#)
            #expect(put.status == 200, "\(put.body)")
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await call()) }
            #expect(statuses == [200, 200, 429, 429], "\(statuses)")
            // Dropping the override lifts the limit again.
            #expect(try await live.client.delete("/api/v1/tenants/acme/quotas/requests_per_minute", key: owner).status == 200)
            #expect(try await call() == 200)
        }
    }

    @Test func theServeFileOnlySeedsWhatTheDatabaseLacks() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            let keys = try await live.client.get("/api/v1/tenants/acme/virtual-keys", key: root)
            let listed = try JSONSerialization.jsonObject(with: Data(keys.body.utf8)) as? [[String: Any]]
            let fileKey = try #require(listed?.first?["id"] as? String)
            #expect(fileKey == "acme-key-1")
            // The API switches the file's alias and revokes the file's key...
            #expect(try await live.client.put("/api/v1/tenants/acme/aliases/chat", key: root,
                                              json: #"{"provider": "gemini", "model": "gemini-2.0-flash"}"#).status == 200)
            #expect(try await live.client.delete("/api/v1/tenants/acme/virtual-keys/\(fileKey)", key: root).status == 204)
            #expect(try await live.client.post("/v1/chat/completions", key: "dk-acme", json: Self.chat("chat")).status == 401)
            // ...and deletes the file's gemini provider...
            #expect(try await live.client.delete("/api/v1/tenants/acme/providers/gemini", key: root).status == 204)
            // ...and a restart with the same file (twice) changes nothing.
            for _ in 0..<2 {
                let again = GatewayControlPlane(gateway: live.gateway, service: live.service,
                                                fileTenants: live.settings.tenants.map { $0.gatewayConfig() }, logger: LiveHarness.quiet)
                try await again.start()
            }
            #expect(try await live.client.post("/v1/chat/completions", key: "dk-acme", json: Self.chat("chat")).status == 401)
            let store = try await live.service.tenantStore(try TenantID("acme"))
            #expect(try await store.virtualKeys().count == 1)
            #expect(try await store.aliases().map(\.provider) == ["gemini"])
            #expect(try await store.providers().map(\.id) == ["openai"])
        }
    }

    /// A key removed from the serve file stays valid (the database wins), and start-up names it.
    @Test func keysNoLongerInTheFileAreNamed() async throws {
        try await LivePlatform.with { live in
            var config = live.settings.tenants[0].gatewayConfig()
            let again = try await live.service.seedGateway(config)
            #expect(!again.stored && again.keysNoLongerInFile.isEmpty)
            config.virtualKeys = []
            let without = try await live.service.seedGateway(config)
            #expect(!without.stored && without.keysNoLongerInFile == ["acme-key-1"])
        }
    }

    /// Tenant ids cannot be taken for the control plane's other scopes: a tenant named
    /// `tenants` has its changes served like any other.
    @Test func aTenantNamedLikeAScopeIsServed() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            let port = live.providers.base.split(separator: ":").last.map(String.init)!
            for id in ["tenants", "flags"] {
                #expect(try await live.client.post("/api/v1/tenants", key: root, json: #"{"id": "\#(id)"}"#).status == 201)
                _ = try await live.client.put("/api/v1/tenants/\(id)/providers/openai", key: root,
                                              json: #"{"endpoint": "http://127.0.0.1:\#(port)/v1", "api_key": "sk-x"}"#)
                _ = try await live.client.put("/api/v1/tenants/\(id)/aliases/chat", key: root, json: #"{"provider": "openai", "model": "gpt-4o-mini"}"#)
                let created = try await live.client.post("/api/v1/tenants/\(id)/virtual-keys", key: root, json: "{}")
                let key = try #require(created.json?["key"] as? String), keyID = try #require(created.json?["id"] as? String)
                #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat")).status == 200)
                #expect(try await live.client.delete("/api/v1/tenants/\(id)/virtual-keys/\(keyID)", key: root).status == 204)
                #expect(try await live.client.post("/v1/chat/completions", key: key, json: Self.chat("chat")).status == 401)
            }
        }
    }

    /// A suspended serve-file tenant does not stop a start: it is loaded, and refused with 403.
    @Test func aSuspendedFileTenantIsLoadedAndRefused() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            #expect(try await live.client.post("/api/v1/tenants/acme/suspend", key: root, json: "{}").status == 200)
            let again = GatewayControlPlane(gateway: live.gateway, service: live.service,
                                            fileTenants: live.settings.tenants.map { $0.gatewayConfig() }, logger: LiveHarness.quiet)
            try await again.start()
            let refused = try await live.client.post("/v1/chat/completions", key: "dk-acme", json: Self.chat("chat"))
            #expect(refused.status == 403 && refused.errorCode == "tenant_suspended", "\(refused.body)")
        }
    }

    /// A tenant that fails to load (here: a key whose digest another tenant's key has) keeps
    /// what the gateway had, and is tried again at every poll until it loads.
    @Test func aTenantThatFailedToLoadIsRetriedAtTheNextPoll() async throws {
        try await LivePlatform.with { live in
            let root = try await live.rootToken()
            #expect(try await live.client.post("/api/v1/tenants", key: root, json: #"{"id": "beta"}"#).status == 201)
            let store = try await live.service.tenantStore(try TenantID("beta"))
            try await store.insertVirtualKey(StoredVirtualKey(id: "stolen", name: "stolen", digestHex: KeyDigest(of: "dk-acme").hex, models: nil,
                                                              expiresAt: nil, createdAt: Date(), createdBy: "test"))
            #expect(try await live.client.put("/api/v1/tenants/beta/aliases/chat", key: root, json: #"{"provider": "openai", "model": "m"}"#).status == 200)
            #expect(live.gateway.core.tenants["beta"]?.aliases["chat"] == nil)  // refused: acme's key
            #expect(try await live.client.post("/v1/chat/completions", key: "dk-acme", json: Self.chat("chat")).status == 200)
            _ = try await store.revokeVirtualKey(id: "stolen", now: Date())  // fixed behind the API's back: no version moves
            await live.controlPlane.poll()
            #expect(live.gateway.core.tenants["beta"]?.aliases["chat"]?.activeModel == "m")
        }
    }

    /// Flag edits on two replicas start from what is stored, not from each one's memory:
    /// neither loses the other's.
    @Test func flagEditsOnTwoReplicasKeepEachOthers() async throws {
        try await LivePlatform.with { live in
            let service2 = try await live.secondReplicaService()
            try await service2.loadFlags(seed: nil)
            let root = try await live.rootToken()
            func onReplica2(_ method: String, _ path: String, _ body: String) async -> Int {
                await service2.handle(APIRequest(method: method, path: path, headers: ["authorization": "Bearer " + root], body: Array(body.utf8))).status
            }
            // Definitions: one feature added on each replica.
            #expect(try await live.client.put("/api/v1/flags/features/alpha", key: root, json: #"{"enabled": true}"#).status == 200)
            #expect(await onReplica2("PUT", "/api/v1/flags/features/beta", #"{"enabled": true}"#) == 200)
            let stored = try #require(try await live.service.platform.setting("flags")).rawValue
            #expect(stored.contains("alpha") && stored.contains("beta"), "\(stored)")
            // Overrides: one on each replica, both kept.
            #expect(try await live.client.put("/api/v1/flags/tenants/acme/features/alpha", key: root, json: #"{"enabled": false}"#).status == 200)
            #expect(await onReplica2("PUT", "/api/v1/flags/tenants/acme/features/beta", #"{"enabled": false}"#) == 200)
            let overrides = try #require(try await live.service.tenantStore(try TenantID("acme")).settings()["flags"]).rawValue
            #expect(overrides.contains("alpha") && overrides.contains("beta"), "\(overrides)")
        }
    }

    @Test func aSecondReplicaServesAChangeAfterItsNextPoll() async throws {
        try await LivePlatform.with { live in
            // A second replica on the same databases, with its own gateway and control plane.
            let service2 = try await live.secondReplicaService()
            let transport2 = ProviderHTTPTransport()
            let gateway2 = try LiveHarness.gateway(live.settings, transport: transport2, platformAPI: PlatformAPIRoutes(service: service2))
            let plane2 = GatewayControlPlane(gateway: gateway2, service: service2, fileTenants: live.settings.tenants.map { $0.gatewayConfig() },
                                             logger: LiveHarness.quiet)
            try await plane2.start()
            #expect(gateway2.core.tenants["acme"]?.aliases["chat"]?.active == .openai)

            let root = try await live.rootToken()
            _ = try await live.client.put("/api/v1/tenants/acme/aliases/chat", key: root, json: #"{"provider": "gemini", "model": "gemini-2.0-flash"}"#)
            let created = try await live.client.post("/api/v1/tenants/acme/virtual-keys", key: root, json: "{}")
            let digest = KeyDigest(of: try #require(created.json?["key"] as? String))
            #expect(gateway2.core.tenants["acme"]?.aliases["chat"]?.active == .openai)  // not yet
            await plane2.poll()
            #expect(gateway2.core.tenants["acme"]?.aliases["chat"]?.active == .gemini)
            #expect(gateway2.core.tenants["acme"]?.virtualKeys.contains { $0.digest == digest } == true)

            // A tenant created on the first replica appears on the second.
            _ = try await live.client.post("/api/v1/tenants", key: root, json: #"{"id": "umbrella"}"#)
            await plane2.poll()
            #expect(gateway2.tenantIDs == ["acme", "umbrella"])
            try await transport2.shutdown()
        }
    }
}
