import Foundation
@testable import Live
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
}
