import Foundation
import GitOps
import Releases

extension ServerAPI {
    /// Every application by environment (QA, PRE, PROD, then any other), each with the version it runs, its sync status
    /// and health, a release in progress with its step and weight, waiting gates and holds, and the last outcome; then
    /// the newest releases.
    func overview(_ principal: Principal) async throws -> String {
        var cards: [String: [String]] = [:]
        let declaredApplications = await declaredApplications()
        for (project, application) in declaredApplications {
            let described = try await describe(application, of: project, withHistory: false)
            let releases = try self.releases.list(application: application.name, limit: 20)
            let running = releases.first { $0.phase == .succeeded }?.images ?? described.release?.previousImages ?? []
            let last = releases.first { $0.state.isFinal }
            var facts = """
                <dt>Running</dt><dd>\(running.isEmpty ? "—" : running.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: "<br>"))</dd>
                <dt>Sync</dt><dd>\(HTML.badge(described.syncStatus))</dd>
                <dt>Health</dt><dd>\(HTML.badge(described.health))</dd>
                """
            if let release = described.release {
                let gate = release.waitingAtGate ? " — <strong>waiting at a gate</strong>" : ""
                facts += """
                    <dt>Release</dt><dd><a href="/releases/\(release.id)">#\(release.id)</a> \(HTML.badge(release.phase)) step \(release.step)/\(release.stepCount), \
                    canary \(release.canaryWeight)%\(gate)</dd>
                    """
            }
            if !described.holds.isEmpty {
                facts += "<dt>Holds</dt><dd>\(described.holds.count) revision\(described.holds.count == 1 ? "" : "s") held</dd>"
            }
            if let last {
                facts += "<dt>Last outcome</dt><dd><a href=\"/releases/\(last.id)\">#\(last.id)</a> \(HTML.badge(last.phase.rawValue))</dd>"
            }
            cards[application.environment.isEmpty ? "default" : application.environment, default: []].append(
                Self.card(
                    application.name, subtitle: "\(project.projectName) · \(application.namespace)", facts: facts,
                    activeRelease: described.release?.id))
        }
        // Applications whose releases are in the store but that no project declares (a `slipway gitops watch` or
        // `slipway up` beside this server syncs them): their releases, without a sync status this server could know.
        let declared = Set(declaredApplications.map(\.1.name))
        var seen: Set<String> = []
        for release in try releases.list(limit: 500)
        where !declared.contains(release.application) && seen.insert(release.application).inserted {
            let history = try releases.list(application: release.application, limit: 20)
            let running = history.first { $0.phase == .succeeded }?.images ?? (release.state.isFinal ? [] : release.previousImages)
            var facts = """
                <dt>Running</dt><dd>\(running.isEmpty ? "—" : running.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: "<br>"))</dd>
                <dt>Sync</dt><dd class="muted">synced by another process (not a project of this server)</dd>
                """
            if let active = history.first(where: { !$0.state.isFinal }) {
                let gate = active.waitingAtGate ? " — <strong>waiting at a gate</strong>" : ""
                facts += """
                    <dt>Release</dt><dd><a href="/releases/\(active.id)">#\(active.id)</a> \(HTML.badge(active.phase.rawValue)) step \
                    \(min(active.stepIndex + 1, active.stepCount))/\(active.stepCount), canary \(active.canaryWeight)%\(gate)</dd>
                    """
            }
            if let last = history.first(where: { $0.state.isFinal }) {
                facts += "<dt>Last outcome</dt><dd><a href=\"/releases/\(last.id)\">#\(last.id)</a> \(HTML.badge(last.phase.rawValue))</dd>"
            }
            cards[release.environment.isEmpty ? "default" : release.environment, default: []].append(
                Self.card(
                    release.application, subtitle: release.namespace, facts: facts,
                    activeRelease: history.first(where: { !$0.state.isFinal })?.id))
        }
        let order = ["qa", "pre", "prod"]
        let environments = cards.keys.sorted { lhs, rhs in
            (order.firstIndex(of: lhs.lowercased()) ?? order.count, lhs) < (order.firstIndex(of: rhs.lowercased()) ?? order.count, rhs)
        }
        var body = "<h1>Overview</h1>"
        if environments.isEmpty {
            body += "<p class=\"muted\">No project declares an application yet (a project's <code>slipway.yaml</code>).</p>"
        }
        for environment in environments {
            body += "<section aria-label=\"\(HTML.escape(environment))\"><h2>\(HTML.escape(environment.uppercased()))</h2>"
            body += "<div class=\"cards\">\(cards[environment, default: []].joined())</div></section>"
        }
        body += "<h2>Newest releases</h2>" + (try releaseTable(try releases.list(limit: 10)))
        return body
    }

    /// One application's card; `data-release` names the release in progress, if any.
    static func card(_ name: String, subtitle: String, facts: String, activeRelease: Int64?) -> String {
        """
        <article class="card" data-application="\(HTML.escape(name))"\(activeRelease.map { " data-release=\"\($0)\"" } ?? "")>
        <h3>\(HTML.escape(name))</h3>
        <p class="muted">\(HTML.escape(subtitle))</p>
        <dl class="facts">\(facts)</dl>
        </article>
        """
    }

    func releaseList(application: String?) throws -> String {
        let title = application.map { "Releases of \(HTML.escape($0))" } ?? "Releases"
        return "<h1>\(title)</h1>" + (try releaseTable(try releases.list(application: application, limit: 100)))
    }

    func releaseTable(_ list: [Release]) throws -> String {
        guard !list.isEmpty else { return "<p class=\"muted\">No release yet.</p>" }
        let rows = list.map { release in
            """
            <tr><td><a href="/releases/\(release.id)">#\(release.id)</a></td><td>\(HTML.escape(release.application))</td>\
            <td>\(HTML.escape(release.environment))</td><td><code>\(HTML.escape(String(release.revision.prefix(8))))</code></td>\
            <td>\(HTML.badge(release.phase.rawValue))</td><td>\(release.canaryWeight)%</td>\
            <td>\(HTML.time(release.startedAt.timeIntervalSince1970))</td><td>\(HTML.escape(release.message))</td></tr>
            """
        }
        return """
            <div class="scroll"><table><thead><tr><th>Release</th><th>Application</th><th>Environment</th><th>Revision</th>\
            <th>Phase</th><th>Canary</th><th>Started</th><th>Message</th></tr></thead><tbody>\(rows.joined())</tbody></table></div>
            """
    }
}
