import Foundation

/// Upstream test data (GitHub's expression and workflow-parser cases, act's scenarios, real workflows, …) read where
/// the workplace keeps it, `../shared/conformance` next to the package, never copied into the project.
///
/// A clone elsewhere has no such directory: the suites that need it are then reported as not run, with the reason,
/// unless ``requiredVariable`` is set (CI sets it), in which case they run and fail naming what is missing.
public enum ConformanceData {
    /// Where to look instead of `../shared/conformance`.
    public static let directoryVariable = "SLIPWAY_CONFORMANCE_DIR"
    /// When set to a non-empty value other than `0`, missing data fails the suites instead of skipping them.
    public static let requiredVariable = "SLIPWAY_REQUIRE_CONFORMANCE"

    public struct Missing: Error, CustomStringConvertible {
        public var relativePath: String
        public var searched: [String]
        public var description: String {
            "conformance data '\(relativePath)' not found (looked in \(searched.joined(separator: ", ")); set \(directoryVariable))"
        }
    }

    /// The directories searched, in order.
    public static var candidates: [String] {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment[directoryVariable], !given.isEmpty { return [given] }
        // Sources/SlipwayTesting/ConformanceData.swift → the package root.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return [packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance").standardizedFileURL.path]
    }

    public static var isRequired: Bool {
        let value = ProcessInfo.processInfo.environment[requiredVariable] ?? ""
        return !value.isEmpty && value != "0"
    }

    /// The absolute path of `relativePath` inside the data, or nil when it is not there.
    public static func path(_ relativePath: String) -> String? {
        for candidate in candidates {
            let path = candidate + "/" + relativePath
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// The path, or an error naming where it was looked for.
    public static func require(_ relativePath: String) throws -> String {
        guard let path = path(relativePath) else { throw Missing(relativePath: relativePath, searched: candidates) }
        return path
    }

    /// Whether suites needing `relativePath` should run: the data is there, or its absence must fail them.
    public static func shouldRun(_ relativePath: String) -> Bool {
        path(relativePath) != nil || isRequired
    }
}
