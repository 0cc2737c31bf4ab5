import Foundation
import Runner

/// Everything the jobs of one pipeline share.
struct PipelineRunContext: Sendable {
    let config: GitLabConfig
    let context: PipelineContext
    let repositoryRoot: String
    let configPath: String
    /// `.slipway/gitlab` of the repository: workspaces, artifacts, caches.
    let stateDirectory: String
    let hostEnvironment: [String: String]
    let masker: SecretMasker
    let reporter: any RunReporter
    let kubeconfig: String?
    let jobToken: String
    let workspaces: GitLabWorkspaces
    /// Where jobs' images come from (Slipway's image store), when the host provides it.
    let containers: (any JobContainerProvider)?
}
