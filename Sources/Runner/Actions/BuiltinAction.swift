/// An action Slipway implements itself instead of fetching it (`actions/checkout`, `actions/cache`,
/// `docker/build-push-action`, …). The runner looks actions up by name in the `ActionRegistry` of its options; the
/// implementations live in the `BuiltinActions` module, so the workflow engine carries no image or cache code.
public protocol BuiltinAction: Sendable {
    /// The `uses:` names it answers to, lower case and without `@ref` (`actions/cache`, `actions/cache/restore`).
    var names: [String] { get }
    /// Runs one step of this action; the outcome's outputs become `steps.<id>.outputs`.
    func run(_ step: ActionStep) async throws -> StepOutcome
}
