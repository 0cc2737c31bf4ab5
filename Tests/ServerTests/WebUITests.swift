import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayTesting
import Store
import Testing

@testable import Releases
@testable import Server

/// The web UI in process: sign-in with a token sets an HttpOnly, SameSite=Strict cookie; pages need it; a release at
/// its gate shows its steps, weights and analysis chart, with Promote and Abort only for approvers; the cookie alone
/// cannot change anything (the UI's header is needed), and a viewer's forged POST gets 403.
@Suite struct WebUITests {
    static func cookie(_ token: String, ui: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        fields[.cookie] = "\(ServerAPI.sessionCookie)=\(token)"
        fields[.contentType] = "application/json"
        if ui { fields[HTTPField.Name("X-Slipway-UI")!] = "1" }
        return fields
    }

    /// A release at its gate with two success-rate measurements, one failed, in the harness's delivery store.
    static func releaseWithAnalysis(_ harness: ServerHarness) throws -> Release {
        let release = try ReleaseGateTests.releaseAtGate(harness)
        let log = ReleaseLog(store: try DeliveryStore(path: harness.server.deliveryStorePath))
        let start = Date().addingTimeInterval(-20)
        func measurement(_ seconds: Double, _ value: String, _ verdict: String) -> TimelineEntry {
            TimelineEntry(
                at: start.addingTimeInterval(seconds), kind: .measurement, summary: "success-rate = \(value)",
                detail: [
                    "metric": "success-rate", "value": value, "verdict": verdict,
                    "message": "successCondition result >= 0.95 is \(verdict == "Successful" ? "true" : "false") for \(value)",
                ])
        }
        var saved = release
        saved.message = "waiting at a manual gate"
        try log.save(
            saved,
            entries: [
                TimelineEntry(at: start, kind: .weight, summary: "traffic 90/10 (primary/canary)"),
                measurement(5, "0.991", "Successful"), measurement(10, "0.90", "Failed"), measurement(15, "0.998", "Successful"),
            ])
        return release
    }

    @Test func signInPagesAndTheGateFollowTheRole() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let release = try Self.releaseWithAnalysis(harness)
        try await harness.application().test(.router) { client in
            let viewer = try await ReleaseGateTests.token(harness, "vera", role: "viewer", scope: "read", client: client)
            let approver = try await ReleaseGateTests.token(harness, "april", role: "approver", scope: "write", client: client)

            // Without a session every page sends the browser to sign in; the form says nothing about what exists.
            try await client.execute(uri: "/releases/\(release.id)", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/sign-in?next=%2Freleases%2F\(release.id)")
            }
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/sign-in", method: .post, headers: form, body: ByteBuffer(string: "token=slw_nope&next=%2F")) {
                #expect($0.status == .unauthorized)
                #expect(String(buffer: $0.body).contains("That token is not valid"))
                #expect($0.headers[.setCookie] == nil)
            }
            try await client.execute(
                uri: "/sign-in", method: .post, headers: form, body: ByteBuffer(string: "token=\(viewer)&next=%2F%2Fevil.example")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/", "never to another site")
                let cookie = response.headers[.setCookie] ?? ""
                #expect(
                    cookie.hasPrefix("\(ServerAPI.sessionCookie)=\(viewer);") && cookie.contains("HttpOnly")
                        && cookie.contains("SameSite=Strict"))
            }

            // The overview and the release page for a viewer: steps, weights, the chart with its threshold and the
            // failed measurement, and no buttons.
            try await client.execute(uri: "/", method: .get, headers: Self.cookie(viewer)) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("<h1>Overview</h1>") && page.contains("href=\"/releases/\(release.id)\""), "\(page)")
                // No project declares demo-qa here: its card comes from its releases, under its environment.
                #expect(page.contains("<h2>QA</h2>") && page.contains("data-application=\"demo-qa\"") && page.contains("waiting at a gate"))
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            }
            try await client.execute(uri: "/releases/\(release.id)", method: .get, headers: Self.cookie(viewer)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("primary 90% · canary 10%"))
                #expect(page.contains("traffic 90/10 (primary/canary)"))
                #expect(page.contains("success-rate: 3 measurements, 1 failed, threshold result &gt;= 0.950"), "\(page)")
                #expect(page.contains("class=\"threshold\"") && page.contains("class=\"fail\""))
                #expect(page.contains("Waiting at a gate"))
                #expect(!page.contains("id=\"promote\"") && !page.contains("id=\"abort\""), "a viewer is not offered the buttons")
            }
            // A viewer's forged POST: 403 with the UI's header, 401 without it (the cookie alone changes nothing).
            try await client.execute(uri: "/api/v1/applications/demo-qa/promote", method: .post, headers: Self.cookie(viewer, ui: true)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/applications/demo-qa/promote", method: .post, headers: Self.cookie(approver)) {
                #expect($0.status == .unauthorized, "another site's form cannot send X-Slipway-UI")
            }

            // The approver sees the buttons; the UI's POST promotes; the fragment the page swaps in shows the result.
            try await client.execute(uri: "/releases/\(release.id)", method: .get, headers: Self.cookie(approver)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("id=\"promote\"") && page.contains("id=\"abort\"") && page.contains("data-gate=\"demo-qa\""))
            }
            try await client.execute(
                uri: "/api/v1/applications/demo-qa/promote", method: .post, headers: Self.cookie(approver, ui: true),
                body: ByteBuffer(string: #"{"reason":"looks good"}"#)
            ) { #expect($0.status == .ok) }
            var fragment = Self.cookie(approver)
            fragment[HTTPField.Name("X-Slipway-Fragment")!] = "1"
            try await client.execute(uri: "/releases/\(release.id)", method: .get, headers: fragment) { response in
                let page = String(buffer: response.body)
                #expect(!page.contains("<html") && page.contains("<h1>Release #\(release.id)"), "only main's content")
            }
            let decisions = try DeliveryStore(path: harness.server.deliveryStorePath).pendingDecisions(releaseId: release.id)
            #expect(decisions.map(\.actor) == ["april"], "the promotion is recorded with the user's name")

            // Runs and assets; signing out clears the cookie.
            try await client.execute(uri: "/runs", method: .get, headers: Self.cookie(viewer)) {
                #expect(String(buffer: $0.body).contains("<h1>Runs</h1>"))
            }
            try await client.execute(uri: "/ui/app.js", method: .get) {
                #expect($0.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
            try await client.execute(uri: "/sign-out", method: .post, headers: Self.cookie(viewer)) { response in
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    /// The approvals page lists deployments waiting for reviewers; Approve and Reject are offered to those the
    /// environment's rules admit, and a review through the UI's request settles the deployment.
    @Test func approvalsOfferReviewsToThoseTheRulesAdmit() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        // The project's history: v1.1.0 went to prod (approved), then two commits; v1.2.0's deployment waits.
        let repository = try TemporaryRepository.make()
        defer { repository.remove() }
        try repository.write("cart.txt", "v1.1\n")
        try repository.commitAll("release v1.1.0")
        let deployed = try repository.head()
        try repository.write("cart.txt", "v1.1 fixed\n")
        try repository.commitAll("fix the cart's total")
        try repository.write("wishlist.txt", "new\n")
        try repository.commitAll("add the wishlist")
        let waitingCommit = try repository.head()
        let project = try harness.store.addProject(
            ProjectRow(name: "shop", repository: repository.path, defaultBranch: "main", webhookSecret: nil, createdAt: 0))
        try await harness.parts.api.worker.mirrors.refresh(project)
        var earlier = RunStore.Run(
            workflowPath: ".github/workflows/cd.yml", workflowName: "CD", event: "push", ref: "refs/tags/v1.1.0", sha: deployed,
            result: "success", startedAt: Date(), duration: 1, projectId: project.id)
        earlier.status = RunStore.Run.Status.completed
        let earlierId = try harness.store.runs.save(earlier, jobs: [])
        let approved = try harness.store.runs.open(
            Deployment(
                runId: earlierId, jobId: "deploy", jobName: "deploy", environment: "prod", reviewers: ["role:approver"],
                approvalsRequired: 1, preventSelfReview: false, actor: "dev", waitUntil: Date()))
        try harness.store.runs.settle(approved, as: .approved)
        var run = RunStore.Run(
            workflowPath: ".github/workflows/cd.yml", workflowName: "CD", event: "push", ref: "refs/tags/v1.2.0", sha: waitingCommit,
            result: "", startedAt: Date(), duration: 0, projectId: project.id)
        run.status = RunStore.Run.Status.waiting
        let runId = try harness.store.runs.save(run, jobs: [])
        _ = try harness.store.runs.open(
            Deployment(
                runId: runId, jobId: "deploy", jobName: "deploy", environment: "prod", reviewers: ["role:approver"], approvalsRequired: 1,
                preventSelfReview: true, actor: "dev", waitUntil: Date()))
        try await harness.application().test(.router) { client in
            let viewer = try await ReleaseGateTests.token(harness, "vera", role: "viewer", scope: "read", client: client)
            let approver = try await ReleaseGateTests.token(harness, "april", role: "approver", scope: "write", client: client)
            try await client.execute(uri: "/approvals", method: .get, headers: Self.cookie(viewer)) { response in
                let page = String(buffer: response.body)
                #expect(
                    page.contains("href=\"/runs/\(runId)\"") && page.contains("prod") && page.contains("not yours to review"), "\(page)")
                #expect(!page.contains("data-review="))
            }
            try await client.execute(uri: "/approvals", method: .get, headers: Self.cookie(approver)) { response in
                let page = String(buffer: response.body)
                #expect(
                    page.contains("data-review=\"\(runId)\"") && page.contains("data-environment=\"prod\"") && page.contains(">Approve<"))
                // The changes it brings: the commits since prod's last approved deployment, not that one's own.
                #expect(
                    page.contains("2 commits since run <a href=\"/runs/\(earlierId)\">") && page.contains("fix the cart&#39;s total")
                        && page.contains("add the wishlist") && !page.contains("release v1.1.0"), "\(page)")
            }
            try await client.execute(
                uri: "/api/v1/runs/\(runId)/pending_deployments", method: .post, headers: Self.cookie(approver, ui: true),
                body: ByteBuffer(string: #"{"environment":"prod","state":"approved","comment":"ship it"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/approvals", method: .get, headers: Self.cookie(approver)) { response in
                #expect(String(buffer: response.body).contains("No deployment waits for a review."))
            }
        }
    }

    /// The release page shows its GitOps commit's change from the repository the timeline names; a file holding a
    /// Secret (before or after) is named, its contents never shown.
    @Test func theReleasePageShowsItsGitOpsCommit() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let repository = try TemporaryRepository.make()
        defer { repository.remove() }
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %@\n"
        try repository.write("overlays/qa/kustomization.yaml", "images:\n- name: app\n  newTag: v1\n")
        try repository.write("overlays/qa/db.yaml", secret.replacingOccurrences(of: "%@", with: "b2xkLXNlY3JldA=="))
        try repository.commitAll("qa: v1")
        try repository.write("overlays/qa/kustomization.yaml", "images:\n- name: app\n  newTag: v2\n")
        try repository.write("overlays/qa/db.yaml", secret.replacingOccurrences(of: "%@", with: "bmV3LXNlY3JldA=="))
        try repository.commitAll("qa: set image app to v2")
        let revision = try repository.head()
        let release = try ReleaseGateTests.releaseAtGate(harness)
        try ReleaseLog(store: try DeliveryStore(path: harness.server.deliveryStorePath)).save(
            release,
            entries: [
                TimelineEntry(
                    at: Date(), kind: .commit, summary: "\(revision.prefix(12)) qa: set image app to v2",
                    detail: ["revision": revision, "author": "ci <ci@example.com>", "repository": repository.path])
            ])
        try await harness.application().test(.router) { client in
            let viewer = try await ReleaseGateTests.token(harness, "vera", role: "viewer", scope: "read", client: client)
            try await client.execute(uri: "/releases/\(release.id)", method: .get, headers: Self.cookie(viewer)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("<h2>GitOps commit</h2>") && page.contains("qa: set image app to v2"), "\(page)")
                #expect(
                    page.contains("<span class=\"del\">-  newTag: v1</span>") && page.contains("<span class=\"add\">+  newTag: v2</span>"),
                    "\(page)")
                #expect(page.contains("<code>overlays/qa/db.yaml</code>: a Secret, its contents not shown."))
                #expect(!page.contains("bmV3LXNlY3JldA") && !page.contains("b2xkLXNlY3JldA") && !page.contains("password:"))
            }
        }
        // What generates a Secret, or is named like its source, is never shown either.
        let rows: [(String, String, Bool)] = [
            ("kustomization.yaml", "secretGenerator:\n- name: db\n  literals: [password=x]\n", true),
            ("db.yaml", "kind: \"Secret\"\n", true), ("deploy.yaml", "kind: Deployment\n", false), ("app/.env", "", true),
            ("prod.env", "", true), ("db-secret.yaml", "", true), ("configmap.yaml", "kind: ConfigMap\n", false),
        ]
        for (path, text, hidden) in rows {
            #expect((ServerAPI.mayHoldSecret(path: path) || ServerAPI.holdsSecret(text)) == hidden, "\(path)")
        }
    }

    /// An application another process syncs (its releases and holds in the shared delivery store, no project here)
    /// is listed and has a page; an approver lifts its hold from there, which that process honours.
    @Test func applicationsOtherProcessesSyncHaveTheirPage() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let release = try ReleaseGateTests.releaseAtGate(harness)
        try DeliveryStore(path: harness.server.deliveryStorePath).addHold(
            DeliveryStore.HoldRow(
                application: "demo-qa", revision: String(repeating: "e", count: 40), reason: "release 1 aborted",
                releaseId: release.id, createdAt: Date().timeIntervalSince1970))
        try await harness.application().test(.router) { client in
            let viewer = try await ReleaseGateTests.token(harness, "vera", role: "viewer", scope: "read", client: client)
            let approver = try await ReleaseGateTests.token(harness, "april", role: "approver", scope: "write", client: client)
            try await client.execute(uri: "/applications", method: .get, headers: Self.cookie(viewer)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("href=\"/applications/demo-qa\"") && page.contains("another process"), "\(page)")
            }
            try await client.execute(uri: "/applications/demo-qa", method: .get, headers: Self.cookie(viewer)) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok && page.contains("href=\"/releases/\(release.id)\"") && page.contains("release 1 aborted"))
                #expect(page.contains("in force") && !page.contains("data-lift="), "a viewer sees the hold, not Lift")
            }
            try await client.execute(uri: "/applications/nothing-here", method: .get, headers: Self.cookie(viewer)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/applications/demo-qa/holds/eeeeeeee", method: .delete, headers: Self.cookie(approver, ui: true),
                body: ByteBuffer(string: #"{"reason":"fixed in the next commit"}"#)
            ) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
            try await client.execute(uri: "/applications/demo-qa", method: .get, headers: Self.cookie(approver)) { response in
                #expect(String(buffer: response.body).contains("by april: fixed in the next commit"))
            }
            try await client.execute(
                uri: "/api/v1/applications/nothing-here/holds/eeeeeeee", method: .delete, headers: Self.cookie(approver, ui: true),
                body: ByteBuffer(string: #"{"reason":"x"}"#)
            ) { #expect($0.status == .notFound) }
        }
        #expect(try DeliveryStore(path: harness.server.deliveryStorePath).holds(application: "demo-qa").isEmpty)
    }

    /// The job graph's columns: a job one to the right of the deepest job it needs; unknown needs and cycles count as
    /// none (the graph is drawn all the same).
    @Test func jobGraphColumns() {
        let rows: [([(String, [String])], [String: Int])] = [
            ([("a", []), ("b", ["a"]), ("c", ["b"])], ["a": 0, "b": 1, "c": 2]),
            ([("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])], ["a": 0, "b": 1, "c": 1, "d": 2]),
            ([("a", []), ("b", ["a", "z"])], ["a": 0, "b": 1]),
            ([("a", ["b"]), ("b", ["a"])], ["a": 1, "b": 0]),
            ([("x", []), ("y", [])], ["x": 0, "y": 0]),
        ]
        for (jobs, expected) in rows {
            let graph = JobGraph(nodes: jobs.map { JobGraph.Node(id: $0.0, label: $0.0, state: "success", needs: $0.1) })
            #expect(graph.depths() == expected, "\(jobs)")
            #expect(graph.svg.components(separatedBy: "<g class=\"job good\"").count - 1 == jobs.count)
        }
        let matrix = JobGraph(nodes: [
            JobGraph.Node(
                id: "build", label: "build", state: "failure", needs: [],
                instances: (1...8).map { JobGraph.Instance(name: "build (\($0))", state: $0 == 3 ? "failure" : "success") }),
            JobGraph.Node(id: "deploy", label: "deploy <prod>", state: "not run", needs: ["build"]),
        ])
        let svg = matrix.svg
        #expect(svg.contains("build (6)") && !svg.contains("build (7)") && svg.contains("and 2 more"), "six instances shown, then a count")
        #expect(svg.contains("deploy &lt;prod&gt;") && svg.contains("<path class=\"edge\""), "labels escaped, the needs edge drawn")
    }

    @Test func escapingAndThresholds() {
        #expect(HTML.escape("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        #expect(AnalysisChart.threshold(in: "successCondition result >= 0.95 is true for 1")! == (">=", 0.95))
        #expect(AnalysisChart.threshold(in: "failureCondition result > 500 is false for 12") ?? ("", 0) == (">", 500))
        #expect(AnalysisChart.threshold(in: "no data: the query returned no samples") == nil)
        // Prometheus' instant queries answer vectors: compared and drawn by their one element.
        #expect(AnalysisChart.threshold(in: "successCondition result[0] >= 0.95 is false for [0.71]") ?? ("", 0) == (">=", 0.95))
        let values: [(String, Double?)] = [
            ("0.992", 0.992), ("[0.71]", 0.71), ("[ 1 ]", 1), ("[0.5, 0.7]", nil), ("[]", nil), ("NaN", nil), ("[NaN]", nil), ("+Inf", nil),
            ("no data", nil),
        ]
        for (text, expected) in values { #expect(AnalysisChart.value(of: text) == expected, "\(text)") }
        #expect(ServerAPI.safeNext("//evil.example/x") == "/" && ServerAPI.safeNext("https://x") == "/")
        #expect(ServerAPI.safeNext("/releases/3") == "/releases/3")
    }
}
