import Base

/// JSON schemas of the Platform API's bodies, for the OpenAPI document.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var v: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { v["required"] = .array(required.map(JSONValue.string)) }
        return .object(v)
    }
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static let string: JSONValue = ["type": "string"]
    static let strings: JSONValue = array(string)
    static let nullableString: JSONValue = ["type": ["string", "null"]]

    static let tenant = object(["id": string, "name": string, "status": ["type": "string", "enum": ["provisioning", "active", "suspended", "failed"]],
                                "database": string, "failure": string], required: ["id", "name", "status", "database"])
    static let createTenant = object(["id": ["type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"], "name": string], required: ["id"])
    static let me = object(["subject": string, "kind": string, "tenant": nullableString, "roles": strings, "user_id": nullableString])
    static let role = object(["name": string, "description": string])
    static let user = object(["id": string, "subject": string, "email": nullableString, "name": nullableString, "roles": strings])
    static let createUser = object(["subject": string, "email": string, "name": string, "roles": strings], required: ["subject"])
    static let provider = object(["id": string, "kind": string, "endpoint": string, "updated_at": string,
                                  "api_key": object(["set": ["type": "boolean"], "sealed_with": string])])
    static let putProvider = object(["kind": ["type": "string", "enum": .array(ProviderKind.allCases.map { .string($0.rawValue) })],
                                     "endpoint": ["type": "string", "format": "uri"], "api_key": ["type": "string", "writeOnly": true]],
                                    required: ["api_key"])
    static let quotas = object(["defaults": object([:]), "overrides": object([:]), "effective": object([:])])
    static let putQuota = object(["limit": ["type": "number", "minimum": 0]], required: ["limit"])
    static let effective = object(["tenant": string, "providers": object([:]), "quotas": object([:]), "origins": object([:])])
    static let apiKey = object(["id": string, "name": string, "roles": strings, "created_by": string, "created_at": string,
                                "revoked_at": nullableString, "key": ["type": "string", "description": "Only in the answer to its creation."]])
    static let virtualKey = object(["id": string, "name": string, "models": ["type": ["array", "null"], "items": string],
                                    "expires_at": nullableString, "created_by": string, "created_at": string, "revoked_at": nullableString,
                                    "last_used_at": nullableString,
                                    "key": ["type": "string", "description": "Only in the answer to its creation."]])
    static let createVirtualKey = object(["name": string, "models": strings, "expires_at": ["type": "string", "format": "date-time"]])
    static let alias = object(["alias": string, "provider": string, "model": string, "targets": object([:]), "updated_by": string,
                               "updated_at": string])
    static let putAlias = object(["provider": ["type": "string", "enum": .array(ProviderKind.allCases.map { .string($0.rawValue) })],
                                  "model": string], required: ["provider", "model"])
    static let createAPIKey = object(["name": string, "roles": strings], required: ["name", "roles"])
    static let usageTotals = object(["calls": ["type": "integer"], "errors": ["type": "integer"], "prompt_tokens": ["type": "integer"],
                                     "completion_tokens": ["type": "integer"], "cost_micros": ["type": "integer"], "cost_usd": string])
    static let usage = object(["tenant": string, "window": object(["name": string, "from": string, "to": string]), "source": string,
                               "totals": usageTotals, "by_model": object([:]), "by_key": object([:]), "by_status": object([:])])
    static let submitDocuments = object(["documents": array(object(["name": string, "format": ["type": "string", "enum": ["text", "markdown", "html", "pdf"]],
                                                                     "content": string, "content_base64": string], required: ["name"]))],
                                        required: ["documents"])
    static let job = object(["id": string, "status": ["type": "string", "enum": ["queued", "running", "succeeded", "partially_failed", "failed"]],
                             "documents": strings, "outcomes": array(object([:])), "counts": object([:]), "attempts": ["type": "integer"],
                             "submitted_at": string, "started_at": nullableString, "finished_at": nullableString])
    static let ragQuery = object(["question": string, "top_k": ["type": "integer", "minimum": 1, "maximum": 50],
                                  "mode": ["type": "string", "enum": ["bm25", "dense", "hybrid"]],
                                  "filter": object(["document": ["oneOf": [string, strings]]])], required: ["question"])
    static let flagState = object(["enabled": ["type": "boolean"], "value": [:]], required: ["enabled"])
    static let putFlag = object(["enabled": ["type": "boolean"], "value": [:], "description": string,
                                 "variants": array(object(["value": [:], "weight": ["type": "number"]])),
                                 "rollout": ["type": "number", "minimum": 0, "maximum": 100]])
    static let flag = object(["name": string, "enabled": ["type": "boolean"], "value": [:], "reason": string])
    static let flagDefinitions = object(["features": array(object([:])), "segments": array(object([:]))])
    static let problem = object(["type": string, "title": string, "status": ["type": "integer"], "detail": string, "code": string],
                                required: ["type", "title", "status", "detail"])
}

extension APIService {
    /// The OpenAPI 3.1 document of ``routes``: every path and method, parameters, bodies,
    /// problem answers, the bearer security scheme, and `x-dcoder-resource` / `x-dcoder-action`
    /// naming what the access policy decides on.
    public func openAPIDocument() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in Self.routes {
            var operation: [String: JSONValue] = [
                "operationId": .string(route.operationID), "summary": .string(route.summary),
                "x-dcoder-resource": .string(route.resourceName), "x-dcoder-action": .string(route.action),
            ]
            if !route.parameterNames.isEmpty {
                operation["parameters"] = .array(route.parameterNames.map { name in
                    ["name": .string(name), "in": "path", "required": true, "schema": Schema.string]
                })
            }
            if let request = route.requestSchema {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": request]]]
            }
            var responses: [String: JSONValue] = [:]
            var success: [String: JSONValue] = ["description": "Success"]
            if let body = route.responseSchema { success["content"] = ["application/json": ["schema": body]] }
            responses[String(route.successStatus)] = .object(success)
            if route.operationID == "createTenant" { responses["200"] = ["description": "The tenant already existed"] }
            let problem: JSONValue = ["description": "Problem details", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
            var failures = ["default"]
            if route.access != .open { failures += ["401"] }
            if route.access == .policy { failures += ["403"] }
            for code in failures { responses[code] = problem }
            operation["responses"] = .object(responses)
            operation["security"] = route.access == .open ? [] : [["bearer": []]]
            var item = paths[route.pattern]?.objectValue ?? [:]
            item[route.method.lowercased()] = .object(operation)
            paths[route.pattern] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "D.Coder Platform API", "version": "1",
                     "description": "Tenants, users and roles, provider configurations, quotas and configuration. Errors are RFC 9457 problem details."],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer",
                                               "description": "An OIDC access token from the platform's identity provider, or a Platform API key (dcp_…)."]],
                "schemas": ["Problem": Schema.problem],
            ],
        ]
    }
}
