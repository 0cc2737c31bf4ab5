import BuiltinActions
import Foundation
import GitLabCI
import OCI

/// What a host of GitLab pipelines (the CLI, the server) gives their jobs: Slipway's image store for `image:`, and
/// `yq` on their PATH (Slipway acting as the subset of mikefarah yq v4 that pipelines editing manifests use; no
/// package here provides that yq).
public enum PipelineHost {
    /// Images from Slipway's image store, and a `bin` directory with `yq` (a link to this binary) first on the jobs'
    /// PATH (left out when the binary cannot be found).
    public static func prepare(_ options: inout PipelineRunOptions, imageStore: String = ImageStore.defaultRoot) {
        options.containers = options.containers ?? StoreContainerProvider(storeRoot: imageStore)
        guard let executable = SlipwayExecutable.path else { return }
        let directory = "\(options.stateDirectory)/bin"
        let link = "\(directory)/yq"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != executable {
                try? FileManager.default.removeItem(atPath: link)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: executable)
            }
        } catch {
            return
        }
        options.hostEnvironment["PATH"] = directory + ":" + (options.hostEnvironment["PATH"] ?? "/usr/bin:/bin")
    }
}
