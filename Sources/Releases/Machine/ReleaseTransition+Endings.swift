import Foundation

extension ReleaseTransition {
    // MARK: Promotion

    mutating func beginPromotion() {
        guard let spec else { return }
        if var background = release.background {
            background.terminate()
            release.background = background
        }
        release.state = .promoting(since: now, stage: .applyingPrimary)
        release.message = "promoting: the primary takes \(release.images.first ?? "the new version")"
        record(.promotion, "promotion: \(spec.deployment) takes \(release.images.joined(separator: ", "))")
        queue(.applyPrimary(.new))
    }

    mutating func queueForStage(_ stage: PromotionStage) {
        switch stage {
        case .applyingPrimary: queue(.applyPrimary(.new))
        case .rollingOut: ask(.checkPrimary)
        case .shiftingTraffic: queue(.setWeights(canary: 0))
        case .removingCanary: queue(.removeCanary)
        }
    }

    // MARK: Abort

    /// Traffic back to the primary at once, the canary removed, the revision held and the GitOps commit reverted.
    /// Whatever was queued for the abandoned path is dropped. If the promotion had begun, the primary is put back on
    /// its previous version too (applying it when it never left is a no-op).
    mutating func abort(_ reason: String) {
        guard !release.state.isFinal else { return }
        if case .aborting = release.state { return }
        let primaryTouched: Bool
        if case .promoting = release.state { primaryTouched = true } else { primaryTouched = false }
        release.state = .aborting(reason: reason)
        release.message = reason
        if var background = release.background, !background.phase.isCompleted {
            background.terminate()
            release.background = background
        }
        if primaryTouched {
            record(
                .rollback,
                "the primary had started taking the new version; it goes back to \(release.previousImages.joined(separator: ", "))")
        }
        release.pending = []
        queue(.holdRevision)
        queue(.setWeights(canary: 0))
        if primaryTouched { queue(.applyPrimary(.previous)) }
        queue(.removeCanary)
        queue(.revertCommit)
    }

    // MARK: Superseded

    mutating func supersede(_ reason: String, gitWentBack: Bool) {
        guard !release.state.isFinal else { return }
        if case .aborting = release.state { return }
        record(.note, "superseded: \(reason)")
        finish(.superseded(reason: reason), message: reason)
        // A newer release takes over the weights and the canary itself; when git went back there is none.
        release.pending = []
        if gitWentBack {
            queue(.setWeights(canary: 0))
            queue(.removeCanary)
        }
    }

    // MARK: Effects done

    mutating func completed(_ effect: ReleaseEffect, _ outcome: EffectOutcome) {
        guard let spec else { return }
        switch effect {
        case .setWeights(let weight):
            let changed = release.canaryWeight != weight
            release.canaryWeight = weight
            let detail = ["primary": String(100 - weight), "canary": String(weight)]
            switch release.state {
            case .stepping(let step, .starting) where spec.steps.indices.contains(step) && spec.steps[step] == .setWeight(weight):
                record(.weight, "traffic \(100 - weight)/\(weight) (primary/canary)", detail)
                release.message = "canary at \(weight) %"
                advance(from: step)
            case .promoting(let since, .shiftingTraffic):
                record(.weight, "traffic 100/0 (primary/canary)", detail)
                release.state = .promoting(since: since, stage: .removingCanary)
                queue(.removeCanary)
            case .aborting(let reason):
                record(.rollback, "traffic 100/0 (primary/canary): \(reason)", detail.merging(["reason": reason]) { $1 })
            default:
                if changed { record(.weight, "traffic \(100 - weight)/\(weight) (primary/canary)", detail) }
            }
        case .createCanary:
            let replicas = spec.canaryReplicas
            record(
                .step,
                "canary \(spec.canaryDeployment) created (\(replicas) replica\(replicas == 1 ? "" : "s"), "
                    + "\(release.images.joined(separator: ", ")))"
            )
        case .removeCanary:
            switch release.state {
            case .promoting(_, .removingCanary):
                record(.promotion, "promoted: \(spec.deployment) runs \(release.images.joined(separator: ", ")); canary removed")
                finish(.succeeded, message: "promoted")
            default:
                record(release.state.isFinal ? .note : .rollback, "canary \(spec.canaryDeployment) removed")
            }
        case .applyPrimary(.new):
            if case .promoting(let since, .applyingPrimary) = release.state {
                release.state = .promoting(since: since, stage: .rollingOut)
            }
        case .applyPrimary(.previous):
            record(.rollback, "\(spec.deployment) is back on \(release.previousImages.joined(separator: ", "))")
        case .holdRevision:
            break
        case .revertCommit:
            if case .reverted(let revision, let alreadyPushed) = outcome {
                release.revertRevision = revision
                let how =
                    alreadyPushed
                    ? "the revert \(revision.prefix(12)) of \(release.revision.prefix(12)) was already pushed"
                    : "reverted \(release.revision.prefix(12)) as \(revision.prefix(12))"
                record(.revert, "\(how); revision held from auto-sync", ["revision": release.revision, "revert": revision])
            }
        case .startMeasuring, .checkCanary, .checkPrimary, .measure, .record:
            break
        }
        finishAbortIfDone()
    }

    mutating func failed(_ effect: ReleaseEffect, _ reason: String) {
        switch release.state {
        case .aborting:
            switch effect {
            case .revertCommit:
                record(.revert, "revision \(release.revision.prefix(12)) held from auto-sync; the revert failed: \(reason)")
            case .setWeights:
                record(.rollback, "could not move traffic back to the primary: \(reason)")
            default:
                record(.rollback, "could not \(effect.description): \(reason)")
            }
            finishAbortIfDone()
        case .succeeded, .aborted, .superseded:
            record(.note, "could not \(effect.description): \(reason)")
        default:
            abort("could not \(effect.description): \(reason)")
        }
    }

    mutating func finishAbortIfDone() {
        if case .aborting(let reason) = release.state, release.pending.isEmpty {
            finish(.aborted(reason: reason), message: reason)
        }
    }
}
