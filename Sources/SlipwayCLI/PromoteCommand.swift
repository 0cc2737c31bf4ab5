import ArgumentParser
import Delivery
import Foundation
import Runner

/// `slipway promote APP --to ENV`: writes the digests a release verified into the next environment's overlay, after
/// that environment's reviewers.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Promote the image digests a release verified to the next environment (after its approvals).",
        discussion: """
            The application is `APP` or `APP-<environment>` in each environment (slipway.yaml's applications). The source \
            release is the latest of the environment before --to (or --from), or --release; it must have succeeded. The \
            promotion is recorded as a run: approve it with `slipway approve RUN --environment ENV`.
            """
    )

    @Argument(help: "The application (my-app: the applications my-app or my-app-<env> of each environment).")
    var application: String

    @Option(help: "The environment to promote to.")
    var to: String

    @Option(help: "The environment to promote from (default: the one declared before --to).")
    var from: String?

    @Option(help: "The release to promote (default: the source application's latest).")
    var release: Int64?

    @Option(name: .customLong("as"), help: "Who promotes (default: git's user.name).")
    var actor: String?

    @Option(
        name: [.customShort("C"), .customLong("directory")], help: "The repository with slipway.yaml (default: the current directory).")
    var directory: String?

    @OptionGroup var store: DeliveryStoreOption

    func run() async throws {
        let current = FileManager.default.currentDirectoryPath
        let root = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        let user: String
        if let actor {
            user = actor
        } else if let name = await GitRepository.inspect(root).userName {
            user = name
        } else {
            throw CommandFailure("who is promoting? pass --as USER (git has no user.name here)")
        }
        var request = PromotionRequest(repositoryRoot: root, application: application, target: to, actor: user)
        request.source = from
        request.releaseId = release
        do {
            // Each line at once: the one naming the run to approve must reach a reviewer while the promotion waits.
            _ = try await Promoter(records: try store.records()).promote(request) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch let refusal as PromotionError {
            throw CommandFailure(refusal.description)
        }
    }
}
