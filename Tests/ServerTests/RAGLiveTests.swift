import Foundation
@testable import Mocks
@testable import Server
import Testing

/// Documents and grounded answers through the live server: the answer comes from the
/// tenant's model through the gateway (the mock provider's reader), with citations.
@Suite(.serialized) struct RAGLiveTests {
    @Test func documentsAreIngestedAndAnsweredThroughTheGateway() async throws {
        try await LivePlatform.with(answerer: { gateway, tenant, system, user in
            try await gateway.complete(tenant: tenant, system: system, user: user)
        }) { live in
            let client = TenancyLiveTests.HTTPCaller(base: live.client.base)
            let token = try await live.token("olga", roles: ["owner"])
            let handbook = try String(contentsOfFile: repositoryRoot + "/Corpora/handbook/expenses.md", encoding: .utf8)
            let body = String(decoding: try JSONEncoder().encode(["documents": [["name": "expenses.md", "content": handbook]]]), as: UTF8.self)
            let submitted = await client.call(.json("POST", "/api/v1/tenants/acme/documents", token: token, body: body))
            #expect(submitted.status == 202, "\(submitted.text)")
            await live.service.runIngestion()
            let job = try #require(submitted.json?.objectValue?["id"]?.stringValue)
            let status = await client.call(.json("GET", "/api/v1/tenants/acme/ingestion-jobs/\(job)", token: token))
            #expect(status.json?.objectValue?["status"] == "succeeded", "\(status.text)")
            let answer = await client.call(.json("POST", "/api/v1/tenants/acme/rag/query", token: token,
                                                 body: #"{"question": "Within how many days must expense claims be filed?"}"#))
            let a = try #require(answer.json?.objectValue, "\(answer.text)")
            #expect(a["answer"]?.stringValue?.contains("30 days") == true, "\(answer.text)")
            #expect(a["citations"]?.arrayValue?.first?.objectValue?["document"] == "expenses.md")
            // The answer was a call of the tenant's, through the gateway.
            #expect(live.gateway.usage.totals(for: "acme").calls == 1)

            // The same through the OpenAI-compatible endpoint, as Open WebUI's Doc Chat calls it.
            let chat = try await live.client.post("/v1/chat/completions", key: "dk-acme",
                                                  json: TestClient.chat("doc-chat", "Who approves claims of 500 euros or more?"))
            let content = ((chat.json?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
            #expect(chat.status == 200 && content.contains("finance team") && content.contains("Sources:\n[1] expenses.md"), "\(chat.body)")
            let models = try await live.client.get("/v1/models", key: "dk-acme")
            #expect(models.body.contains(#""id":"doc-chat""#), "\(models.body)")
            let refused = try await live.client.post("/v1/chat/completions", key: "dk-nobody", json: TestClient.chat("doc-chat", "hi"))
            #expect(refused.status == 401)
        }
    }

    /// A tenant with an embedding model: its documents and questions are embedded by its
    /// provider with its key (OpenAI's `/v1/embeddings`, Gemini's `batchEmbedContents`),
    /// each call accounted; a model the allowlist refuses fails the document, not the job.
    @Test(arguments: [("openai/text-embedding-3-small", "/v1/embeddings"), ("gemini/gemini-embedding-001", ":batchEmbedContents")])
    func documentsAreEmbeddedByTheTenantsProvider(model: String, path: String) async throws {
        try await LivePlatform.with(tenant: "embeddings: embed", models: "chat: openai/gpt-4o-mini, embed: \(model)") { live in
            let client = TenancyLiveTests.HTTPCaller(base: live.client.base)
            let token = try await live.token("olga", roles: ["owner"])
            let handbook = try String(contentsOfFile: repositoryRoot + "/Corpora/handbook/expenses.md", encoding: .utf8)
            let body = String(decoding: try JSONEncoder().encode(["documents": [["name": "expenses.md", "content": handbook]]]), as: UTF8.self)
            let submitted = await client.call(.json("POST", "/api/v1/tenants/acme/documents", token: token, body: body))
            await live.service.runIngestion()
            let job = try #require(submitted.json?.objectValue?["id"]?.stringValue, "\(submitted.text)")
            let status = await client.call(.json("GET", "/api/v1/tenants/acme/ingestion-jobs/\(job)", token: token))
            #expect(status.json?.objectValue?["status"] == "succeeded", "\(status.text)")
            let search = await client.call(.json("POST", "/api/v1/tenants/acme/rag/query", token: token,
                                                 body: #"{"question": "Within how many days must expense claims be filed?"}"#))
            #expect(search.text.contains("expenses.md"), "\(search.text)")
            // The provider saw the passages' call and the question's, with acme's key.
            let calls = try await live.providers.get("/_mock/calls").body
            let key = MockProviderServer.fingerprint(model.hasPrefix("gemini") ? "gm-acme" : "sk-acme")
            let embeddingCalls = calls.components(separatedBy: "},").filter { $0.contains(path) }
            #expect(embeddingCalls.count >= 2 && embeddingCalls.allSatisfy { $0.contains(key) }, "\(calls)")
            // Accounted as the tenant's calls, with their cost (both models are priced).
            let totals = live.gateway.usage.totals(for: "acme")
            #expect(totals.calls >= 2 && totals.promptTokens > 0 && totals.costMicros > 0, "\(totals)")
        }
    }

    @Test func anEmbeddingModelOffTheAllowlistFailsTheDocumentWithItsReason() async throws {
        try await LivePlatform.with(tenant: "embeddings: embed", models: "chat: openai/gpt-4o-mini, embed: openai/text-embedding-3-small",
                                    allowlist: "http://127.0.0.1:1") { live in
            let client = TenancyLiveTests.HTTPCaller(base: live.client.base)
            let token = try await live.token("olga", roles: ["owner"])
            let submitted = await client.call(.json("POST", "/api/v1/tenants/acme/documents", token: token,
                                                    body: ##"{"documents": [{"name": "a.md", "content": "# A\n\nSome text."}]}"##))
            await live.service.runIngestion()
            let job = try #require(submitted.json?.objectValue?["id"]?.stringValue, "\(submitted.text)")
            let status = await client.call(.json("GET", "/api/v1/tenants/acme/ingestion-jobs/\(job)", token: token))
            #expect(status.json?.objectValue?["status"] == "failed", "\(status.text)")
            #expect(status.text.contains("embedding failed") && status.text.contains("Outbound call refused"), "\(status.text)")
        }
    }
}
