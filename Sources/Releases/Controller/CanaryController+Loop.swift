import Core
import Foundation
import Logging
import ServiceLifecycle
import Store

extension CanaryController {
    // MARK: The service

    public func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        let tick = self.tick
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                continuation.yield()
            }
        }
        defer {
            ticker.cancel()
            continuation.finish()
        }
        await withGracefulShutdownHandler {
            for await _ in wakes {
                if Task.isCancelled { break }
                await self.pass()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        // A clean stop hands the releases on at once; after a crash the next controller waits for the lease to go stale
        // (or sees the process gone).
        if holdsLease { try? log.store.releaseLease(Self.leaseName, holder: holder) }
    }

    /// One look at every release: the lease first, then each application's releases in the order they started.
    func pass() async {
        do {
            guard try await lead() else { return }
        } catch {
            logger.warning("the release store: \(error)")
            return
        }
        // Releases another controller left are told so (their timelines show the restart) when this one starts on them.
        for id in takenOver.sorted() {
            do { try apply(id, .resumed(note: "taken over by a new controller (\(holder)) after the previous one stopped")) } catch {
                logger.warning("release #\(id): \(error)")
            }
        }
        takenOver = []
        for id in releases.keys.sorted() { await advance(id) }
        releases = releases.filter { $0.value.isActive }
    }

    /// Takes (or renews) the lease and, the first time, the active releases; false while another controller holds
    /// it — this one then neither starts nor moves releases, so no effect is ever carried out by two processes.
    @discardableResult
    func lead() async throws -> Bool {
        // Renewed at most once a second (the lease lasts 10 s): a sync pass asks once per application.
        if holdsLease, loaded, let renewed = leaseRenewedAt, ContinuousClock.now - renewed < .seconds(1) { return true }
        let lease = try log.store.acquireLease(Self.leaseName, holder: holder, ttl: Self.leaseTTL, now: clock().timeIntervalSince1970)
        leaseRenewedAt = lease.holder == holder ? ContinuousClock.now : nil
        guard lease.holder == holder else {
            if holdsLease || !warnedAboutLease {
                logger.warning("another controller (\(lease.holder)) runs the releases of this store; waiting")
            }
            warnedAboutLease = true
            holdsLease = false
            loaded = false
            releases = [:]
            takenOver = []
            return false
        }
        if !holdsLease { loaded = false }
        holdsLease = true
        try await load()
        return true
    }

    /// Takes over the active releases the store holds (once per lease); the service's next pass tells each that it was
    /// resumed (a one-off sync that only starts releases does not).
    func load() async throws {
        guard !loaded else { return }
        loaded = true
        let stored = try log.activeReleases()
        for release in stored where releases[release.id] == nil {
            releases[release.id] = release
            takenOver.insert(release.id)
        }
        if !stored.isEmpty { _ = try? await mesh?.snapshot() }
    }

    // MARK: One release

    /// Carries a release as far as it goes now: its pending effects in order, the decisions waiting for it, then
    /// what time asks for (reads and measurements), until nothing is left to do this tick.
    func advance(_ id: Int64) async {
        for _ in 0..<64 {
            guard let release = releases[id] else { return }
            if let effect = release.pending.first {
                guard await carryOut(effect, of: id) else { return }
                continue
            }
            guard !release.state.isFinal else { return }
            do {
                let decisions = try log.pendingDecisions(for: release)
                if let (decisionID, decision) = decisions.first {
                    try apply(id, .decided(decision), consuming: decisionID)
                    continue
                }
                try await perform(try apply(id, .tick), of: id)
                // Go on at once only for effects the answers queued; anything else waits for the next tick.
                guard releases[id]?.pending.isEmpty == false else { return }
            } catch {
                logger.warning("release #\(id): \(error)")
                return
            }
        }
    }

    /// One durable effect; answers whether the release may go on this tick (false while it is being retried).
    func carryOut(_ effect: ReleaseEffect, of id: Int64) async -> Bool {
        guard let release = releases[id] else { return false }
        do {
            let outcome = try await execute(effect, for: release)
            failingSince[id] = nil
            try apply(id, .completed(effect, outcome))
            CrashPoint.reached("after:\(effect.crashName):\(release.phase.rawValue)")
            return true
        } catch {
            let now = clock()
            let first = failingSince[id].flatMap { $0.effect == effect ? $0.since : nil } ?? now
            failingSince[id] = (effect, first)
            let permanent = error is StrategyError
            if !permanent, now.timeIntervalSince(first) < Self.retryWindow.seconds {
                logger.warning("release #\(id): could not \(effect.description), trying again: \(error)")
                return false
            }
            failingSince[id] = nil
            do { try apply(id, .failed(effect, reason: "\(error)")) } catch { logger.warning("release #\(id): \(error)") }
            return true
        }
    }

    /// The immediate effects of a transition: reads whose answers go back to the machine, measurements, baselines.
    func perform(_ effects: [ReleaseEffect], of id: Int64) async throws {
        for effect in effects where !effect.isDurable {
            guard let release = releases[id] else { return }
            switch effect {
            case .record:
                continue
            case .startMeasuring:
                _ = try? await mesh?.snapshot()
            case .checkCanary:
                do {
                    try apply(id, .observed(.canary(try await canaryStatus(release))))
                } catch { logger.warning("release #\(id): cannot read the canary: \(error)") }
            case .checkPrimary:
                do {
                    try apply(id, .observed(.primary(try await primaryStatus(release))))
                } catch { logger.warning("release #\(id): cannot read the primary: \(error)") }
            case .measure(let slot, let names):
                for name in names {
                    guard let current = releases[id], let metric = Self.metric(name, slot, of: current) else { continue }
                    let (measurement, rate) = await measure(metric)
                    CrashPoint.reached("during:measure")
                    try apply(id, .observed(.measurement(slot, measurement, successRate: rate)))
                }
            case .setWeights, .createCanary, .removeCanary, .applyPrimary, .holdRevision, .revertCommit:
                continue
            }
        }
    }

    static func metric(_ name: String, _ slot: AnalysisSlot, of release: Release) -> AnalysisMetric? {
        switch slot {
        case .step:
            if case .stepping(_, .analysing(let run)) = release.state { return run.metrics.first { $0.name == name } }
            return nil
        case .background:
            return release.background?.metrics.first { $0.name == name }
        }
    }

    // MARK: Transitions

    /// The machine's next value for release `id`, stored (with its timeline entries and the decision it acted on)
    /// before anything else happens; answers the effects it asked for.
    @discardableResult
    func apply(_ id: Int64, _ event: ReleaseEvent, consuming decision: Int64? = nil) throws -> [ReleaseEffect] {
        guard let release = releases[id] else { return [] }
        let (next, effects) = ReleaseMachine.next(release, event, now: clock())
        let entries = Self.entries(effects)
        if next != release || !entries.isEmpty || decision != nil {
            try log.save(next, entries: entries, consuming: decision)
        }
        releases[id] = next
        if case .atGate = next.state, !release.waitingAtGate { CrashPoint.reached("at:gate") }
        if next.state.isFinal, !release.state.isFinal {
            logger.info("release #\(id) of \(next.application): \(next.phase.rawValue) — \(next.message)")
        }
        return effects
    }
}

extension ReleaseEffect {
    /// The effect's name in crash points (`after:setWeights-10`, `after:applyPrimary-new`).
    var crashName: String {
        switch self {
        case .setWeights(let weight): "setWeights-\(weight)"
        case .applyPrimary(let version): "applyPrimary-\(version.rawValue)"
        case .createCanary: "createCanary"
        case .removeCanary: "removeCanary"
        case .holdRevision: "holdRevision"
        case .revertCommit: "revertCommit"
        default: "\(self)"
        }
    }
}
