import Core
import Foundation
import Images

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
            throw CommandFailure("\(error)")
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
        let annotations: [(String, String)]
        let json: String
        do {
            labels = try metadata.labels()
            annotations = try metadata.annotations()
            json = try metadata.json(annotationLevels: levels)
        } catch {
            throw CommandFailure("\(error)")
        }
        let labelLines = labels.map { "\($0.0)=\($0.1)" }
        let annotationLines = levels.flatMap { level in annotations.map { "\(level):\($0.0)=\($0.1)" } }
        let version = metadata.version.main ?? ""
        io.group("Docker image version") { print(version) }
        io.group("Docker tags") { metadata.tags.forEach { print($0) } }
        io.group("Docker labels") { labelLines.forEach { print($0) } }
        io.group("Annotations") { annotationLines.forEach { print($0) } }
        io.group("JSON output") { print(json) }

        let separator = { (name: String) in
            let value = io.environment["INPUT_" + name.uppercased()] ?? ""
            return value.isEmpty ? "\n" : value
        }
        let bakeTarget = io.input("bake-target").isEmpty ? "docker-metadata-action" : io.input("bake-target")
        let bakeDirectory = (environment["RUNNER_TEMP"] ?? NSTemporaryDirectory()) + "/docker-metadata-action-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: bakeDirectory, withIntermediateDirectories: true)
        func bakeFile(_ suffix: String, _ body: String) throws -> String {
            let path = "\(bakeDirectory)/docker-metadata-action-bake\(suffix.isEmpty ? "" : "-" + suffix).json"
            try Data("{\"target\":{\(Self.quote(bakeTarget)):{\(body)}}}".utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let tagsJSON = "\"tags\":[\(metadata.tags.map(Self.quote).joined(separator: ","))]"
        let argsJSON = "\"args\":{\"DOCKER_META_IMAGES\":\(Self.quote(metadata.images.joined(separator: ","))),\"DOCKER_META_VERSION\":\(Self.quote(version))}"
        let labelsJSON = "\"labels\":{\(labels.map { "\(Self.quote($0.0)):\(Self.quote($0.1))" }.joined(separator: ","))}"
        let annotationsJSON = "\"annotations\":[\(annotationLines.map(Self.quote).joined(separator: ","))]"
        let outputs: [(String, String)] = [
            ("version", version),
            ("tags", metadata.tags.joined(separator: separator("sep-tags"))),
            ("tag-names", metadata.tagNames.joined(separator: separator("sep-tags"))),
            ("labels", labelLines.joined(separator: separator("sep-labels"))),
            ("annotations", annotationLines.joined(separator: separator("sep-annotations"))),
            ("json", json),
            ("bake-file-tags", try bakeFile("tags", "\(tagsJSON),\(argsJSON)")),
            ("bake-file-labels", try bakeFile("labels", labelsJSON)),
            ("bake-file-annotations", try bakeFile("annotations", annotationsJSON)),
            ("bake-file", try bakeFile("", "\(tagsJSON),\(labelsJSON),\(argsJSON)")),
        ]
        let exportEnvironment = environment["DOCKER_METADATA_SET_OUTPUT_ENV"].map { $0.lowercased() != "false" } ?? true
        for (name, value) in outputs {
            try io.setOutput(name, value)
            if exportEnvironment {
                try io.exportVariable("DOCKER_METADATA_OUTPUT_" + name.uppercased().replacingOccurrences(of: "-", with: "_"), value)
            }
        }
    }

    static func quote(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
    }

    /// The run's context from the runner's variables and event payload; `context: git` takes the ref and commit
    /// from the checked-out repository instead.
    static func context(io: ActionIO) async throws -> MetadataContext {
        let environment = io.environment
        var payload: [String: Any] = [:]
        if let path = environment["GITHUB_EVENT_PATH"], let data = FileManager.default.contents(atPath: path),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
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
            throw CommandFailure("context: '\(contextInput)' is not supported (expected workflow or git)")
        }
        let workspace = environment["GITHUB_WORKSPACE"] ?? FileManager.default.currentDirectoryPath
        let git = Git(directory: workspace)
        if contextInput == "git" {
            sha = (try? await git.run(["rev-parse", "HEAD"])) ?? sha
            if let symbolic = try? await git.run(["symbolic-ref", "-q", "HEAD"]), !symbolic.isEmpty {
                ref = symbolic
            } else if let tag = try? await git.run(["describe", "--tags", "--exact-match", "HEAD"]), !tag.isEmpty {
                ref = "refs/tags/" + tag
            }
        }
        var commitDate: Date?
        if let timestamp = (payload["head_commit"] as? [String: Any])?["timestamp"] as? String {
            commitDate = ISO8601DateFormatter().date(from: timestamp)
        }
        if commitDate == nil, !sha.isEmpty, let seconds = try? await git.run(["log", "-1", "--format=%ct", sha]), let value = TimeInterval(seconds) {
            commitDate = Date(timeIntervalSince1970: value)
        }
        var now = Date()
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap({ TimeInterval($0) }) { now = Date(timeIntervalSince1970: epoch) }
        let baseRef = (payload["base_ref"] as? String) ?? ((pullRequest?["base"] as? [String: Any])?["ref"] as? String)
        let shortLength: Int
        do { shortLength = try ImageMetadata.shortSHALength(environment) } catch { throw CommandFailure("\(error)") }
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
