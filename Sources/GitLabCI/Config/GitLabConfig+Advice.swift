import Core

extension GitLabConfig {
    /// Valid configurations that do not do what they seem to: a job-level `when: manual` is non-blocking (GitLab makes
    /// it `allow_failure: true`), so the later stages run without waiting for it — seed 002's `promote` gate, after
    /// which `cleanup` removes the canary at once.
    public var advice: [Diagnostic] {
        var notes: [Diagnostic] = []
        for job in jobs where job.when == .manual && job.allowFailure == nil {
            let stage = stages.firstIndex(of: job.stage) ?? 0
            let later = jobs.filter { ($0.needs == nil && (stages.firstIndex(of: $0.stage) ?? 0) > stage) }.map(\.name)
            guard !later.isEmpty else { continue }
            notes.append(
                Diagnostic(
                    "\(job.name) is a manual job that does not block: \(later.joined(separator: ", ")) run without waiting for it "
                        + "(a job-level when: manual is allow_failure: true); add allow_failure: false to make it a gate",
                    at: job.location, severity: .warning))
        }
        return notes
    }
}
