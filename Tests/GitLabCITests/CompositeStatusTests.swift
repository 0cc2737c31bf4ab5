import GitLabCI
import Testing

/// GitLab's composite status and job processing, as tables: what a set of prerequisites amounts to, and what a
/// waiting job does next.
@Suite struct CompositeStatusTests {
    typealias M = CompositeStatus.Member

    @Test(arguments: [
        ([M(.success), M(.success)], false, GitLabJobStatus.success),
        ([M(.success), M(.skipped)], false, .success),
        ([M(.skipped), M(.skipped)], false, .skipped),
        ([M(.success), M(.failed)], false, .failed),
        ([M(.success), M(.failed, allowFailure: true)], false, .success),
        ([M(.manual, allowFailure: true)], false, .skipped),
        ([M(.manual, allowFailure: true), M(.success)], false, .success),
        ([M(.manual)], false, .manual),
        ([M(.manual), M(.success)], false, .manual),
        ([M(.success), M(.running)], false, .running),
        ([M(.created), M(.created)], false, .created),
        ([M(.canceled), M(.success)], false, .canceled),
        ([M(.canceled, allowFailure: true), M(.success)], false, .success),
        ([M(.pending), M(.created)], false, .pending),
        ([M(.scheduled), M(.success)], false, .scheduled),
        ([M(.failed), M(.running)], false, .running),
        ([M(.failed), M(.manual)], false, .manual),
        ([M(.success), M(.created)], false, .running),
        // DAG: a skipped or ignored need makes the dependent skipped.
        ([M(.success), M(.skipped)], true, .skipped),
        ([M(.manual, allowFailure: true)], true, .skipped),
        ([M(.failed, allowFailure: true)], true, .success),
        ([M(.success)], true, .success),
        ([M(.failed)], true, .failed),
        ([M(.manual)], true, .manual),
    ])
    func composite(_ members: [M], dag: Bool, expected: GitLabJobStatus) {
        #expect(CompositeStatus.of(members, dag: dag) == expected)
    }

    @Test func noJobsHaveNoStatus() {
        #expect(CompositeStatus.of([]) == nil)
    }

    @Test(arguments: [
        (GitLabWhen.onSuccess, false, GitLabJobStatus?.none, PipelineScheduling.Decision.start),
        (.onSuccess, false, .success, .start),
        (.onSuccess, false, .skipped, .start),
        (.onSuccess, true, .skipped, .skip),
        (.onSuccess, false, .failed, .skip),
        (.onSuccess, false, .running, .wait),
        (.onSuccess, false, .manual, .wait),
        (.onSuccess, false, .canceled, .skip),
        (.onFailure, false, .success, .skip),
        (.onFailure, false, .failed, .start),
        (.onFailure, false, .running, .wait),
        (.onFailure, true, .failed, .start),
        (.always, false, .failed, .start),
        (.always, false, .success, .start),
        (.always, false, .skipped, .start),
        (.always, false, .canceled, .skip),
        (.always, false, .manual, .wait),
        (.manual, false, .success, .manual),
        (.manual, false, .failed, .skip),
        (.manual, false, .running, .wait),
        (.delayed, false, .success, .schedule),
        (.delayed, false, .failed, .skip),
        (.never, false, .success, .skip),
    ])
    func processing(_ when: GitLabWhen, usesNeeds: Bool, prerequisites: GitLabJobStatus?, expected: PipelineScheduling.Decision) {
        #expect(PipelineScheduling.decide(when: when, usesNeeds: usesNeeds, prerequisites: prerequisites) == expected)
    }
}
