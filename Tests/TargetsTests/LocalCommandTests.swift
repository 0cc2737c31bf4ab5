import Core
import Foundation
import Images
import Manifests
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// `slipway local …` through the binary: up, apply (bad and good input), get, logs, metrics, down with nothing
/// left behind, and up again with the stored objects running again.
struct LocalCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    @Test(.timeLimit(.minutes(3))) func upApplyGetLogsDownAndUpAgain() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let sandbox = try CLISandbox("localcli")
        defer { sandbox.remove() }
        let root = sandbox.root
        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result {
            try await sandbox.slipway(arguments, timeout: .seconds(90))
        }
        let base = try sandbox.webRoot()
        let imported = try await slipway([
            "image", "import", "--tag", "local/web:1", "--cmd", "sh -c 'echo serving; exec httpd -f -p 8080 -h /www'", base,
        ])
        #expect(imported.succeeded, "\(imported.standardError)")
        let suffix = String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased()
        // Every port 0: the kernel chooses, the target reports what it got.
        let up = [
            "local", "up", "--subnet", await TestNetwork.subnet(), "--bridge", "slc\(suffix)", "--port", "0",
            "--admin-port", "0", "--api-port", "0",
        ]
        let started = try await slipway(up)
        #expect(
            started.succeeded && started.standardOutput.contains("local target running"),
            "\(started.standardOutput)\(started.standardError)")
        let running = try await LocalTargetConnection(dataDirectory: "\(root)/data/local").status()
        let listen = try #require(URL(string: running["listen"]?.string ?? "")?.port)
        let api = try #require(URL(string: LocalTargetConnection(dataDirectory: "\(root)/data/local").baseURL)?.port)
        #expect(listen > 0 && api > 0 && !started.standardOutput.contains(":0 "), "\(started.standardOutput)")
        do {
            try await exercise(root: root, listen: listen, api: api, slipway: slipway, up: up)
        } catch {
            _ = try? await slipway(["local", "down"])
            throw error
        }
        let down = try await slipway(["local", "down"])
        #expect(down.succeeded && down.standardOutput.contains("local target stopped"), "\(down.standardError)")
        let links = try await CapturedCommand.run("ip", ["-o", "link", "show"], timeout: .seconds(5)).standardOutput
        #expect(!links.contains("slc\(suffix)"), "the bridge is gone")
        let leftovers = Leftovers.processes(mentioning: root)
        #expect(leftovers.isEmpty, "no process outlives `local down`: \(leftovers)")
        let status = try await slipway(["local", "status"])
        #expect(!status.succeeded && status.standardOutput.contains("not running"))
    }

    func exercise(
        root: String, listen: Int, api: Int, slipway: (_ arguments: [String]) async throws -> CapturedCommand.Result, up: [String]
    ) async throws {
        try "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80, targetPort: 8080\n".write(
            toFile: "\(root)/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try await slipway(["local", "apply", "-f", "\(root)/bad.yaml"])
        #expect(
            !bad.succeeded && bad.standardError.contains("bad.yaml:7:"), "a YAML error names file, line and column: \(bad.standardError)")
        try """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: local/web:1
                readinessProbe:
                  tcpSocket: {port: 8080}
                  periodSeconds: 1

        """.write(toFile: "\(root)/app.yaml", atomically: true, encoding: .utf8)
        let applied = try await slipway(["local", "apply", "-f", "\(root)/app.yaml"])
        #expect(
            applied.standardOutput == "service/web created\ndeployment.apps/web created\n",
            "\(applied.standardOutput)\(applied.standardError)")
        var body = ""
        for _ in 0..<200 where body != "hello" {
            let answer = try await CapturedCommand.run(
                "curl", ["-s", "-m", "2", "-H", "Host: web", "http://127.0.0.1:\(listen)/"], timeout: .seconds(5))
            body = answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            if body != "hello" { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(body == "hello", "the Service answers through the mesh")
        var deployments = try await slipway(["local", "get", "deployments"])
        for _ in 0..<100 where !deployments.standardOutput.contains("web    2/2     2            2") {
            try await Task.sleep(for: .milliseconds(50))
            deployments = try await slipway(["local", "get", "deployments"])
        }
        #expect(deployments.standardOutput.contains("web    2/2     2            2"), "\(deployments.standardOutput)")
        let pods = try await slipway(["local", "get", "pods", "-o", "name"])
        let podNames = pods.standardOutput.split(separator: "\n").map { $0.replacingOccurrences(of: "pod/", with: "") }
        #expect(podNames.count == 2)
        let logs = try await slipway(["local", "logs", try #require(podNames.first)])
        #expect(logs.standardOutput == "serving\n", "\(logs.standardOutput)")
        let metrics = try await CapturedCommand.run("curl", ["-s", "http://127.0.0.1:\(api)/metrics"], timeout: .seconds(5))
        #expect(
            metrics.standardOutput.contains(
                "istio_requests_total{reporter=\"destination\",destination_service=\"web.default.svc.cluster.local\""))
        try await prometheusScrapesTheTarget(root: root, listen: listen, api: api)
        try await anotherProcessDrivesTheTarget(dataDirectory: "\(root)/data/local")
        let missing = try await slipway(["local", "get", "deployment", "nope"])
        #expect(!missing.succeeded && missing.standardError.contains("\"nope\" not found"))
        let none = try await slipway(["local", "get", "pods", "-n", "empty"])
        #expect(none.succeeded && none.standardError == "No resources found in empty namespace.\n", "a line of its own")

        // Down and up again: the stored objects run again.
        let down = try await slipway(["local", "down"])
        #expect(down.succeeded)
        let again = try await slipway(up)
        #expect(again.succeeded, "\(again.standardError)")
        // Port 0 again: the new daemon's listener may be elsewhere.
        let restarted = try await LocalTargetConnection(dataDirectory: "\(root)/data/local").status()
        let listenAgain = try #require(URL(string: restarted["listen"]?.string ?? "")?.port)
        body = ""
        for _ in 0..<200 where body != "hello" {
            let answer = try await CapturedCommand.run(
                "curl", ["-s", "-m", "2", "-H", "Host: web.default.svc.cluster.local", "http://127.0.0.1:\(listenAgain)/"],
                timeout: .seconds(5))
            body = answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            if body != "hello" { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(body == "hello", "after a restart the pods run again")
        let deleted = try await slipway(["local", "delete", "-f", "\(root)/app.yaml"])
        #expect(
            deleted.standardOutput == "service/web deleted\ndeployment.apps/web deleted\n",
            "\(deleted.standardOutput)\(deleted.standardError)")
    }

    /// `LocalTargetConnection`, as the sync engine in another process uses it: get, list, apply, delete, the
    /// mesh's metrics and the watch stream.
    func anotherProcessDrivesTheTarget(dataDirectory: String) async throws {
        let connection = try LocalTargetConnection(dataDirectory: dataDirectory)
        let web = try #require(try await connection.get(ObjectKey(.deployment, namespace: "default", name: "web")))
        #expect(web.value(at: ["status", "availableReplicas"])?.int == 2)
        #expect(try await connection.list(.pod, namespace: "default").count == 2)
        #expect(try await connection.get(ObjectKey(.deployment, namespace: "default", name: "nope")) == nil)
        #expect(try await connection.meshMetrics().contains { $0.service == "web" && $0.requests > 0 })
        // The watch is in place when `watch()` returns: the first change after it is reported.
        let events = await connection.watch()
        var outcomes: [AppliedObject.Outcome] = []
        for round in 0..<2 {
            let map: ManifestValue = .object([
                "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                "metadata": .object(["name": .string("watched"), "namespace": .string("default")]),
                "data": .object(["round": .string(String(round))]),
            ])
            outcomes += try await connection.apply([map], fieldManager: "test", force: false).map(\.outcome)
        }
        let seen = try await Deadline.within(.seconds(30), "the watch to report both changes") {
            var seen: [String] = []
            for await event in events where event.key.name == "watched" {
                seen.append("\(event.change.rawValue) \(event.object.value(at: ["data", "round"])?.string ?? "")")
                if seen.count == 2 { break }
            }
            return seen
        }
        #expect(seen == ["ADDED 0", "MODIFIED 1"])
        #expect(outcomes == [.created, .configured])
        let invalid = await #expect(throws: TargetError.self) {
            try await connection.apply(
                [
                    .object([
                        "apiVersion": .string("example.com/v1"), "kind": .string("Widget"), "metadata": .object(["name": .string("w")]),
                    ])
                ],
                fieldManager: "test", force: false)
        }
        #expect(invalid?.description.contains("no matches for kind \"Widget\"") == true)
        #expect(try await connection.delete(ObjectKey(.configMap, namespace: "default", name: "watched")))
        #expect(try await connection.delete(ObjectKey(.configMap, namespace: "default", name: "watched")) == false)
    }

    /// A real Prometheus (Debian's) scrapes the target's /metrics while traffic flows; seed 002's success-rate query,
    /// with the Service's real name, answers 1 (every request succeeded) from Istio's metric names.
    func prometheusScrapesTheTarget(root: String, listen: Int, api: Int) async throws {
        guard PrometheusProcess.isInstalled else {
            Issue.record("prometheus is missing (scripts/setup installs Debian's prometheus)")
            return
        }
        let prometheus = try await PrometheusProcess.start(in: root, scraping: ["127.0.0.1:\(api)"])
        defer { prometheus.stop() }
        let port = prometheus.port
        let query =
            "sum(rate(istio_requests_total{destination_service_name=\"web\",destination_workload=\"web\",response_code!~\"5..\"}[1m])) / "
            + "sum(rate(istio_requests_total{destination_service_name=\"web\",destination_workload=\"web\"}[1m]))"
        let client = LoadClient(port: listen, host: "web")
        let (answer, samples) = try await client.during(workers: 1) {
            var value = ""
            for _ in 0..<150 where value.isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                let result = try await CapturedCommand.run(
                    "curl", ["-s", "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=\(query)"], timeout: .seconds(5))
                // {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1795349732.756,"1"]}]}}
                if let range = result.standardOutput.range(of: #""value":\[[0-9.]+,""#, options: .regularExpression) {
                    value = String(result.standardOutput[range.upperBound...].prefix { $0 != "\"" })
                    if value == "NaN" { value = "" }
                }
            }
            return value
        }
        #expect(samples.allSatisfy { $0.status == 200 })
        var targets = ""
        if answer != "1" {
            targets =
                (try? await CapturedCommand.run(
                    "curl", ["-s", "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=istio_requests_total"],
                    timeout: .seconds(5)
                ).standardOutput) ?? ""
            targets +=
                (try? await CapturedCommand.run(
                    "curl", ["-s", "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=\(query)"], timeout: .seconds(5)
                ).standardOutput) ?? ""
        }
        #expect(
            answer == "1",
            "Prometheus answered \(answer.isEmpty ? "no data" : answer) for the seed's success-rate query; targets: \(targets.prefix(800))")
    }
}
