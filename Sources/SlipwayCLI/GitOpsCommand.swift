import ArgumentParser
import Foundation
import GitOps

/// `slipway gitops`: changes to GitOps repositories.
struct GitOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitops",
        abstract: "Write changes to GitOps repositories safely, and sync them to a target.",
        subcommands: [GitOpsSetImageCommand.self, GitOpsSyncCommand.self, GitOpsWatchCommand.self, GitOpsHoldsCommand.self]
    )
}

/// `slipway gitops set-image`: `kustomize edit set image` + commit + push, serialised per repository and branch.
struct GitOpsSetImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-image",
        abstract: "Set image tags in an overlay of a GitOps repository and commit (and push) the change.",
        discussion: """
            Clones or fetches the repository into Slipway's cache, edits <path>/kustomization.yaml exactly as
            `kustomize edit set image` would, and commits only when an image changed ("no change, skipped"
            otherwise). With --push, a push rejected because someone else pushed first is retried after fetching
            and rebasing, with jittered back-off, for up to --retry-deadline seconds. Writers to one repository and
            branch on this machine are serialised whatever cache each uses (a lock in SLIPWAY_LOCK_DIR, by default
            /run/lock/slipway).
            """
    )

    @Option(help: "Repository URL or local path.")
    var repo: String

    @Option(help: "Branch to update.")
    var branch: String = "main"

    @Option(help: "Overlay directory inside the repository, e.g. overlays/qa/my-app.")
    var path: String

    @Option(help: "Environment named in the commit message (default: the directory after overlays/).")
    var environment: String?

    @Option(help: "The run that triggered the change, recorded as a Slipway-Run: trailer.")
    var run: String?

    @Flag(help: "Push the commit to the remote branch.")
    var push = false

    @Option(help: "Seconds to keep fetching, rebasing and pushing again while other writers push first.")
    var retryDeadline: Int = 120

    @Argument(help: "Images as for kustomize edit set image, e.g. my-app=ghcr.io/acme/my-app:3f2c1ab.")
    var images: [String]

    func run() async throws {
        let runID =
            run ?? ProcessInfo.processInfo.environment["SLIPWAY_RUN_ID"]
            ?? ProcessInfo.processInfo.environment["GITHUB_RUN_ID"]
        let request = ImageWriteBack.Request(
            repository: repo, branch: branch, path: path, images: images, environment: environment, runID: runID,
            push: push)
        do {
            switch try await ImageWriteBack(retry: PushRetry(deadline: .seconds(max(1, retryDeadline)))).apply(request) {
            case .unchanged:
                print("no change, skipped")
            case .committed(let sha, let attempts, let workspace):
                let pushed = push ? "pushed to \(branch)" : "committed in \(workspace) (not pushed)"
                print("\(String(sha.prefix(12))) \(pushed)\(attempts > 1 ? " after \(attempts) attempts" : "")")
            }
        } catch let error as WriteBackError {
            throw CommandFailure(error.description)
        }
    }
}
