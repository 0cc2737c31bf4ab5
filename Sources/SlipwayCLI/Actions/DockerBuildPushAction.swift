import Foundation
import Images

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
        let context = Self.absolute(contextInput.isEmpty ? "." : contextInput, base: FileManager.default.currentDirectoryPath, workspace: workspace)
        guard !contextInput.contains("://"), !contextInput.hasPrefix("git@") else {
            throw CommandFailure("context: '\(contextInput)' is a remote context; Slipway builds from a directory (check the repository out first)")
        }
        let fileInput = io.input("file")
        let dockerfile = fileInput.isEmpty ? "\(context)/Dockerfile" : Self.absolute(fileInput, base: FileManager.default.currentDirectoryPath, workspace: workspace)
        var push = try io.bool("push", default: false)
        var pushByDigest = false
        var outputNames: [String] = []
        for output in io.list("outputs", ignoreComma: true) {
            let attributes = Self.attributes(output)
            switch attributes["type"] ?? "" {
            case "image", "registry":
                if attributes["type"] == "registry" || attributes["push"] == "true" { push = true }
                if attributes["push-by-digest"] == "true" { pushByDigest = true }
                if let names = attributes["name"] { outputNames += names.split(separator: ",").map(String.init) }
            case "docker", "cacheonly":
                break  // The image is in Slipway's store either way.
            default:
                throw CommandFailure("outputs: '\(output)' is not supported (Slipway keeps images in its store and pushes with type=image,push=true or type=registry)")
            }
        }
        let platforms = io.list("platforms", ignoreComma: false)
        let host = "linux/\(Self.hostArchitecture)"
        if let other = platforms.first(where: { $0 != host && $0 != "linux/\(Self.hostArchitecture)/v8" }) {
            throw CommandFailure("platforms: '\(other)' — Slipway builds for the host platform only (\(host)); RUN steps execute natively under bubblewrap")
        }
        for input in ["secrets", "secret-files", "secret-envs", "ssh"] where !io.input(input).isEmpty {
            throw CommandFailure("\(input): build secrets and SSH forwarding (RUN --mount) are not supported by Slipway's builder")
        }
        if !io.input("cache-from").isEmpty || !io.input("cache-to").isEmpty {
            print("cache-from/cache-to: not needed — Slipway caches every layer by content in its store; ignored")
        }

        var buildArgs: [String: String] = [:]
        for entry in io.list("build-args", ignoreComma: true) {
            guard let equals = entry.firstIndex(of: "=") else {
                if let value = environment[entry] { buildArgs[entry] = value }
                continue
            }
            buildArgs[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        let labels = Self.pairs(io.list("labels", ignoreComma: true))
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
        do { tags = try tagTexts.map { try ImageReference(parsing: $0) } } catch { throw CommandFailure("tags: \(error)") }
        let digestNames: [ImageReference]
        do { digestNames = try (pushByDigest ? outputNames : []).map { try ImageReference(parsing: $0) } } catch { throw CommandFailure("outputs: \(error)") }
        if push, tags.isEmpty, digestNames.isEmpty { throw CommandFailure("tag is needed when pushing to registry") }

        let epoch = (buildArgs["SOURCE_DATE_EPOCH"] ?? environment["SOURCE_DATE_EPOCH"]).flatMap { Int64($0) }
        let options = BuildOptions(context: context, dockerfile: dockerfile, tags: tags, buildArgs: buildArgs, target: io.input("target").nilIfEmpty,
                                   noCache: try io.bool("no-cache", default: false), sourceDateEpoch: epoch, labels: labels, annotations: annotations)
        let store: ImageStore
        do { store = try ImageStore(root: ImageStore.defaultRoot) } catch { throw imageFailure(error) }
        let client = RegistryClient(configuration: RegistryClient.Configuration(), store: store)
        defer { client.shutdown() }
        do {
            let builder = ImageBuilder(store: store, fetchBase: { reference in
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
            let metadata = "{\"containerimage.config.digest\":\"\(result.imageID)\",\"containerimage.descriptor\":{\"mediaType\":\"\(result.manifest.mediaType)\",\"digest\":\"\(result.manifest.digest)\",\"size\":\(result.manifest.size)},\"containerimage.digest\":\"\(result.manifest.digest)\",\"image.name\":\(DockerMetadataAction.quote(names))}"
            try io.setOutput("imageid", result.imageID.description)
            try io.setOutput("digest", result.manifest.digest.description)
            try io.setOutput("metadata", metadata)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw imageFailure(error)
        }
    }

    static var hostArchitecture: String {
        #if arch(arm64)
        "arm64"
        #else
        "amd64"
        #endif
    }

    /// A path relative to the step's directory (as buildx resolves it); `{{defaultContext}}` is the workspace.
    static func absolute(_ path: String, base: String, workspace: String) -> String {
        if path == "{{defaultContext}}" { return workspace }
        var path = path
        if path.hasPrefix("{{defaultContext}}:") { path = workspace + "/" + path.dropFirst("{{defaultContext}}:".count) }
        let full = path.hasPrefix("/") ? path : "\(base)/\(path)"
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    static func pairs(_ entries: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    /// `type=image,name=a,push=true` (a quoted value may hold commas).
    static func attributes(_ entry: String) -> [String: String] {
        var result: [String: String] = [:]
        var field = ""
        var quoted = false
        func flush() {
            if let equals = field.firstIndex(of: "=") {
                result[field[..<equals].trimmingCharacters(in: .whitespaces)] = String(field[field.index(after: equals)...])
            }
            field = ""
        }
        for character in entry {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { flush(); continue }
            field.append(character)
        }
        flush()
        return result
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
