import Foundation
import Images
import OCI
import OCIClient

/// docker/build-push-action on Slipway's daemonless builder: `context`, `file`, `tags`, `labels`, `annotations`,
/// `build-args`, `target`, `no-cache`, `push` (and `outputs: type=image|registry,push=true`), with the outputs
/// `imageid` (the config digest), `digest` (the manifest digest a registry reports) and `metadata` (buildx's JSON).
/// Layers are cached by content in the local store, so `cache-from`/`cache-to` have nothing to add; builds are for
/// the host platform only.
struct DockerBuildPushAction {
    let io: ActionIO

    func run() async throws {
        let environment = io.environment
        let workspace = environment["GITHUB_WORKSPACE"] ?? FileManager.default.currentDirectoryPath
        let contextInput = io.input("context")
        let context = Self.absolute(
            contextInput.isEmpty ? "." : contextInput, base: FileManager.default.currentDirectoryPath, workspace: workspace)
        guard !contextInput.contains("://"), !contextInput.hasPrefix("git@") else {
            throw ActionFailure(
                "context: '\(contextInput)' is a remote context; Slipway builds from a directory (check the repository out first)")
        }
        let fileInput = io.input("file")
        let dockerfile =
            fileInput.isEmpty
            ? "\(context)/Dockerfile" : Self.absolute(fileInput, base: FileManager.default.currentDirectoryPath, workspace: workspace)
        var push = try io.bool("push", default: false)
        var pushByDigest = false
        var outputNames: [String] = []
        for output in io.list("outputs", ignoreComma: true) {
            let attributes: [String: String]
            do {
                attributes = Dictionary(
                    try CSVFields.attributes(output, input: "outputs").compactMap { field in field.value.map { (field.key, $0) } },
                    uniquingKeysWith: { $1 })
            } catch {
                throw ActionFailure("\(error)")
            }
            switch attributes["type"] ?? "" {
            case "image", "registry":
                if attributes["type"] == "registry" || attributes["push"] == "true" { push = true }
                if attributes["push-by-digest"] == "true" { pushByDigest = true }
                if let names = attributes["name"] { outputNames += names.split(separator: ",").map(String.init) }
            case "docker", "cacheonly":
                break  // The image is in Slipway's store either way.
            default:
                throw ActionFailure(
                    "outputs: '\(output)' is not supported (Slipway keeps images in its store and pushes with type=image,push=true or "
                        + "type=registry)"
                )
            }
        }
        let platforms = io.list("platforms", ignoreComma: false)
        let platform = Platform.current
        let host = "\(platform.os)/\(platform.architecture)"
        if let other = platforms.first(where: { $0 != host && $0 != host + "/" + (platform.variant ?? "") }) {
            throw ActionFailure(
                "platforms: '\(other)' — Slipway builds for the host platform only (\(host)); RUN steps execute natively under "
                    + "bubblewrap")
        }
        for input in ["secrets", "secret-files", "secret-envs", "ssh"] where !io.input(input).isEmpty {
            throw ActionFailure("\(input): build secrets and SSH forwarding (RUN --mount) are not supported by Slipway's builder")
        }
        if !io.input("cache-from").isEmpty || !io.input("cache-to").isEmpty {
            print("cache-from/cache-to: not needed — Slipway caches every layer by content in its store; ignored")
        }

        // A bare KEY takes the environment's value, or is left unset, as buildx does.
        let buildArgs = BuildOptions.arguments(io.list("build-args", ignoreComma: true), environment: environment).values
        let labels = BuildOptions.arguments(io.list("labels", ignoreComma: true), environment: [:]).values
        var annotations: [String: String] = [:]
        for entry in io.list("annotations", ignoreComma: true) {
            // metadata-action writes `manifest:key=value`; other levels (index, descriptors) have no place in a one-platform image.
            var text = Substring(entry)
            if let colon = text.firstIndex(of: ":"), let equals = text.firstIndex(of: "="), colon < equals {
                let level = text[..<colon]
                guard level == "manifest" || level.hasPrefix("manifest[") else { continue }
                text = text[text.index(after: colon)...]
            }
            if let equals = text.firstIndex(of: "=") { annotations[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
        }
        let tagTexts = io.list("tags", ignoreComma: false) + (pushByDigest ? [] : outputNames)
        let tags: [ImageReference]
        do { tags = try tagTexts.map { try ImageReference(parsing: $0) } } catch { throw ActionFailure("tags: \(error)") }
        let digestNames: [ImageReference]
        do { digestNames = try (pushByDigest ? outputNames : []).map { try ImageReference(parsing: $0) } } catch {
            throw ActionFailure("outputs: \(error)")
        }
        if push, tags.isEmpty, digestNames.isEmpty { throw ActionFailure("tag is needed when pushing to registry") }

        let epoch = (buildArgs["SOURCE_DATE_EPOCH"] ?? environment["SOURCE_DATE_EPOCH"]).flatMap { Int64($0) }
        let options = BuildOptions(
            context: context, dockerfile: dockerfile, tags: tags, buildArgs: buildArgs, target: io.input("target").nilIfEmpty,
            noCache: try io.bool("no-cache", default: false), sourceDateEpoch: epoch, labels: labels, annotations: annotations)
        let store: ImageStore
        do { store = try ImageStore(root: ImageStore.defaultRoot) } catch { throw ActionFailure.image(error) }
        let client = RegistryClient(configuration: RegistryClient.Configuration(), store: store)
        defer { client.shutdown() }
        do {
            let builder = ImageBuilder(
                store: store,
                fetchBase: { reference in
                    print("pulling \(reference.familiar)")
                    _ = try await client.pull(reference, into: store)
                }, log: { print($0) })
            let result = try await builder.build(options)
            print("built \(result.manifest.digest) (\(result.cacheHits) cached, \(result.layersBuilt) built)")
            if push {
                for reference in tags {
                    let pushed = try await client.push(reference, from: store)
                    print("pushed \(reference.familiar)@\(pushed)")
                }
                for name in digestNames {
                    // Push by digest: the manifest goes up under its digest, no tag is written.
                    let byDigest = ImageReference(registry: name.registry, repository: name.repository, digest: result.manifest.digest)
                    let pushed = try await client.push(byDigest, from: store)
                    print("pushed \(name.registry)/\(name.repository)@\(pushed)")
                }
            }
            let names = (tags + digestNames).map(\.description).joined(separator: ",")
            let metadata = BuildMetadata(
                configDigest: result.imageID.description, descriptor: result.manifest,
                digest: result.manifest.digest.description, imageName: names)
            try io.setOutput("imageid", result.imageID.description)
            try io.setOutput("digest", result.manifest.digest.description)
            try io.setOutput("metadata", String(decoding: try CanonicalJSON.encode(metadata), as: UTF8.self))
        } catch let failure as ActionFailure {
            throw failure
        } catch {
            throw ActionFailure.image(error)
        }
    }

    /// buildx's metadata file, the action's `metadata` output.
    struct BuildMetadata: Encodable {
        var configDigest: String
        var descriptor: Descriptor
        var digest: String
        var imageName: String

        enum CodingKeys: String, CodingKey {
            case configDigest = "containerimage.config.digest"
            case descriptor = "containerimage.descriptor"
            case digest = "containerimage.digest"
            case imageName = "image.name"
        }
    }

    /// A path relative to the step's directory (as buildx resolves it); `{{defaultContext}}` is the workspace.
    static func absolute(_ path: String, base: String, workspace: String) -> String {
        if path == "{{defaultContext}}" { return workspace }
        var path = path
        if path.hasPrefix("{{defaultContext}}:") { path = workspace + "/" + path.dropFirst("{{defaultContext}}:".count) }
        let full = path.hasPrefix("/") ? path : "\(base)/\(path)"
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
