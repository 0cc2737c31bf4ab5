import ArgumentParser
import Foundation
import NIOHTTP1
import Runner
import Store

/// What `slipway approve` and `slipway reject` share: the run, the environment, who decides and why.
struct DeploymentReviewOptions: ParsableArguments {
    @Argument(help: "The run waiting for a review (as `slipway runs` lists it).")
    var run: Int64

    @Option(help: "The environment to review.")
    var environment: String

    @Option(help: "Why (recorded with the review).")
    var comment: String?

    @Option(name: .customLong("as"), help: "The reviewer, for a run of this repository (default: git's user.name).")
    var reviewer: String?

    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository whose run it is (default: the current directory).")
    var directory: String?

    @OptionGroup var server: ServerOption

    /// Records the review, in the server's API or this repository's run store, and says what it did.
    func review(approve: Bool) async throws {
        if let client = try server.client() {
            if reviewer != nil { throw ValidationError("--as names a local reviewer; against a server the review is the signed-in user's") }
            let body = ["environment": environment, "state": approve ? "approved" : "rejected", "comment": comment ?? ""]
            let data = try await client.call(
                .POST, "/api/v1/runs/\(run)/pending_deployments", body: body, notFound: "the server has no run \(run)")
            let deployments = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
            for deployment in deployments {
                print(
                    Self.summary(
                        job: deployment["job"] as? String ?? "", environment: environment, state: deployment["state"] as? String ?? ""))
            }
            return
        }
        let current = FileManager.default.currentDirectoryPath
        let root = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        let path = RunStore.path(forRepository: root)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("there is no run \(run) (no runs are recorded in \(root))")
        }
        let user: String
        if let reviewer {
            user = reviewer
        } else if let name = await GitRepository.inspect(root).userName {
            user = name
        } else {
            throw CommandFailure("who is reviewing? pass --as USER (git has no user.name here)")
        }
        let store = try RunStore(path: path)
        do {
            let deployments = try store.review(run: run, environment: environment, user: user, approve: approve, comment: comment)
            for deployment in deployments {
                let given = try store.reviews(ofDeployment: deployment.id ?? 0).filter { $0.state == DeploymentReview.approved }.count
                var line = Self.summary(job: deployment.jobName, environment: deployment.environment, state: deployment.state.rawValue)
                if deployment.state == .waiting { line += " (\(given) of \(deployment.approvalsRequired) approvals)" }
                print(line)
            }
        } catch let refusal as DeploymentReviewError {
            throw CommandFailure(refusal.description)
        }
    }

    static func summary(job: String, environment: String, state: String) -> String {
        switch state {
        case "approved": "\(job): deployment to \(environment) approved"
        case "rejected": "\(job): deployment to \(environment) rejected"
        default: "\(job): review of \(environment) recorded, still \(state)"
        }
    }
}
