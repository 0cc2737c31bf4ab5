import Core
import Foundation
import Images
import Manifests
import NIOHTTP1
import Releases
import SlipwayTesting
import Store
import Targets
import Testing

/// `slipway up` through the binary, with canary analysis by a real Prometheus (Debian's) that scrapes the local
/// target's `/metrics`: the built-in templates then run seed 002's success-rate query, corrected (the Service's
/// real name, the destination reporter, the canary's workload, a traffic guard). The good release is promoted, the
/// bad one aborted by Prometheus' numbers and its GitOps commit reverted; the primary never fails a request, and
/// the app still answers once `slipway up` has exited.
@Suite(.serialized) struct SlipwayUpTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    static var unavailableReason: String? {
        if getuid() != 0 { return "the local target needs root (bridge and veth)" }
        if EnvoyLocator.find() == nil { return "Envoy is missing (scripts/setup installs it)" }
        if !PrometheusProcess.isInstalled { return "prometheus is missing (scripts/setup installs Debian's prometheus)" }
        if BusyboxRoot.executable == nil { return "busybox is missing (scripts/setup installs busybox-static)" }
        return nil
    }

    @Test(.timeLimit(.minutes(15))) func goodAndBadReleaseAnalysedByPrometheus() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.runGoodAndBadRelease() }
    }

    func runGoodAndBadRelease() async throws {
        if let reason = Self.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-up-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["SLIPWAY_IMAGE_STORE": "\(root)/images", "SLIPWAY_DATA_DIR": "\(root)/data"]
        let suffix = String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased()
        // Every port 0: the kernel chooses and each server says (or /proc shows) what it got.
        let local = [
            "--subnet", await TestNetwork.subnet(), "--bridge", "slu\(suffix)", "--port", "0", "--admin-port", "0", "--api-port", "0",
        ]

        // The local target first, then Prometheus scraping its API every second; `slipway up` finds the target running.
        let started = try await CapturedCommand.run(Self.slipway, ["local", "up"] + local, environment: environment, timeout: .seconds(60))
        try #require(started.succeeded, "\(started.standardOutput)\(started.standardError)")
        // Whatever fails from here on, the local target is stopped after it (then the failure is reported).
        let checked: Result<Void, any Error>
        do {
            checked = .success(try await runAndCheck(root: root, environment: environment, local: local))
        } catch {
            checked = .failure(error)
        }
        let down = try await CapturedCommand.run(Self.slipway, ["local", "down"], environment: environment, timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        let leftovers = Leftovers.processes(mentioning: root).filter { !$0.contains("prometheus") }
        #expect(leftovers.isEmpty, "no process outlives `local down`: \(leftovers)")
        try checked.get()
    }

    func runAndCheck(root: String, environment: [String: String], local: [String]) async throws {
        let connection = try LocalTargetConnection(dataDirectory: "\(root)/data/local")
        let api = try #require(URL(string: connection.baseURL)?.port)
        let listen = try #require(URL(string: try await connection.status()["listen"]?.string ?? "")?.port)
        let prometheus = try await PrometheusProcess.start(in: root, scraping: ["127.0.0.1:\(api)"])
        defer { prometheus.stop() }
        // The demo's progress lines count seconds from its start; the browser's notes say the time of day.
        print("slipway up starts at \(Date())")
        let up = try await ChildProcess.start(
            Self.slipway,
            [
                "up", "--workspace", "\(root)/ws", "--prometheus", "http://127.0.0.1:\(prometheus.port)", "--registry-port", "0",
                "--ui-port", "0",
            ] + local,
            environment: environment, log: "\(root)/up.log")
        // Whatever fails, `slipway up` does not outlive the test (it has ended by itself when all went well).
        defer { up.kill9() }
        // A browser follows both releases in the web UI while they happen.
        let line = try await up.waitForOutput(
            matching: #"web UI: http://127\.0\.0\.1:[0-9]+/ — sign in with the token in [^ ;]+"#, within: .seconds(120),
            "the web UI's address")
        let words = line.split(separator: " ")
        let base = String(try #require(words.dropFirst(2).first)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let token = try String(contentsOfFile: String(try #require(words.last)), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let browser = Task { try await browse("follow_demo.py", base: base, token: token, root: root) }
        let end = try await up.end(within: .seconds(420))
        let walk = try await browser.value
        try await check(output: up.output, succeeded: end == .exited(0), root: root, listen: listen)
        if let walk {
            #expect(
                walk.succeeded,
                "the browser following the demo: \(walk.standardOutput)\n\(walk.standardError.suffix(3000))\nthe demo: \(up.output.suffix(4000))"
            )
            print(walk.standardOutput)
        }
    }

    /// Runs a script of `Tests/Browser` against the demo's web UI (`follow_demo.py` while it runs, `demo_pages.py` once it
    /// ended); nil (with the reason recorded) without a browser.
    func browse(_ script: String, base: String, token: String, root: String) async throws -> CapturedCommand.Result? {
        let selenium = ServerCanaryBrowserTests.selenium
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver", selenium + "/selenium/__init__.py"]
        where !FileManager.default.fileExists(atPath: path) {
            Issue.record("\(path) is missing: run scripts/setup (Debian's chromium and chromium-driver, Selenium from PyPI)")
            return nil
        }
        let settings: [String: Any] = [
            "base_url": base, "token": token, "application": "my-app-qa", "profile": root + "/chromium-\(script)",
            "screenshots": ProcessInfo.processInfo.environment["SLIPWAY_UI_SCREENSHOTS"] ?? "",
        ]
        let input = root + "/\(script).json"
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: input))
        return try await CapturedCommand.run(
            "sh",
            [
                "-c", "exec /usr/bin/python3 \"$1\" \"$2\" < \"$3\"", "sh", Self.repositoryRoot + "/Tests/Browser/isolated_network.py",
                Self.repositoryRoot + "/Tests/Browser/" + script, input,
            ],
            environment: ["PYTHONPATH": selenium], timeout: .seconds(480))
    }

    func check(output: String, succeeded: Bool, root: String, listen: Int) async throws {
        #expect(succeeded, "slipway up failed:\n\(output.suffix(6000))")
        #expect(output.contains("verdict: every claim holds"), "\(output.suffix(3000))")
        #expect(output.contains("requests served by the primary: ") && output.contains(", failed: 0\n"), "\(output.suffix(2000))")

        // Both releases are in the store, with Prometheus' measurements.
        let records = ReleaseRecords(store: try DeliveryStore(path: "\(root)/data/delivery/delivery.sqlite"))
        let releases = try records.list().sorted { $0.id < $1.id }
        try #require(releases.count == 2, "\(releases.map(\.summary))")
        let (good, bad) = (releases[0], releases[1])
        #expect(good.phase == .succeeded)
        #expect(bad.phase == .aborted)
        #expect(bad.revertRevision != nil)
        let (_, badEvents) = try #require(try records.show(bad.id))
        let measurements = badEvents.filter { $0.kind == .measurement && $0.detail["metric"] == "success-rate" }
        let failed = try #require(measurements.first { $0.detail["verdict"] == "Failed" }, "\(badEvents.map(\.summary))")
        let query = failed.detail["query"] ?? ""
        #expect(
            query.contains("istio_requests_total") && query.contains(#"reporter="destination""#)
                && query.contains(#"destination_workload="my-app-canary""#)
                && query.contains(#"destination_workload_namespace="my-app-qa""#), "\(query)")
        // Prometheus answers a vector: `[0.71]`.
        let value = (failed.detail["value"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        #expect(Double(value).map { $0 < 0.95 } == true, "\(failed.summary)")
        let (_, goodEvents) = try #require(try records.show(good.id))
        let goodMeasurements = goodEvents.filter { $0.kind == .measurement && $0.detail["metric"] == "success-rate" }
        #expect(
            !goodMeasurements.isEmpty && goodMeasurements.allSatisfy { $0.detail["verdict"] != "Failed" },
            "\(goodMeasurements.map(\.summary))")
        #expect(goodEvents.contains { $0.kind == .gate && $0.detail["actor"] == "slipway up (demo)" })

        // The web UI served during the demo: its address printed, and its releases' pages (read again by a server over
        // the same data once the demo ended).
        #expect(output.contains("web UI: http://127.0.0.1:") && output.contains("\(root)/ws/server/admin-token"), "\(output.prefix(3000))")
        let ui = try await ServerProcess.start(
            "\(root)/ws/server", arguments: ["--delivery-store", "\(root)/data/delivery/delivery.sqlite", "--poll-interval", "0"])
        defer { ui.process.kill9() }
        let page = try await ui.request(.GET, "/releases", headers: [("Cookie", "slipway_session=\(ui.adminToken)")])
        #expect(
            page.status == 200 && page.body.contains("href=\"/releases/\(good.id)\"") && page.body.contains("href=\"/releases/\(bad.id)\""),
            "\(page.body.prefix(2000))")
        let overview = try await ui.request(.GET, "/", headers: [("Cookie", "slipway_session=\(ui.adminToken)")])
        #expect(overview.body.contains("data-application=\"\(good.application)\""), "the demo's application on the overview")
        // Every push was built by the demo's server: CI and CD for the first deployment and each release, all passed.
        let runs = try await ui.request(.GET, "/api/v1/runs?limit=50")
        let workflows = (runs.array ?? []).map { "\($0["workflow_name"] ?? "") \($0["conclusion"] ?? "")" }.sorted()
        #expect(
            workflows == Array(repeating: "CD - Update GitOps success", count: 3)
                + Array(repeating: "CI - Build and Push success", count: 3),
            "\(runs.body.prefix(2000))")
        // The pages of the demo's data, read (and photographed) once it ended.
        if let pages = try await browse("demo_pages.py", base: ui.url, token: ui.adminToken, root: root) {
            #expect(pages.succeeded, "the demo's pages: \(pages.standardOutput)\n\(pages.standardError.suffix(3000))")
            print(pages.standardOutput)
        }

        // The GitOps history: the bootstrap and both bumps, then the revert of the bad one.
        let history = try await Git(directory: "\(root)/ws/gitops-config.git").run(["log", "--format=%s", "main"]).split(separator: "\n")
        #expect(history.count == 5, "\(history)")
        #expect(history.first?.hasPrefix("Revert \"chore(deploy): update my-app to ") == true, "\(history)")
        #expect(history.dropFirst().prefix(3).allSatisfy { $0.hasPrefix("chore(deploy): update my-app to ") }, "\(history)")

        // The app keeps answering after `slipway up` exits, from the good version.
        let goodVersion = String(good.images.first?.split(separator: ":").last ?? "")
        let answer = try await CapturedCommand.run(
            "curl", ["-s", "-i", "-H", "Host: qa.my-app.localhost", "http://127.0.0.1:\(listen)/"], timeout: .seconds(10))
        #expect(
            answer.standardOutput.hasPrefix("HTTP/1.1 200") && answer.standardOutput.lowercased().contains("x-app-version: \(goodVersion)"),
            "\(answer.standardOutput)")
    }
}
