import Core
import Foundation
import Images
import OCI

/// docker/metadata-action: tags, labels and annotations from the run's ref and event (see `ImageMetadata`), as the
/// outputs `version`, `tags`, `tag-names`, `labels`, `annotations`, `json` and the bake files, and as
/// `DOCKER_METADATA_OUTPUT_*` variables for later steps.
struct DockerMetadataAction {
    let io: ActionIO

    func run() async throws {
        let environment = io.environment
        let context = try await Self.context(io: io)
        let metadata: ImageMetadata
        do {
            metadata = try ImageMetadata(
                images: io.list("images", ignoreComma: true), tags: io.list("tags", ignoreComma: true),
                flavor: io.list("flavor", ignoreComma: true), labels: io.list("labels", ignoreComma: true),
                annotations: io.list("annotations", ignoreComma: true), context: context
            )
        } catch {
            throw ActionFailure("\(error)")
        }
        io.group("Context info") {
            print("eventName: \(context.eventName)")
            print("sha: \(context.sha)")
            print("ref: \(context.ref)")
        }
        for warning in metadata.warnings { io.warning(warning) }
        let levels = (environment["DOCKER_METADATA_ANNOTATIONS_LEVELS"].flatMap { $0.isEmpty ? nil : $0 } ?? "manifest")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let labels: [(String, String)]
        let annotationLines: [String]
        let json: String
        do {
            labels = try metadata.labels()
            annotationLines = try metadata.annotationLines(levels: levels)
            json = try metadata.json(annotationLevels: levels)
        } catch {
            throw ActionFailure("\(error)")
        }
        let labelLines = labels.map { "\($0.0)=\($0.1)" }
        let version = metadata.version.main ?? ""
        io.group("Docker image version") { print(version) }
        io.group("Docker tags") { for tag in metadata.tags { print(tag) } }
        io.group("Docker labels") { for line in labelLines { print(line) } }
        io.group("Annotations") { for line in annotationLines { print(line) } }
        io.group("JSON output") { print(json) }

        let separator = { (name: String) in
            let value = io.input(name, trimmed: false)
            return value.isEmpty ? "\n" : value
        }
        let bakeTarget = io.input("bake-target").isEmpty ? "docker-metadata-action" : io.input("bake-target")
        let bakeDirectory =
            (environment["RUNNER_TEMP"] ?? NSTemporaryDirectory()) + "/docker-metadata-action-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: bakeDirectory, withIntermediateDirectories: true)
        func bakeFile(_ suffix: String, _ target: BakeTarget) throws -> String {
            let path = "\(bakeDirectory)/docker-metadata-action-bake\(suffix.isEmpty ? "" : "-" + suffix).json"
            try CanonicalJSON.encode(["target": [bakeTarget: target]]).write(to: URL(fileURLWithPath: path))
            return path
        }
        let args = ["DOCKER_META_IMAGES": metadata.images.joined(separator: ","), "DOCKER_META_VERSION": version]
        let labelMap = Dictionary(labels, uniquingKeysWith: { $1 })
        let outputs: [(String, String)] = [
            ("version", version),
            ("tags", metadata.tags.joined(separator: separator("sep-tags"))),
            ("tag-names", metadata.tagNames.joined(separator: separator("sep-tags"))),
            ("labels", labelLines.joined(separator: separator("sep-labels"))),
            ("annotations", annotationLines.joined(separator: separator("sep-annotations"))),
            ("json", json),
            ("bake-file-tags", try bakeFile("tags", BakeTarget(tags: metadata.tags, args: args))),
            ("bake-file-labels", try bakeFile("labels", BakeTarget(labels: labelMap))),
            ("bake-file-annotations", try bakeFile("annotations", BakeTarget(annotations: annotationLines))),
            ("bake-file", try bakeFile("", BakeTarget(tags: metadata.tags, labels: labelMap, args: args))),
        ]
        let exportEnvironment = environment["DOCKER_METADATA_SET_OUTPUT_ENV"].map { $0.lowercased() != "false" } ?? true
        for (name, value) in outputs {
            try io.setOutput(name, value)
            if exportEnvironment {
                try io.exportVariable("DOCKER_METADATA_OUTPUT_" + name.uppercased().replacingOccurrences(of: "-", with: "_"), value)
            }
        }
    }

    /// One target of a bake definition file; absent parts are left out.
    struct BakeTarget: Encodable {
        var tags: [String]?
        var labels: [String: String]?
        var annotations: [String]?
        var args: [String: String]?
    }

    /// The run's context from the runner's variables and event payload; `context: git` takes the ref and commit
    /// from the checked-out repository instead.
    static func context(io: ActionIO) async throws -> MetadataContext {
        let environment = io.environment
        var payload: [String: Any] = [:]
        if let path = environment["GITHUB_EVENT_PATH"], let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            payload = object
        }
        let repository = payload["repository"] as? [String: Any] ?? [:]
        let pullRequest = payload["pull_request"] as? [String: Any]
        var ref = environment["GITHUB_REF"] ?? ""
        var sha = environment["GITHUB_SHA"] ?? ""
        if environment["DOCKER_METADATA_PR_HEAD_SHA"] == "true", let head = (pullRequest?["head"] as? [String: Any])?["sha"] as? String {
            sha = head
        }
        let contextInput = io.input("context")
        guard contextInput.isEmpty || contextInput == "workflow" || contextInput == "git" else {
            throw ActionFailure("context: '\(contextInput)' is not supported (expected workflow or git)")
        }
        let workspace = environment["GITHUB_WORKSPACE"] ?? FileManager.default.currentDirectoryPath
        let git = Git(directory: workspace)
        if contextInput == "git" {
            sha = (try? await git.run(["rev-parse", "HEAD"])) ?? sha
            ref = await git.currentRef() ?? ref
        }
        var commitDate: Date?
        if let timestamp = (payload["head_commit"] as? [String: Any])?["timestamp"] as? String {
            commitDate = ISO8601DateFormatter().date(from: timestamp)
        }
        if commitDate == nil, !sha.isEmpty, let seconds = try? await git.run(["log", "-1", "--format=%ct", sha]),
            let value = TimeInterval(seconds)
        {
            commitDate = Date(timeIntervalSince1970: value)
        }
        var now = Date()
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap({ TimeInterval($0) }) { now = Date(timeIntervalSince1970: epoch) }
        let baseRef = (payload["base_ref"] as? String) ?? ((pullRequest?["base"] as? [String: Any])?["ref"] as? String)
        let shortLength: Int
        do { shortLength = try ImageMetadata.shortSHALength(environment) } catch { throw ActionFailure("\(error)") }
        return MetadataContext(
            eventName: environment["GITHUB_EVENT_NAME"] ?? "", ref: ref, sha: sha,
            defaultBranch: repository["default_branch"] as? String, baseRef: baseRef, commitDate: commitDate, now: now,
            shortSHALength: shortLength, repository: environment["GITHUB_REPOSITORY"] ?? "",
            serverURL: environment["GITHUB_SERVER_URL"] ?? "https://github.com",
            repositoryDescription: repository["description"] as? String,
            license: (repository["license"] as? [String: Any])?["spdx_id"] as? String
        )
    }
}
