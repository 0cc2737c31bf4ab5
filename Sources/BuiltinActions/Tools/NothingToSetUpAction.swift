import Runner

/// `docker/setup-buildx-action` and `docker/setup-qemu-action`: Slipway's builder needs neither a builder instance
/// nor emulation (it builds for the host platform only, which `docker/build-push-action` enforces).
struct NothingToSetUpAction: BuiltinAction {
    let names = ["docker/setup-buildx-action", "docker/setup-qemu-action"]

    func run(_ step: ActionStep) async throws -> StepOutcome {
        await step.log("  | nothing to set up: Slipway builds images itself, for the host platform")
        return .success()
    }
}
