import Core
import Foundation

/// Debian's Prometheus, started for a test on 127.0.0.1 (on a port the kernel chooses) with a 1 s scrape of the
/// given targets; stopped by PID.
public struct PrometheusProcess: Sendable {
    public let port: Int
    public let pid: Int32

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") }

    /// Starts Prometheus with its configuration, data and log under `directory`, scraping `targets` ("host:port").
    public static func start(in directory: String, scraping targets: [String]) async throws -> PrometheusProcess {
        let list = targets.map { "\"\($0)\"" }.joined(separator: ", ")
        try """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
        - job_name: slipway-local
          static_configs: [{targets: [\(list)]}]

        """.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        let started = try await CapturedCommand.run(
            "sh",
            [
                "-c",
                "prometheus --config.file=\(directory)/prometheus.yml --web.listen-address=127.0.0.1:0 "
                    + "--storage.tsdb.path=\(directory)/tsdb --log.level=info >\(directory)/prometheus.log 2>&1 & echo $!",
            ], timeout: .seconds(10))
        guard let pid = Int32(started.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw NotStarted(description: "prometheus did not start: \(started.standardError)")
        }
        do {
            return PrometheusProcess(port: try await ListeningPorts.first(of: pid, within: .seconds(60)), pid: pid)
        } catch {
            kill(pid, SIGTERM)
            let log = (try? String(contentsOfFile: "\(directory)/prometheus.log", encoding: .utf8)) ?? ""
            throw NotStarted(description: "prometheus did not listen: \(error); its log: \(log.suffix(500))")
        }
    }

    public func stop() { kill(pid, SIGTERM) }

    public struct NotStarted: Error, CustomStringConvertible {
        public var description: String
    }
}
