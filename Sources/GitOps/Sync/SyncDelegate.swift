import Manifests
import TargetKit

/// Sees each sync's rendered objects before they are compared with live state, and decides what the sync converges.
/// The release controller uses it to keep a Deployment under a canary strategy at its current version while the
/// canary runs, and to keep VirtualService weights (which it alone writes) out of the comparison.
public protocol SyncDelegate: Sendable {
    func prepare(_ input: SyncInput) async throws -> SyncAdjustment
    /// Every finished sync, for the release record.
    func synced(_ record: SyncRecord) async
}

extension SyncDelegate {
    public func synced(_ record: SyncRecord) async {}
}

public struct SyncInput: Sendable {
    public var application: Application
    public var revision: String
    /// What the revision renders to, Slipway's own kinds (`slipway.dev/*`) left out.
    public var objects: [ManifestValue]
    /// Slipway's own kinds (Canary, AnalysisTemplate): read by Slipway, never applied to the target.
    public var slipwayObjects: [ManifestValue]
    public var target: any Target
    /// The sync only compares (a refresh); a delegate starts nothing then.
    public var dryRun: Bool
}

public struct SyncAdjustment: Sendable {
    public var objects: [ManifestValue]
    /// Paths left out of the comparison and of what the sync applies, per object.
    public var ignored: [ObjectKey: [ManifestDiff.IgnoredPath]]
    /// Said in the sync record (`deployment.apps/app: new version handed to the canary`).
    public var notes: [String]

    public init(objects: [ManifestValue], ignored: [ObjectKey: [ManifestDiff.IgnoredPath]] = [:], notes: [String] = []) {
        self.objects = objects
        self.ignored = ignored
        self.notes = notes
    }
}
