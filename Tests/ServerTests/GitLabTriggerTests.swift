import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayTesting
import Store
import Testing

@testable import Server

/// GitLab's pipeline trigger API as seed 002 calls it (`curl --form token=… --form ref=main --form "variables[…]=…"`).
@Suite struct GitLabTriggerTests {
    /// A harness with two projects over one real repository (a branch and a tag), and a trigger token for the first.
    static func setUp() async throws -> (harness: ServerHarness, repository: TemporaryRepository, token: String, sha: String) {
        let harness = try ServerHarness()
        let repository = try TemporaryRepository.make()
        try repository.write(".gitlab-ci.yml", "build:\n  script: [echo hi]\n")
        try repository.commitAll("ci")
        try repository.git(["tag", "v1.0.0"])
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for name in ["shop", "other"] {
            _ = try harness.store.addProject(
                ProjectRow(name: name, repository: repository.path, defaultBranch: "main", webhookSecret: nil, createdAt: 0))
        }
        let token = try await harness.application().test(.router) { client in
            var token = ""
            var headers = HTTPFields()
            headers[HTTPField.Name("PRIVATE-TOKEN")!] = harness.adminToken
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/api/v4/projects/1/triggers", method: .post, headers: headers, body: ByteBuffer(string: "description=deploy")
            ) { response in
                #expect(response.status == .created)
                token = (ServerHarness.json(response.body) as? [String: Any])?["token"] as? String ?? ""
            }
            return token
        }
        #expect(token.hasPrefix("glptt-"))
        return (harness, repository, token, sha)
    }

    static func multipart(_ fields: [(String, String)], boundary: String = "------------------------slipway42") -> (HTTPFields, ByteBuffer)
    {
        var text = ""
        for (name, value) in fields {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)--\r\n"
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (headers, ByteBuffer(string: text))
    }

    @Test func formMultipartAndJSONTriggersCreatePipelinesAsGitLabAnswers() async throws {
        let (harness, repository, token, sha) = try await Self.setUp()
        defer {
            harness.remove()
            repository.remove()
        }
        try await harness.application().test(.router) { client in
            let (multipartHeaders, multipartBody) = Self.multipart([("token", token), ("ref", "main"), ("variables[IMAGE_TAG]", "abc123")])
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: multipartHeaders, body: multipartBody
            ) {
                response in
                #expect(response.status == .created)
                let object = ServerHarness.json(response.body) as? [String: Any] ?? [:]
                #expect(object["id"] as? Int == 1 && object["iid"] as? Int == 1 && object["project_id"] as? Int == 1)
                #expect(object["sha"] as? String == sha && object["ref"] as? String == "main" && object["tag"] as? Bool == false)
                #expect(object["status"] as? String == "created" && object["source"] as? String == "trigger")
                #expect((object["web_url"] as? String)?.hasSuffix("/shop/-/pipelines/1") == true)
                #expect(object.keys.contains("yaml_errors") && object["yaml_errors"] is NSNull)
                #expect((object["created_at"] as? String)?.hasSuffix("Z") == true)
            }
            var formHeaders = HTTPFields()
            formHeaders[.contentType] = "application/x-www-form-urlencoded"
            // The project by its URL-encoded path; a tag.
            try await client.execute(
                uri: "/api/v4/projects/team%2Fshop/trigger/pipeline", method: .post, headers: formHeaders,
                body: ByteBuffer(string: "token=\(token)&ref=v1.0.0&variables%5BDEPLOY%5D=yes")
            ) { response in
                #expect(response.status == .created)
                let object = ServerHarness.json(response.body) as? [String: Any] ?? [:]
                #expect(object["iid"] as? Int == 2 && object["tag"] as? Bool == true && object["sha"] as? String == sha)
            }
            var jsonHeaders = HTTPFields()
            jsonHeaders[.contentType] = "application/json"
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: jsonHeaders,
                body: ByteBuffer(string: #"{"token":"\#(token)","ref":"main","variables":{"A":"1","B":"two"}}"#)
            ) { #expect($0.status == .created) }
            // The webhook form: the body becomes TRIGGER_PAYLOAD.
            try await client.execute(
                uri: "/api/v4/projects/1/ref/main/trigger/pipeline?token=\(token)", method: .post, headers: jsonHeaders,
                body: ByteBuffer(string: #"{"object_kind":"push"}"#)
            ) { #expect($0.status == .created) }
        }
        let pipelines = try (1...4).compactMap { try harness.store.pipeline(id: Int64($0), projectId: 1) }
        #expect(pipelines.map(\.variables) == [#"{"IMAGE_TAG":"abc123"}"#, #"{"DEPLOY":"yes"}"#, #"{"A":"1","B":"two"}"#, "{}"])
        // TRIGGER_PAYLOAD: the parameters without the token, or the webhook form's body.
        #expect(
            pipelines.map(\.triggerPayload) == [
                #"{"id":"1","ref":"main","variables":{"IMAGE_TAG":"abc123"}}"#,
                #"{"id":"team/shop","ref":"v1.0.0","variables":{"DEPLOY":"yes"}}"#,
                #"{"id":"1","ref":"main","variables":{"A":"1","B":"two"}}"#, #"{"object_kind":"push"}"#,
            ])
        // Only the token's hash is stored.
        #expect(!harness.databaseBytes().contains(token))
    }

    @Test func badTokensUnknownProjectsAndOtherProjectsTokensLookAlike() async throws {
        let (harness, repository, token, _) = try await Self.setUp()
        defer {
            harness.remove()
            repository.remove()
        }
        try await harness.application().test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            for (uri, body) in [
                ("/api/v4/projects/1/trigger/pipeline", "token=glptt-wrong&ref=main"),
                ("/api/v4/projects/99/trigger/pipeline", "token=\(token)&ref=main"),
                ("/api/v4/projects/nowhere/trigger/pipeline", "token=\(token)&ref=main"),
                ("/api/v4/projects/2/trigger/pipeline", "token=\(token)&ref=main"),
            ] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .notFound, "\(uri)")
                    #expect(String(buffer: $0.body) == #"{"message":"404 Not Found"}"#)
                }
            }
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: headers, body: ByteBuffer(string: "ref=main")
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: headers,
                body: ByteBuffer(string: "token=\(token)&ref=no-such-branch")
            ) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("Reference not found"))
            }
            var json = HTTPFields()
            json[.contentType] = "application/json"
            for variables in [#"["A"]"#, #"{"A":1}"#, #"{"A":{"B":"c"}}"#, #""text""#] {
                try await client.execute(
                    uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"token":"\#(token)","ref":"main","variables":\#(variables)}"#)
                ) {
                    #expect($0.status == .badRequest, "\(variables)")
                    #expect(String(buffer: $0.body) == #"{"error":"variables is invalid"}"#)
                }
            }
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: headers,
                body: ByteBuffer(string: "token=\(token)&ref=main&variables[A][B]=c")
            ) { #expect($0.status == .badRequest) }
            // Managing triggers needs a Slipway token; listing shows only the token's first characters.
            try await client.execute(uri: "/api/v4/projects/1/triggers", method: .get) { #expect($0.status == .unauthorized) }
            var admin = HTTPFields()
            admin[HTTPField.Name("PRIVATE-TOKEN")!] = harness.adminToken
            try await client.execute(uri: "/api/v4/projects/1/triggers", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains(token))
                let list = ServerHarness.json(response.body) as? [[String: Any]] ?? []
                #expect(list.count == 1 && list.first?["description"] as? String == "deploy")
            }
            try await client.execute(uri: "/api/v4/projects/99/triggers", method: .get, headers: admin) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v4/projects/1/triggers/1", method: .delete, headers: admin) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/api/v4/projects/1/trigger/pipeline", method: .post, headers: headers,
                body: ByteBuffer(string: "token=\(token)&ref=main")
            ) { #expect($0.status == .notFound, "a deleted trigger token") }
        }
        #expect(try harness.store.pipeline(id: 1, projectId: 1) == nil)
    }
}
