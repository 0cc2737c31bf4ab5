import ArgumentParser
import Core
import Foundation
import Images

/// `slipway image meta`: the tags and labels docker/metadata-action would give an image for a ref and commit.
struct ImageMetaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Print the tags (and labels) for an image from a Git ref and commit, with docker/metadata-action's rules.",
        discussion: """
            --strategy seed is the delivery seeds' tag strategy: the 8-character short SHA, <ref-slug>-latest for a
            branch, and for a tag the tag name plus latest. Otherwise --tag-rule entries are metadata-action's
            `tags` entries (type=ref,event=branch, type=semver,pattern={{version}}, type=sha, ...). The ref and
            commit default to the repository in the current directory.
            """
    )

    @Option(name: .customLong("image"), help: "Image base name, e.g. 127.0.0.1:5000/team/app (repeatable).")
    var images: [String] = []

    @Option(help: "A named strategy: seed.")
    var strategy: String?

    @Option(name: .customLong("tag-rule"), help: "A metadata-action tags entry (repeatable).")
    var tagRules: [String] = []

    @Option(help: "A metadata-action flavor entry (repeatable).")
    var flavor: [String] = []

    @Option(help: "The ref (default: the current branch or tag).")
    var ref: String?

    @Option(help: "The commit (default: HEAD).")
    var sha: String?

    @Option(help: "The event name.")
    var event: String = "push"

    @Flag(help: "Print labels too.")
    var labels = false

    func run() async throws {
        var rules = tagRules
        var flavors = flavor
        var shortLength = 7
        switch strategy {
        case nil: break
        case "seed":
            rules = ImageMetadata.seedStrategy.tags + rules
            flavors = ImageMetadata.seedStrategy.flavor + flavors
            shortLength = ImageMetadata.seedStrategy.shortSHALength ?? 7
        case let other?:
            throw ValidationError("--strategy \(other): unknown (expected seed)")
        }
        let git = Git(directory: FileManager.default.currentDirectoryPath)
        var resolvedRef = ref ?? ""
        if resolvedRef.isEmpty {
            resolvedRef = await git.currentRef() ?? ""
        } else if !resolvedRef.hasPrefix("refs/") {
            resolvedRef = "refs/heads/" + resolvedRef
        }
        let resolvedSHA: String
        if let sha {
            resolvedSHA = sha
        } else {
            do { resolvedSHA = try await git.run(["rev-parse", "HEAD"]) } catch {
                throw ValidationError("--sha is needed outside a git repository")
            }
        }
        let context = MetadataContext(eventName: event, ref: resolvedRef, sha: resolvedSHA, shortSHALength: shortLength)
        do {
            let metadata = try ImageMetadata(images: images, tags: rules, flavor: flavors, context: context)
            for warning in metadata.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            for tag in metadata.tags { print(tag) }
            if labels { for (name, value) in try metadata.labels() { print("\(name)=\(value)") } }
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
