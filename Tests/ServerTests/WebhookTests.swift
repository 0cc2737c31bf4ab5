import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Server

/// Webhooks are authenticated over the raw body by the project's secret and queued once per delivery; a refused
/// delivery leaves nothing behind and says nothing about which projects exist.
@Suite struct WebhookTests {
    static let secret = "hook-secret-1"
    static let sha = "0123456789abcdef0123456789abcdef01234567"

    static func harnessWithProject() throws -> ServerHarness {
        let harness = try ServerHarness()
        let sealed = try harness.parts.api.secrets.seal(secret)
        _ = try harness.store.addProject(
            ProjectRow(name: "app", repository: "/srv/git/app.git", defaultBranch: "main", webhookSecret: sealed, createdAt: 0))
        return harness
    }

    @Test func aSignedPushIsQueuedOnceAndARedeliveryStartsNothing() async throws {
        let harness = try Self.harnessWithProject()
        defer { harness.remove() }
        let body = ServerHarness.push(repository: "/srv/git/app.git", sha: Self.sha)
        let headers = ServerHarness.github("push", delivery: "d-1", body: body, secret: Self.secret)
        try await harness.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/hooks/github", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .accepted)
                #expect(String(buffer: response.body) == #"{"delivery_id":1,"duplicate":false}"#)
            }
            try await client.execute(uri: "/api/v1/hooks/github", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"delivery_id":1,"duplicate":true}"#)
            }
        }
        let events = try harness.store.events()
        #expect(events.count == 1)
        #expect(events.first?.ref == "refs/heads/main" && events.first?.sha == Self.sha && events.first?.state == "queued")
    }

    @Test func refusedDeliveriesLeaveNothingBehind() async throws {
        let harness = try Self.harnessWithProject()
        defer { harness.remove() }
        let body = ServerHarness.push(repository: "/srv/git/app.git", sha: Self.sha)
        let unknown = ServerHarness.push(repository: "/srv/git/other.git", sha: Self.sha)
        try await harness.application().test(.router) { client in
            // A wrong secret, a tampered body, an unknown repository, a missing signature: 401 alike.
            let cases: [(HTTPFields, String)] = [
                (ServerHarness.github("push", delivery: "w-1", body: body, secret: "wrong"), body),
                (ServerHarness.github("push", delivery: "w-2", body: body, secret: Self.secret), body + " "),
                (ServerHarness.github("push", delivery: "w-3", body: unknown, secret: Self.secret), unknown),
                (
                    {
                        var fields = ServerHarness.github("push", delivery: "w-4", body: body, secret: Self.secret)
                        fields[HTTPField.Name("X-Hub-Signature-256")!] = nil
                        return fields
                    }(), body
                ),
                (
                    {
                        var fields = ServerHarness.github("push", delivery: "w-5", body: body, secret: Self.secret)
                        fields[HTTPField.Name("X-Hub-Signature-256")!] = "sha1=" + ServerHarness.hmac(body, Self.secret)
                        return fields
                    }(), body
                ),
            ]
            for (headers, sent) in cases {
                try await client.execute(uri: "/api/v1/hooks/github", method: .post, headers: headers, body: ByteBuffer(string: sent)) {
                    #expect($0.status == .unauthorized)
                    #expect(String(buffer: $0.body) == #"{"message":"401 Unauthorized"}"#)
                }
            }
            // Over GitHub's 25 MiB: 413 before anything is read.
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: (25 << 20) + 1)
            try await client.execute(
                uri: "/api/v1/hooks/github", method: .post,
                headers: ServerHarness.github("push", delivery: "w-6", body: "", secret: Self.secret),
                body: huge
            ) { #expect($0.status == .contentTooLarge) }
            // Not JSON: 400.
            try await client.execute(
                uri: "/api/v1/hooks/github", method: .post,
                headers: ServerHarness.github("push", delivery: "w-7", body: "[1", secret: Self.secret),
                body: ByteBuffer(string: "[1")
            ) { #expect($0.status == .badRequest) }
        }
        #expect(try harness.store.events().isEmpty)
    }

    @Test func pingsDeletionsAndOtherEventsAreAnsweredWithoutQueueing() async throws {
        let harness = try Self.harnessWithProject()
        defer { harness.remove() }
        let ping = #"{"zen":"Keep it logically awesome.","hook_id":1,"repository":{"clone_url":"/srv/git/app.git"}}"#
        let deleted = ServerHarness.push(repository: "/srv/git/app.git", sha: String(repeating: "0", count: 40))
        let issue = #"{"action":"opened","repository":{"clone_url":"/srv/git/app.git"}}"#
        try await harness.application().test(.router) { client in
            for (event, body, answer) in [("ping", ping, "pong"), ("push", deleted, "deleted"), ("issues", issue, "'issues'")] {
                let headers = ServerHarness.github(event, delivery: "p-\(event)", body: body, secret: Self.secret)
                try await client.execute(uri: "/api/v1/hooks/github", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                    #expect(String(buffer: $0.body).contains(answer))
                }
            }
        }
        #expect(try harness.store.events().isEmpty)
    }

    @Test func formDeliveriesPullRequestsGitLabAndGiteaAreRead() async throws {
        let harness = try Self.harnessWithProject()
        defer { harness.remove() }
        try await harness.application().test(.router) { client in
            // GitHub's form encoding: the signature covers the form as sent.
            let json = ServerHarness.push(repository: "/srv/git/app.git", sha: Self.sha)
            let form = "payload=" + (json.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            var headers = ServerHarness.github("push", delivery: "f-1", body: form, secret: Self.secret)
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/api/v1/hooks/github", method: .post, headers: headers, body: ByteBuffer(string: form)) {
                #expect($0.status == .accepted)
            }
            let pull = """
                {"action":"synchronize","number":7,"pull_request":{"number":7,"head":{"ref":"feature","sha":"\(Self.sha)"},\
                "base":{"ref":"main"}},"repository":{"full_name":"app","clone_url":"https://example.invalid/x/app.git"}}
                """
            try await client.execute(
                uri: "/api/v1/hooks/github?project=app", method: .post,
                headers: ServerHarness.github("pull_request", delivery: "f-2", body: pull, secret: Self.secret),
                body: ByteBuffer(string: pull)
            ) { #expect($0.status == .accepted) }
            let gitlab = """
                {"object_kind":"push","ref":"refs/tags/v1.0.0","before":"\(String(repeating: "0", count: 40))","after":"\(Self.sha)",\
                "checkout_sha":"\(Self.sha)","project":{"git_http_url":"/srv/git/app.git","path_with_namespace":"team/app"}}
                """
            var gitlabHeaders = HTTPFields()
            gitlabHeaders[HTTPField.Name("X-Gitlab-Event")!] = "Tag Push Hook"
            gitlabHeaders[HTTPField.Name("X-Gitlab-Token")!] = Self.secret
            gitlabHeaders[HTTPField.Name("X-Gitlab-Event-UUID")!] = "g-1"
            try await client.execute(uri: "/api/v1/hooks/gitlab", method: .post, headers: gitlabHeaders, body: ByteBuffer(string: gitlab)) {
                #expect($0.status == .accepted)
            }
            gitlabHeaders[HTTPField.Name("X-Gitlab-Token")!] = Self.secret + "x"
            gitlabHeaders[HTTPField.Name("X-Gitlab-Event-UUID")!] = "g-2"
            try await client.execute(uri: "/api/v1/hooks/gitlab", method: .post, headers: gitlabHeaders, body: ByteBuffer(string: gitlab)) {
                #expect($0.status == .unauthorized)
            }
            // Another commit: the same push from a second forge would be one push.
            let gitea = ServerHarness.push(repository: "/srv/git/app.git", ref: "refs/heads/next", sha: Self.sha)
            var giteaHeaders = HTTPFields()
            giteaHeaders[HTTPField.Name("X-Gitea-Event")!] = "push"
            giteaHeaders[HTTPField.Name("X-Gitea-Delivery")!] = "t-1"
            giteaHeaders[HTTPField.Name("X-Gitea-Signature")!] = ServerHarness.hmac(gitea, Self.secret)
            try await client.execute(uri: "/api/v1/hooks/gitea", method: .post, headers: giteaHeaders, body: ByteBuffer(string: gitea)) {
                #expect($0.status == .accepted)
            }
        }
        let events = try harness.store.events().reversed().map {
            "\($0.source) \($0.event) \($0.action ?? "-") \($0.ref) \($0.baseRef ?? "-")"
        }
        #expect(
            Array(events) == [
                "github push - refs/heads/main -", "github pull_request synchronize refs/pull/7/merge main",
                "gitlab push - refs/tags/v1.0.0 -",
                "gitea push - refs/heads/next -",
            ])
    }
}
