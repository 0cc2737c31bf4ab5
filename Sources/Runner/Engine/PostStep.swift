/// A step that runs when the job ends (in reverse order of registration), as actions' `post:` entries do.
struct PostStep: Sendable {
    var name: String
    /// `post-if: success()` by default: skipped when the job failed or was cancelled.
    var onlyOnSuccess = true
    var body: @Sendable () async -> StepOutcome
}
