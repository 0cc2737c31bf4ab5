import Core
import Foundation
import Synchronization

/// Renders kustomization trees in process, byte for byte as kustomize v5.5 does. One instance caches parsed files
/// and whole renders: a render is reused while every file it read still has the same content.
public final class Kustomizer: Sendable {
    public struct Options: Sendable {
        /// `LoadRestrictionsRootOnly` (the default): files must lie inside the kustomization that names them.
        public var restrictFilesToRoot = true
        /// Where checkouts of remote bases are kept (by repository and commit).
        public var remoteCacheDirectory: String
        /// How long a branch or tag of a remote base, once fetched, is trusted before it is fetched again.
        public var remoteRefreshInterval: Duration

        public init(
            restrictFilesToRoot: Bool = true, remoteCacheDirectory: String = CacheDirectory.path(for: "kustomize"),
            remoteRefreshInterval: Duration = .seconds(60)
        ) {
            self.restrictFilesToRoot = restrictFilesToRoot
            self.remoteCacheDirectory = remoteCacheDirectory
            self.remoteRefreshInterval = remoteRefreshInterval
        }
    }

    /// The objects of a build in output order, and kustomize's deprecation warnings.
    public struct Output: Sendable {
        public var resources: [ManifestValue]
        public var warnings: [String]

        /// The YAML stream kustomize prints.
        public func yaml() throws(KustomizeError) -> String {
            var documents: [String] = []
            for resource in resources {
                do {
                    documents.append(try GoYAMLEmitter.document(resource))
                } catch {
                    let name = resource.value(at: ["metadata", "name"])?.string ?? ""
                    throw .build("\(resource["kind"]?.string ?? "object") \(name): \(error)")
                }
            }
            return documents.joined(separator: "---\n")
        }
    }

    struct CachedRender: Sendable {
        var inputs: [String: Data]
        var remoteCommits: [RemoteSpec: String]
        var output: Output
    }

    struct State: Sendable {
        var documents: [Data: [(value: ManifestValue, location: SourceLocation)]] = [:]
        var renders: [String: CachedRender] = [:]
    }

    let options: Options
    let state = Mutex(State())
    let remotes: RemoteCheckouts

    public init(options: Options = Options()) {
        self.options = options
        self.remotes = RemoteCheckouts(
            directory: options.remoteCacheDirectory, refreshInterval: options.remoteRefreshInterval)
    }

    /// Builds the kustomization in `directory`, which may also be a remote reference such as
    /// `https://github.com/org/repo//path?ref=v1`.
    public func build(directory: String) async throws(KustomizeError) -> Output {
        let remote = Build.exists(directory) ? nil : RemoteSpec.parse(directory)
        let root = remote == nil ? Self.absolute(directory) : directory
        let cacheKey = root + (options.restrictFilesToRoot ? "" : "|none")
        if let cached = state.withLock({ $0.renders[cacheKey] }), await isCurrent(cached) {
            return cached.output
        }
        var build = Build(kustomizer: self)
        var set: ResourceSet
        if let remote {
            set = try await build.remoteLevel(
                remote, component: false, into: nil, visiting: [], kustomization: nil, field: "remote base")
        } else {
            set = try await build.level(root, component: false, into: nil, visiting: [])
        }
        let output = try build.finish(&set, top: build.topKustomization)
        let entry = CachedRender(inputs: build.inputs, remoteCommits: build.remoteCommits, output: output)
        state.withLock { $0.renders[cacheKey] = entry }
        return output
    }

    /// Whether a cached render still holds: every file it read has the same bytes, and every remote base still
    /// resolves to the same commit.
    private func isCurrent(_ cached: CachedRender) async -> Bool {
        guard cached.inputs.allSatisfy({ FileManager.default.contents(atPath: $0.key) == $0.value }) else { return false }
        for (spec, commit) in cached.remoteCommits {
            guard let resolution = try? await remotes.resolve(spec), resolution.checkout.commit == commit,
                resolution.warning == nil
            else { return false }
        }
        return true
    }

    func documents(_ data: Data, file: String, dialect: ScalarResolver.Dialect) throws(KustomizeError)
        -> [(value: ManifestValue, location: SourceLocation)]
    {
        if dialect == .yaml12, let cached = state.withLock({ $0.documents[data] }) {
            return cached.map { ($0.value, SourceLocation(file: file, line: $0.location.line, column: $0.location.column)) }
        }
        let text: String
        do { text = try SourceText.decode(data, file: file, yaml: true) } catch {
            throw .resource(file: error.location.description, message: error.message)
        }
        let normalized = text.contains("\r\n") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        do {
            let documents = try ManifestYAML.documents(normalized, file: file, dialect: dialect)
            if dialect == .yaml12 { state.withLock { $0.documents[data] = documents } }
            return documents
        } catch {
            throw .resource(
                file: file,
                message: "MalformedYAMLError: \(error.message) at line \(error.location?.line ?? 0), column \(error.location?.column ?? 0)")
        }
    }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }
}
