import Core
import Foundation

extension JobExecutor {
    /// Runs the registered post steps, last registered first, recording each as `Post <name>`.
    func runPostSteps(_ state: State) async {
        for (index, post) in state.postSteps.enumerated().reversed() {
            let started = ContinuousClock.now
            guard !post.onlyOnSuccess || (!state.failed && !state.cancelled) else {
                state.records.append(
                    StepRecord(
                        id: "post-\(index)", name: "Post \(post.name)", outcome: .skipped, conclusion: .skipped, outputs: [:], duration: 0))
                continue
            }
            await emit(state, "⭐ Post \(post.name)")
            let outcome = await post.body()
            if !outcome.success {
                state.failed = true
                if let message = outcome.message { await emit(state, "❌ \(message)") }
            }
            let result: Conclusion = outcome.success ? .success : .failure
            state.records.append(
                StepRecord(
                    id: "post-\(index)", name: "Post \(post.name)", outcome: result, conclusion: result, outputs: [:],
                    duration: (ContinuousClock.now - started).seconds))
        }
    }
}
