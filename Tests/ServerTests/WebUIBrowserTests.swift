import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Store
import Testing

@testable import Releases

/// The web UI in a real headless browser — Debian's Chromium driven by Selenium (`Tests/Browser/ui_walkthrough.py`)
/// against a real `slipway server`: sign in; the overview shows the declared applications; a release waiting at its
/// gate shows its steps, weights and analysis chart; a viewer has no Promote button and a POST forged from the page
/// gets 403; an approver's Promote is recorded and shown without a reload, a hold lifted from the application's page;
/// a running job's log lines arrive on the run page as they are written — its group folded, its colours rendered, its
/// secret masked — under a job graph (a matrix job, the job needing it) that follows the run. With `SLIPWAY_UI_SCREENSHOTS=DIR` the pages are saved there as PNG (docs/ui).
@Suite struct WebUIBrowserTests {
    static let script = ServerProcess.repositoryRoot + "/Tests/Browser/ui_walkthrough.py"
    /// Selenium 4.51 from PyPI, as scripts/setup installs it.
    static let selenium = CacheDirectory.path(for: "python/selenium-4.51.0")

    static var unavailableReason: String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is missing (scripts/setup installs Debian's chromium and chromium-driver)"
        }
        return nil
    }

    @Test(.timeLimit(.minutes(5))) func theUIInChromium() async throws {
        if let reason = Self.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        guard FileManager.default.fileExists(atPath: Self.selenium + "/selenium/__init__.py") else {
            Issue.record("Selenium is missing: run scripts/setup (\(Self.selenium))")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-ui-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        // A release of demo-qa waiting at its gate after two measurements, in the delivery store the server reads.
        let store = root + "/delivery.sqlite"
        let log = ReleaseLog(store: try DeliveryStore(path: store))
        let start = Date().addingTimeInterval(-60)
        var release = try log.create(
            Release(
                id: 0, application: "demo-qa", environment: "qa", namespace: "demo", canary: "demo",
                revision: String(repeating: "ab", count: 20),
                images: ["127.0.0.1:5000/my-app:4f2a9c1e"], previousImages: ["127.0.0.1:5000/my-app:1b7d0e55"], stepCount: 3,
                startedAt: start),
            entries: [TimelineEntry(at: start, kind: .step, summary: "step 1/3: setWeight 10")])
        release.state = .atGate(step: 2, reason: .manualPause)
        release.canaryWeight = 10
        release.message = "waiting at a manual gate"
        let measurements = [
            ("0.992", "Successful", 10.0), ("0.981", "Successful", 20.0), ("0.941", "Failed", 30.0), ("0.996", "Successful", 40.0),
        ]
        try log.save(
            release,
            entries: [TimelineEntry(at: start.addingTimeInterval(1), kind: .weight, summary: "traffic 90/10 (primary/canary)")]
                + measurements.map { value, verdict, seconds in
                    TimelineEntry(
                        at: start.addingTimeInterval(seconds), kind: .measurement, summary: "success-rate = \(value)",
                        detail: [
                            "metric": "success-rate", "value": value, "verdict": verdict,
                            "message": "successCondition result >= 0.95 is \(verdict == "Failed" ? "false" : "true") for \(value)",
                        ])
                } + [TimelineEntry(at: start.addingTimeInterval(41), kind: .gate, summary: "waiting at a manual gate")])

        // A revision of demo-qa held after an aborted release: the application's page shows it, with Lift for approvers.
        try DeliveryStore(path: store).addHold(
            DeliveryStore.HoldRow(
                application: "demo-qa", revision: String(repeating: "cd", count: 20), reason: "release 0 aborted: success rate 0.62",
                releaseId: nil, createdAt: start.timeIntervalSince1970))

        // A project declaring the demo's three applications, whose workflow writes a line a second.
        let repository = try TemporaryRepository.make()
        defer { repository.remove() }
        try repository.write(
            "slipway.yaml",
            "applications:\n"
                + ["qa", "pre", "prod"].map { environment in
                    "- name: demo-\(environment)\n  repository: .\n  path: overlays/\(environment)\n  namespace: demo-\(environment)\n"
                        + "  environment: \(environment)\n"
                }.joined())
        // A matrix job, then a job needing it that opens a log group, prints in colour and a secret, then a line a second.
        try repository.write(
            ".github/workflows/slow.yml",
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    os: [linux, mac]
                steps:
                  - run: echo "built on ${{ matrix.os }}"
              slow:
                needs: build
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      echo "::group::Preparing the slow job"
                      echo "inside the group"
                      echo "::endgroup::"
                      printf '\\033[31mred text\\033[0m\\n'
                      echo "token ${{ secrets.UI_TOKEN }}"
                      for i in $(seq 1 40); do echo "line $i"; sleep 1; done
                      echo "the last line"

            """)
        try repository.commitAll("declare the demo")
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)

        let server = try await ServerProcess.start(root + "/server", arguments: ["--delivery-store", store])
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let secret = "ui-secret-\(UUID().uuidString.prefix(8))"
        let stored = try await server.request(.PUT, "/api/v1/projects/\(project)/secrets/UI_TOKEN", body: #"{"value":"\#(secret)"}"#)
        #expect((200..<300).contains(stored.status), "\(stored.body)")
        let viewer = try await Self.token(server, "vera", role: "viewer")
        let approver = try await Self.token(server, "april", role: "approver")
        _ = try await server.push(repository: repository.path, sha: sha, delivery: "ui-1", secret: ServerEndToEndTests.secret)
        let runs = try await server.until("the slow run to start", within: .seconds(60), "/api/v1/runs?project=\(project)") {
            $0.array?.first?["status"] as? String == "in_progress"
        }
        _ = try await server.until("the applications to be declared", within: .seconds(30), "/api/v1/applications") {
            $0.array?.count == 3
        }
        let runId = try #require(runs.array?.first?["id"] as? Int)

        let screenshots = ProcessInfo.processInfo.environment["SLIPWAY_UI_SCREENSHOTS"] ?? ""
        let settings: [String: Any] = [
            "base_url": server.url, "viewer_token": viewer, "approver_token": approver, "release_id": release.id,
            "application": "demo-qa", "applications": ["demo-pre", "demo-prod", "demo-qa"], "run_id": runId,
            "run_last_line": "the last line", "screenshots": screenshots, "profile": root + "/chromium", "secret": secret,
        ]
        let input = root + "/settings.json"
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: input))
        let walk = try await CapturedCommand.run(
            "sh",
            [
                "-c", "exec /usr/bin/python3 \"$1\" \"$2\" < \"$3\"", "sh",
                ServerProcess.repositoryRoot + "/Tests/Browser/isolated_network.py", Self.script, input,
            ], environment: ["PYTHONPATH": Self.selenium],
            timeout: .seconds(180))
        #expect(
            walk.succeeded,
            "\(walk.standardOutput)\n\(walk.standardError.suffix(3000))\nthe server's log: \(server.process.output.suffix(4000))")
        print(walk.standardOutput)
        let decisions = try DeliveryStore(path: store).pendingDecisions(releaseId: release.id)
        #expect(decisions.map(\.actor) == ["april"] && decisions.first?.reason == "browser test: dashboards green", "\(decisions)")
        let lifted = try DeliveryStore(path: store).holds(application: "demo-qa", includeRemoved: true)
        #expect(
            lifted.map { [$0.removedBy, $0.removedReason] } == [["april", "browser test: fixed upstream"]],
            "the hold is lifted by the approver with the reason typed: \(lifted)")
    }

    static func token(_ server: ServerProcess, _ name: String, role: String) async throws -> String {
        let user = try await server.request(.POST, "/api/v1/users", body: #"{"name":"\#(name)","role":"\#(role)"}"#)
        let id = try #require(user.object?["id"] as? Int, "\(user.body)")
        let token = try await server.request(.POST, "/api/v1/users/\(id)/tokens", body: #"{"scope":"write"}"#)
        return try #require(token.object?["token"] as? String, "\(token.body)")
    }
}
