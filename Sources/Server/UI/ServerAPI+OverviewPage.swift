import Delivery
import Foundation
import GitOps
import Releases
import Store

extension ServerAPI {
    /// Every application by environment (QA, PRE, PROD, then any other), each with the version it runs, its sync status
    /// and health, a release in progress with its step and weight, waiting gates and holds, and the last outcome; then
    /// the newest releases. Built from one query of releases, one of holds, and the statuses the sync controller keeps
    /// (no application is compared with the target while the page is built).
    func overview(_ principal: Principal) async throws -> String {
        let latest = try releases.latestByApplication()
        let held = Dictionary(grouping: try releases.holds(), by: \.application).mapValues(\.count)
        let stack = await supervisor.stack
        let stackProblem = await supervisor.stackProblem
        let statuses = await stack?.engine.allStatuses() ?? [:]
        var cards: [String: [String]] = [:]
        let declaredApplications = await declaredApplications()
        for (project, application) in declaredApplications {
            let sync: String
            if stack != nil {
                sync = Self.statusFacts(statuses[application.name])
            } else {
                sync =
                    "<dt>Sync</dt><dd>\(HTML.badge("Unknown")) <span class=\"muted\">\(HTML.escape(stackProblem ?? "starting"))</span></dd>"
            }
            cards[application.environment.isEmpty ? "default" : application.environment, default: []].append(
                Self.card(
                    application.name, subtitle: "\(project.projectName) · \(application.namespace)", latest: latest[application.name],
                    holds: held[application.name] ?? 0, sync: sync))
        }
        // Applications whose releases are in the store but that no project declares (a `slipway gitops watch` or
        // `slipway up` beside this server syncs them): their releases, without a sync status this server could know.
        let declared = Set(declaredApplications.map(\.1.name))
        for (name, entry) in latest.sorted(by: { $0.value.newest.id > $1.value.newest.id }) where !declared.contains(name) {
            cards[entry.newest.environment.isEmpty ? "default" : entry.newest.environment, default: []].append(
                Self.card(
                    name, subtitle: entry.newest.namespace, latest: entry, holds: held[name] ?? 0,
                    sync: "<dt>Sync</dt><dd class=\"muted\">synced by another process (not a project of this server)</dd>"))
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

    /// One application's card: what it runs, `sync` (its sync status and health), the release in progress, holds and
    /// the last outcome; `data-release` names the release in progress, if any.
    static func card(_ name: String, subtitle: String, latest: ReleaseRecords.Latest?, holds: Int, sync: String) -> String {
        let running = latest?.lastSucceeded?.images ?? latest?.active?.previousImages ?? []
        var facts = """
            <dt>Running</dt><dd>\(running.isEmpty ? "—" : running.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: "<br>"))</dd>
            \(sync)
            """
        if let active = latest?.active {
            let gate = active.waitingAtGate ? " — <strong>waiting at a gate</strong>" : ""
            facts += """
                <dt>Release</dt><dd><a href="/releases/\(active.id)">#\(active.id)</a> \(HTML.badge(active.phase.rawValue)) step \
                \(min(active.stepIndex + 1, active.stepCount))/\(active.stepCount), canary \(active.canaryWeight)%\(gate)</dd>
                """
        }
        if holds > 0 { facts += "<dt>Holds</dt><dd>\(holds) revision\(holds == 1 ? "" : "s") held</dd>" }
        if let last = latest?.lastFinished {
            facts += "<dt>Last outcome</dt><dd><a href=\"/releases/\(last.id)\">#\(last.id)</a> \(HTML.badge(last.phase.rawValue))</dd>"
        }
        return """
            <article class="card" data-application="\(HTML.escape(name))"\(latest?.active.map { " data-release=\"\($0.id)\"" } ?? "")>
            <h3>\(HTML.escape(name))</h3>
            <p class="muted">\(HTML.escape(subtitle))</p>
            <dl class="facts">\(facts)</dl>
            </article>
            """
    }

    /// Sync status and health as the sync controller last compared them (when: the tooltip).
    static func statusFacts(_ status: ApplicationStatus?) -> String {
        guard let status else {
            return "<dt>Sync</dt><dd>\(HTML.badge("Unknown")) <span class=\"muted\">not compared yet</span></dd>"
        }
        guard let sync = status.sync else {
            return "<dt>Sync</dt><dd>\(HTML.badge("Unknown")) <span class=\"muted\">\(HTML.escape(status.problem ?? ""))</span></dd>"
        }
        return """
            <dt>Sync</dt><dd title="compared \(HTML.escape(APIReply.time(status.at.timeIntervalSince1970) ?? ""))">\
            \(HTML.badge(sync.rawValue)) <code>\(HTML.escape(String(status.revision.prefix(8))))</code></dd>
            <dt>Health</dt><dd>\(HTML.badge(status.health.status.rawValue))</dd>
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
