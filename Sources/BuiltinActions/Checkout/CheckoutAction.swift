import Core
import Foundation
import Runner
import Workflows

/// `actions/checkout`. The workflow's own repository is the job's workspace already (a worktree of the event's commit,
/// or the working tree), so it is used as is; submodules are initialised when asked. Another repository
/// (`repository:`) comes from `--repo-map owner/name=PATH|URL` (the server adds its projects' repositories): cloned into `path:` (or fetched when a clone is
/// there), with the default branch or `ref:` checked out as a local branch at the remote's tip and untracked files
/// removed — so a later `git push` in the job works, as it does after GitHub's checkout.
struct CheckoutAction: BuiltinAction {
    let names = ["actions/checkout"]

    /// Inputs that change what GitHub's checkout does but have no counterpart here; each is named in a warning.
    static let unsupported = ["sparse-checkout", "filter", "ssh-key", "lfs"]

    func run(_ step: ActionStep) async throws -> StepOutcome {
        let submodules = (step.trimmedInput("submodules") ?? "false").lowercased()
        for name in Self.unsupported {
            guard let value = step.trimmedInput(name), !(name == "lfs" && value.lowercased() == "false") else { continue }
            await step.log("Warning: actions/checkout: '\(name)' is not supported by Slipway and is ignored")
        }
        if let repository = step.trimmedInput("repository"), repository.lowercased() != step.repository.lowercased() {
            guard let source = step.options.repoMap[repository] else {
                return .failure(
                    "actions/checkout of '\(repository)': no repository is known by that name (slipway run: --repo-map "
                        + "\(repository)=PATH|URL; slipway server: a project whose repository ends with /\(repository), or --repo-map)")
            }
            return try await checkout(repository, from: source, step: step, submodules: submodules)
        }
        await step.log("  | using the local working tree at \(step.workspace)")
        if submodules == "true" || submodules == "recursive" {
            // The working tree is the user's: initialise missing submodules, never reset existing ones.
            var arguments = ["submodule", "update", "--init"]
            if submodules == "recursive" { arguments.append("--recursive") }
            do { try await Git(directory: step.workspace).run(arguments, environment: step.environment) } catch {
                return .failure("\(error)")
            }
        }
        return .success(["ref": step.options.event.ref, "commit": step.options.event.sha])
    }

    private func checkout(_ repository: String, from source: String, step: ActionStep, submodules: String) async throws -> StepOutcome {
        let destination = Self.destination(step.trimmedInput("path"), workspace: step.workspace)
        let root = URL(fileURLWithPath: step.workspace).standardizedFileURL.path
        guard destination == root || destination.hasPrefix(root + "/") else {
            return .failure("Repository path '\(destination)' is not under '\(root)'")
        }
        let git = JobGit(directory: destination, environment: step.environment, timeout: step.timeout)
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: destination + "/.git") {
                try await JobGit(directory: step.workspace, environment: step.environment, timeout: step.timeout)
                    .run(["clone", "--quiet", "--no-hardlinks", source, destination])
            }
            try await git.run(["remote", "set-url", "origin", source])
            try await git.run(["fetch", "--quiet", "--prune", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*"])
            try await git.run(["remote", "set-head", "origin", "--auto"])
            var ref = step.trimmedInput("ref") ?? ""
            if ref.isEmpty {
                ref = try await git.run(["symbolic-ref", "--short", "refs/remotes/origin/HEAD"])
                if ref.hasPrefix("origin/") { ref.removeFirst("origin/".count) }
            }
            if ref.hasPrefix("refs/heads/") { ref.removeFirst("refs/heads/".count) }
            if await git.succeeds(["show-ref", "--verify", "--quiet", "refs/remotes/origin/\(ref)"]) {
                try await git.run(["checkout", "--quiet", "--force", "-B", ref, "origin/\(ref)"])
            } else {
                try await git.run(["checkout", "--quiet", "--force", "--detach", ref])
            }
            try await git.run(["clean", "-ffdxq"])
            switch submodules {
            case "recursive":
                try await git.run(["submodule", "sync", "--recursive", "-q"])
                try await git.run(["submodule", "update", "--init", "--force", "--recursive", "-q"])
            case "true":
                try await git.run(["submodule", "sync", "-q"])
                try await git.run(["submodule", "update", "--init", "--force", "-q"])
            default:
                break
            }
            let commit = try await git.run(["rev-parse", "HEAD"])
            await step.log("  | checked out \(commit.prefix(7)) (\(ref)) of \(repository) into \(destination)")
            let fullRef = await git.succeeds(["show-ref", "--verify", "--quiet", "refs/heads/\(ref)"]) ? "refs/heads/\(ref)" : ref
            return .success(["ref": fullRef, "commit": commit])
        } catch let failure as Git.Failure {
            return .failure("actions/checkout of '\(repository)': \(failure)")
        }
    }

    /// `path:` relative to the workspace; it must stay inside it, as GitHub requires.
    static func destination(_ path: String?, workspace: String) -> String {
        guard let path, !path.isEmpty else { return workspace }
        return URL(fileURLWithPath: path.hasPrefix("/") ? path : workspace + "/" + path).standardizedFileURL.path
    }
}

/// git with the job's environment (its `GIT_CONFIG_*`, identity, …) and the step's time limit.
private struct JobGit {
    let git: Git
    let environment: [String: String]
    let timeout: Duration?

    init(directory: String, environment: [String: String], timeout: Duration?) {
        git = Git(directory: directory)
        self.environment = environment
        self.timeout = timeout
    }

    @discardableResult
    func run(_ arguments: [String]) async throws -> String { try await git.run(arguments, environment: environment, timeout: timeout) }

    func succeeds(_ arguments: [String]) async -> Bool { (try? await run(arguments)) != nil }
}
