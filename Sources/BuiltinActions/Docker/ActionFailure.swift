import Images
import OCI

/// Why a built-in action running as a step process failed; printed as the step's error, exit status 1.
public struct ActionFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// Image errors (and Dockerfile errors, which carry their position) in their own words; anything else as is.
    static func image(_ error: any Error) -> any Error {
        if let error = error as? ImageError { return ActionFailure(error.description) }
        if let error = error as? DockerfileError { return ActionFailure(error.description) }
        return error
    }
}
