/// A failure of a kustomize or GitOps command: printed as `Error: ...` with exit status 1, as kustomize prints its
/// errors (invalid workflow input uses `ValidationFailure` and exit status 2 instead).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
