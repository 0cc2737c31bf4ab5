/// What the runner reports about the machine jobs run on (`runner.arch`, `RUNNER_ARCH`).
public enum RunnerPlatform {
    /// `X64` or `ARM64`, as GitHub names runner architectures.
    public static var architecture: String {
        #if arch(arm64)
            "ARM64"
        #else
            "X64"
        #endif
    }

    /// The architecture label GitHub gives self-hosted runners (`x64`, `arm64`).
    public static var githubArchitectureLabel: String { architecture.lowercased() }
}
