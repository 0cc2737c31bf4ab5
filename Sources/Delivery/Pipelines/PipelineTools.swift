import BuiltinActions
import Foundation
import GitLabCI

/// Tools Slipway provides to pipeline jobs on their PATH: `yq` (Slipway acting as the subset of mikefarah yq v4
/// that pipelines editing manifests use; no package here provides that yq).
public enum PipelineTools {
    /// Puts a `bin` directory with `yq` (a link to this binary) first on the jobs' PATH; leaves the options alone when
    /// the binary cannot be found.
    public static func install(_ options: inout PipelineRunOptions) {
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
