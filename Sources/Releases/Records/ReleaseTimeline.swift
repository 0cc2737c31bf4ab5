import Foundation

/// A release as people read it: a header, then one line per event with its time.
public enum ReleaseTimeline {
    public static func render(_ release: Release, _ events: [TimelineEntry]) -> String {
        var lines: [String] = []
        lines.append("Release #\(release.id) — \(release.application) (\(release.environment)): \(release.phase.rawValue)")
        lines.append("  \(release.previousImages.joined(separator: ", ")) → \(release.images.joined(separator: ", "))")
        lines.append("  GitOps revision \(release.revision)" + (release.revertRevision.map { ", reverted by \($0)" } ?? ""))
        if let rate = release.canarySuccessRate {
            lines.append(String(format: "  canary success rate (last measured): %.1f %%", rate * 100))
        }
        lines.append("  \(release.message)")
        let start = events.first?.at ?? release.startedAt
        for event in events {
            let offset = event.at.timeIntervalSince(start)
            lines.append(
                String(format: "  %7.2fs  ", offset) + event.kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + " "
                    + event.summary)
        }
        return lines.joined(separator: "\n")
    }
}
