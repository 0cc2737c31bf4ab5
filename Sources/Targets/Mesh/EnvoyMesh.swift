import AsyncHTTPClient
import Core
import Foundation
import Manifests
import NIOCore
import TargetKit

/// The runtime's one Envoy: started as its child with file-based xDS, restarted when it dies, and fed by renaming
/// files into place. Every publish waits until Envoy's admin endpoint shows the new `version_text`; a rejected update
/// is an error and the previous configuration keeps serving. New clusters are acknowledged before the routes that
/// use them, and clusters go only after the routes that used them.
public actor EnvoyMesh {
    public struct Configuration: Sendable {
        /// Where the bootstrap and the xDS files live.
        public var directory: String
        public var executable: String
        /// The user-facing listener: every Service and VirtualService host, matched by Host header.
        public var listenPort: Int
        public var adminPort: Int

        public init(directory: String, executable: String, listenPort: Int, adminPort: Int) {
            self.directory = directory
            self.executable = executable
            self.listenPort = listenPort
            self.adminPort = adminPort
        }
    }

    public let configuration: Configuration
    private var published: EnvoyConfig?
    private var publishedEndpoints: [String: [EnvoyConfig.Endpoint]] = [:]
    private var version: UInt64

    public init(configuration: Configuration) {
        self.configuration = configuration
        version = UInt64(Date().timeIntervalSince1970 * 1000) * 1000
    }

    /// Ports Envoy actually listens on (configured ones, or those the kernel chose for port 0), known once it is ready.
    public private(set) var boundAdminPort: Int?
    public private(set) var boundListenPort: Int?

    var admin: String { "http://127.0.0.1:\(boundAdminPort ?? configuration.adminPort)" }
    func path(_ name: String) -> String { "\(configuration.directory)/\(name)" }
    func edsPath(_ cluster: String) -> String { path("eds/\(cluster).json") }

    private func nextVersion() -> String {
        version += 1
        return String(version)
    }

    // MARK: Process

    /// Writes the bootstrap and empty resources, then runs Envoy until cancelled, restarting it if it dies.
    public func run() async throws {
        try prepare()
        var failures = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let status = try await runOnce()
            if Task.isCancelled { break }
            failures = ContinuousClock.now - started > .seconds(30) ? 1 : failures + 1
            let log =
                (try? String(contentsOfFile: path("envoy.log"), encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: "\n")
                ?? ""
            FileHandle.standardError.write(Data("slipway: envoy exited (\(status)); restarting. \(log)\n".utf8))
            try await Task.sleep(for: .milliseconds(min(5000, 200 * (1 << min(failures, 5)))))
        }
    }

    /// One Envoy process, bound to this one: it gets SIGKILL if the daemon dies, even by `kill -9`, so it never keeps
    /// the gateway port for a daemon that is gone.
    private func runOnce() async throws -> BoundChildProcess.End {
        // A new process binds again: with port 0 the kernel may choose other ports.
        boundAdminPort = configuration.adminPort == 0 ? nil : configuration.adminPort
        boundListenPort = configuration.listenPort == 0 ? nil : configuration.listenPort
        let pidFile = path("envoy.pid")
        return try await BoundChildProcess.run(
            configuration.executable,
            [
                "-c", path("bootstrap.json"), "--disable-hot-restart", "--reject-unknown-dynamic-fields",
                "--log-level", "warn", "--log-path", path("envoy.log"), "--concurrency", "2",
                "--admin-address-path", path("admin.address"),
            ]
        ) { pid in
            try? "\(pid)".write(toFile: pidFile, atomically: true, encoding: .utf8)
        }
    }

    /// Waits until Envoy answers `/ready` with LIVE and the ports it listens on are known (for port 0, the admin
    /// address file Envoy writes and the listener's address as the admin endpoint reports it).
    public func waitUntilReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if boundAdminPort == nil, let text = try? String(contentsOfFile: path("admin.address"), encoding: .utf8),
                let port = text.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }), port > 0
            {
                boundAdminPort = port
            }
            if boundAdminPort != nil, let text = try? await get("/ready"), text.hasPrefix("LIVE") {
                if boundListenPort == nil, let port = try? await listenerPort() { boundListenPort = port }
                if boundListenPort != nil { return }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TargetError.mesh("Envoy did not become ready within \(timeout) (log: \(path("envoy.log")))")
    }

    /// The port of the `ingress` listener, as the admin endpoint reports it.
    private func listenerPort() async throws -> Int? {
        let text = try await get("/listeners?format=json")
        let value = try ManifestValue(json: Data(text.utf8))
        let listener = value["listener_statuses"]?.array?.first { $0["name"]?.string == "ingress" }
        return listener?.value(at: ["local_address", "socket_address", "port_value"])?.int
    }

    /// Kills an Envoy a previous run left behind (same state directory); its pid, or nil when none was running.
    @discardableResult
    static func stopLeftover(directory: String) -> Int32? {
        guard let text = try? String(contentsOfFile: directory + "/envoy.pid", encoding: .utf8),
            let old = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let command = ProcFile.text("/proc/\(old)/cmdline"), command.contains(directory + "/bootstrap.json")
        else { return nil }
        kill(old, SIGKILL)
        return old
    }

    private func prepare() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: path("eds"), withIntermediateDirectories: true)
        Self.stopLeftover(directory: configuration.directory)
        try? fm.removeItem(atPath: path("envoy.log"))
        try? fm.removeItem(atPath: path("admin.address"))
        let source = { (file: String) -> ManifestValue in
            .object(["resource_api_version": .string("V3"), "path_config_source": .object(["path": .string(file)])])
        }
        let buckets: [Double] = [
            0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000, 30000,
        ]
        let bootstrap: ManifestValue = .object([
            "node": .object(["id": .string("slipway-local"), "cluster": .string("slipway")]),
            "admin": .object(["address": Self.socket("127.0.0.1", configuration.adminPort)]),
            "stats_flush_interval": .string("1s"),
            "stats_config": .object([
                "histogram_bucket_settings": .array([
                    .object([
                        "match": .object(["prefix": .string("cluster.")]), "buckets": .array(buckets.map { .float($0) }),
                    ])
                ])
            ]),
            "dynamic_resources": .object(["lds_config": source(path("lds.json")), "cds_config": source(path("cds.json"))]),
        ])
        try write(bootstrap.jsonText, to: path("bootstrap.json"))
        let filters: ManifestValue = .array([
            .object([
                "name": .string("envoy.filters.http.fault"),
                "typed_config": .object(["@type": .string("type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault")]),
            ]),
            .object([
                "name": .string("envoy.filters.http.router"),
                "typed_config": .object(["@type": .string("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router")]),
            ]),
        ])
        let manager: ManifestValue = .object([
            "@type": .string("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"),
            "stat_prefix": .string("ingress"), "strip_any_host_port": .bool(true),
            "rds": .object(["route_config_name": .string(EnvoyConfig.routeName), "config_source": source(path("rds.json"))]),
            "http_filters": filters,
        ])
        let listener: ManifestValue = .object([
            "@type": .string("type.googleapis.com/envoy.config.listener.v3.Listener"), "name": .string("ingress"),
            "address": Self.socket("127.0.0.1", configuration.listenPort),
            // Envoy's default (SO_REUSEPORT) would let it share a port another process listens on, splitting users'
            // connections between the two.
            "enable_reuse_port": .bool(false),
            "filter_chains": .array([
                .object([
                    "filters": .array([
                        .object([
                            "name": .string("envoy.filters.network.http_connection_manager"),
                            "typed_config": manager,
                        ])
                    ])
                ])
            ]),
        ])
        try write(Self.discovery([listener], version: nextVersion()), to: path("lds.json"))
        // Start from what was published before (a restart keeps serving), or from nothing.
        if published == nil {
            try write(Self.discovery([], version: nextVersion()), to: path("cds.json"))
            try write(Self.discovery([EnvoyConfig(MeshSnapshot()).routeConfiguration], version: nextVersion()), to: path("rds.json"))
        }
    }

    static func socket(_ address: String, _ port: Int) -> ManifestValue {
        .object(["socket_address": .object(["address": .string(address), "port_value": .int(port)])])
    }

    static func discovery(_ resources: [ManifestValue], version: String) -> String {
        ManifestValue.object(["version_info": .string(version), "resources": .array(resources)]).jsonText
    }

    /// Envoy only sees moves: a temporary file in the same directory, renamed over the target.
    private func write(_ text: String, to file: String) throws {
        do { try AtomicFile.write(Data(text.utf8), to: file) } catch { throw TargetError.mesh("cannot write \(error)") }
    }

    // MARK: Publishing

    /// Makes Envoy serve `config`, waiting for its acknowledgement of each step. Returns what changed. When Envoy
    /// rejects a step the files are put back to the configuration it still serves (so a restarted Envoy starts from
    /// that, not from what it refused) and the rejection is thrown.
    @discardableResult
    public func publish(_ config: EnvoyConfig) async throws -> Set<String> {
        do {
            return try await publishSteps(config)
        } catch {
            restoreFiles()
            throw error
        }
    }

    /// Writes the clusters and routes of the last published configuration again, with new versions.
    private func restoreFiles() {
        let serving = published ?? EnvoyConfig(MeshSnapshot())
        try? write(
            Self.discovery(
                serving.clusters.keys.sorted().compactMap { name in serving.clusters[name].map { withSource(name, $0) } },
                version: nextVersion()),
            to: path("cds.json"))
        try? write(Self.discovery([serving.routeConfiguration], version: nextVersion()), to: path("rds.json"))
    }

    private func publishSteps(_ config: EnvoyConfig) async throws -> Set<String> {
        var changes: Set<String> = []
        let old = published
        let oldClusters = Set(old?.clusters.keys.map { $0 } ?? [])
        let newClusters = Set(config.clusters.keys)
        let added = newClusters.subtracting(oldClusters)
        let changedDefinitions = newClusters.intersection(oldClusters).filter { old?.clusters[$0] != config.clusters[$0] }
        let removed = oldClusters.subtracting(newClusters)
        var expected: [String: String] = [:]
        // Rejections counted before anything is written: a fast rejection must not become the baseline.
        var baseline = try await rejections()
        // 1. Endpoints of new clusters exist before the clusters do.
        for name in added.sorted() {
            let version = nextVersion()
            try write(edsDocument(name, config.endpoints[name] ?? [], version: version), to: edsPath(name))
            publishedEndpoints[name] = config.endpoints[name] ?? []
        }
        // 2. Clusters: old and new together, so routes still in use keep their clusters.
        if !added.isEmpty || !changedDefinitions.isEmpty {
            var union = old?.clusters ?? [:]
            for (name, cluster) in config.clusters { union[name] = cluster }
            let version = nextVersion()
            try write(
                Self.discovery(union.keys.sorted().compactMap { name in union[name].map { withSource(name, $0) } }, version: version),
                to: path("cds.json"))
            expected["cluster_manager.cds"] = version
            changes.insert("clusters")
        }
        try await acknowledge(expected, baseline: baseline)
        if !expected.isEmpty { baseline = try await rejections() }
        expected = [:]
        // 3. Endpoints of existing clusters.
        for name in newClusters.subtracting(added).sorted() where publishedEndpoints[name] != config.endpoints[name] ?? [] {
            let version = nextVersion()
            try write(edsDocument(name, config.endpoints[name] ?? [], version: version), to: edsPath(name))
            publishedEndpoints[name] = config.endpoints[name] ?? []
            expected["cluster.\(name)"] = version
            changes.insert("endpoints")
        }
        // 4. Routes.
        if old?.virtualHosts != config.virtualHosts {
            let version = nextVersion()
            try write(Self.discovery([config.routeConfiguration], version: version), to: path("rds.json"))
            expected["http.ingress.rds.\(EnvoyConfig.routeName)"] = version
            changes.insert("routes")
        }
        try await acknowledge(expected, baseline: baseline)
        if !expected.isEmpty { baseline = try await rejections() }
        // 5. Clusters no route uses any more.
        if !removed.isEmpty {
            let version = nextVersion()
            try write(
                Self.discovery(
                    config.clusters.keys.sorted().compactMap { name in config.clusters[name].map { withSource(name, $0) } },
                    version: version),
                to: path("cds.json"))
            try await acknowledge(["cluster_manager.cds": version], baseline: baseline)
            for name in removed {
                unlink(edsPath(name))
                publishedEndpoints[name] = nil
            }
            changes.insert("clusters")
        }
        published = config
        return changes
    }

    private func withSource(_ name: String, _ cluster: ManifestValue) -> ManifestValue {
        var cluster = cluster
        cluster["eds_cluster_config"] = .object([
            "eds_config": .object([
                "resource_api_version": .string("V3"), "path_config_source": .object(["path": .string(edsPath(name))]),
            ])
        ])
        return cluster
    }

    private func edsDocument(_ cluster: String, _ endpoints: [EnvoyConfig.Endpoint], version: String) -> String {
        let assignment: ManifestValue = .object([
            "@type": .string("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"), "cluster_name": .string(cluster),
            "endpoints": .array(
                endpoints.isEmpty
                    ? []
                    : [
                        .object([
                            "lb_endpoints": .array(
                                endpoints.map { endpoint in
                                    .object(["endpoint": .object(["address": Self.socket(endpoint.address, endpoint.port)])])
                                })
                        ])
                    ]),
        ])
        return Self.discovery([assignment], version: version)
    }

    /// Polls the admin stats until every `<prefix>.version_text` shows its version; an `update_rejected` above its
    /// `baseline` (counted before the files were written) is Envoy refusing the file.
    private func acknowledge(_ expected: [String: String], baseline: [String: Int], timeout: Duration = .seconds(10)) async throws {
        guard !expected.isEmpty else { return }
        let deadline = ContinuousClock.now + timeout
        while true {
            let stats = (try? await versionStats()) ?? [:]
            var pending: [String] = []
            for (prefix, version) in expected where stats["\(prefix).version_text"] != version {
                if let rejected = Int(stats["\(prefix).update_rejected"] ?? "0"), rejected > baseline[prefix] ?? 0 {
                    throw TargetError.mesh(
                        "Envoy rejected the \(prefix) update; the previous configuration keeps serving: \(lastRejection())")
                }
                pending.append(prefix)
            }
            if pending.isEmpty { return }
            if ContinuousClock.now > deadline {
                throw TargetError.mesh(
                    "Envoy did not confirm \(pending.sorted().joined(separator: ", ")) within \(timeout) (log: \(path("envoy.log")))")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Every `update_rejected` counter by its prefix.
    private func rejections() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (name, value) in try await versionStats() where name.hasSuffix(".update_rejected") {
            counts[String(name.dropLast(".update_rejected".count))] = Int(value) ?? 0
        }
        return counts
    }

    private func lastRejection() -> String {
        let log = (try? String(contentsOfFile: path("envoy.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").last { $0.contains("rejected") }.map { line in
            line.range(of: "] ").map { String(line[$0.upperBound...]) } ?? String(line)
        } ?? "see \(path("envoy.log"))"
    }

    /// `version_text` and `update_rejected` stats by name.
    private func versionStats() async throws -> [String: String] {
        let text = try await get("/stats?filter=(version_text|update_rejected)$")
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.range(of: ": ") else { continue }
            var value = String(line[colon.upperBound...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            result[String(line[..<colon.lowerBound])] = value
        }
        return result
    }

    /// A GET against the admin endpoint.
    public func get(_ pathAndQuery: String) async throws -> String {
        let encoded = pathAndQuery.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? pathAndQuery
        let request = HTTPClientRequest(url: admin + encoded)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 32 << 20)
        return String(buffer: body)
    }
}

extension EnvoyMesh {
    /// Envoy's counters and latency histograms per cluster, labelled with what each cluster stands for. Counters
    /// start again from zero when Envoy restarts.
    public func metrics(_ config: EnvoyConfig) async throws -> [SubsetMetrics] {
        let text = try await get("/stats/prometheus?usedonly&filter=^cluster\\.[^.]+\\.upstream_rq_([0-9]{3}|time)$")
        let stats = EnvoyStats.clusters(fromEnvoy: text)
        return config.identities.sorted { $0.key < $1.key }.map { name, identity in
            let cluster = stats[name] ?? EnvoyStats.ClusterStats()
            return SubsetMetrics(
                namespace: identity.namespace, service: identity.service, subset: identity.subset, version: identity.version,
                workload: identity.workload, responses: cluster.responses, latencyBuckets: cluster.buckets,
                latencySum: cluster.sum, latencyCount: cluster.count)
        }
    }
}
