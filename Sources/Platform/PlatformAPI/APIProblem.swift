import Base

/// A refused or failed API request, answered as RFC 9457 problem details
/// (`application/problem+json`): `type`, `title`, `status`, `detail` and, where it helps a
/// client branch, a stable `code`.
public struct APIProblem: Error, Sendable, Equatable {
    public var status: Int
    public var title: String
    public var detail: String
    public var code: String?

    public init(status: Int, title: String, detail: String, code: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
    }

    static func badRequest(_ detail: String, code: String? = nil) -> APIProblem {
        APIProblem(status: 400, title: "Bad request", detail: detail, code: code)
    }
    static func unauthorized(_ detail: String, code: String? = nil) -> APIProblem {
        APIProblem(status: 401, title: "Unauthorized", detail: detail, code: code)
    }
    static func forbidden(_ detail: String, code: String? = nil) -> APIProblem {
        APIProblem(status: 403, title: "Forbidden", detail: detail, code: code)
    }
    static func notFound(_ detail: String) -> APIProblem {
        APIProblem(status: 404, title: "Not found", detail: detail, code: "not_found")
    }
    static func invalid(_ detail: String, code: String? = nil) -> APIProblem {
        APIProblem(status: 422, title: "Invalid request", detail: detail, code: code ?? "invalid")
    }

    /// The problem as a response.
    public var response: APIResponse {
        var fields: [String: JSONValue] = [
            "type": "about:blank", "title": .string(title), "status": .int(status), "detail": .string(detail),
        ]
        if let code { fields["code"] = .string(code) }
        var headers = ["content-type": "application/problem+json"]
        if status == 401 { headers["www-authenticate"] = #"Bearer realm="dcoder""# }
        if status == 405 { headers["allow"] = allow ?? "" }
        return APIResponse(status: status, headers: headers, body: APIJSON.encode(.object(fields)))
    }

    /// For 405 answers: the methods the path accepts.
    var allow: String?
}
