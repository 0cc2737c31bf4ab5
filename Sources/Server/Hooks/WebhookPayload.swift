import Foundation

/// A delivery's JSON payload, read for what starts runs: which repository it is about and which event it is.
struct WebhookPayload {
    /// What the delivery asks for.
    enum Intent: Equatable {
        case ping
        /// Nothing to run (an event Slipway does not run workflows for, a deleted branch); the text says why.
        case nothing(String)
        case run(event: String, action: String?, ref: String, sha: String, baseRef: String?)
    }

    let provider: WebhookProvider
    let object: [String: Any]
    /// The payload's JSON text (the body, or the form's `payload` field).
    let jsonBody: Data

    /// The payload of `body`: JSON, or for GitHub also a form whose `payload` field holds the JSON.
    init(provider: WebhookProvider, body: Data, contentType: String?) throws(WebhookProblem) {
        self.provider = provider
        var json = body
        if contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let form = String(decoding: body, as: UTF8.self)
            let field = form.split(separator: "&").first { $0.hasPrefix("payload=") }
            guard let field, let decoded = String(field.dropFirst(8)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else {
                throw .badRequest("a form delivery needs its JSON in the field 'payload'")
            }
            json = Data(decoded.utf8)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw .badRequest("the payload must be a JSON object")
        }
        self.object = object
        jsonBody = json
    }

    /// The ways the payload names its repository (clone URLs, web URL, `owner/name`), to find the project it is for.
    var repositoryNames: [String] {
        let keys: [String]
        let container: [String: Any]?
        switch provider {
        case .github, .gitea:
            keys = ["clone_url", "html_url", "ssh_url", "git_url", "url", "full_name"]
            container = object["repository"] as? [String: Any]
        case .gitlab:
            keys = ["git_http_url", "git_ssh_url", "web_url", "http_url", "path_with_namespace"]
            container = object["project"] as? [String: Any]
        }
        return keys.compactMap { container?[$0] as? String }
    }

    static let deletedSHA = String(repeating: "0", count: 40)

    func intent(event: String) throws(WebhookProblem) -> Intent {
        switch (provider, event) {
        case (.github, "ping"), (.gitea, "ping"):
            return .ping
        case (.github, "push"), (.gitea, "push"), (.gitlab, "Push Hook"), (.gitlab, "Tag Push Hook"):
            let ref = try string("ref")
            let checkout = provider == .gitlab ? object["checkout_sha"] as? String : nil
            let after: String
            if let checkout { after = checkout } else { after = try string("after") }
            if after == Self.deletedSHA || (object["deleted"] as? Bool) == true { return .nothing("the ref was deleted: nothing to run") }
            guard Self.isSHA(after) else { throw .badRequest("'after' must be a commit id, got '\(after)'") }
            return .run(event: "push", action: nil, ref: ref, sha: after, baseRef: nil)
        case (.github, "pull_request"), (.gitea, "pull_request"):
            guard let pull = object["pull_request"] as? [String: Any], let head = pull["head"] as? [String: Any],
                let base = pull["base"] as? [String: Any], let sha = head["sha"] as? String, Self.isSHA(sha),
                let baseRef = base["ref"] as? String
            else { throw .badRequest("a pull_request payload needs pull_request.head.sha and pull_request.base.ref") }
            let number = (object["number"] as? Int) ?? (pull["number"] as? Int) ?? 0
            return .run(
                event: "pull_request", action: object["action"] as? String, ref: "refs/pull/\(number)/merge", sha: sha, baseRef: baseRef)
        default:
            return .nothing("Slipway runs no workflows for '\(event)' events")
        }
    }

    private func string(_ key: String) throws(WebhookProblem) -> String {
        guard let value = object[key] as? String else { throw .badRequest("the payload has no string '\(key)'") }
        return value
    }

    static func isSHA(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
