import Delivery
import Foundation
import GitOps
import Releases
import Store
import TargetKit

extension ServerAPI {
    /// The declared applications with their sync status and health as the sync controller keeps them, then the
    /// applications other processes sync (known from the delivery store).
    func applicationList() async throws -> String {
        let statuses = await supervisor.stack?.engine.allStatuses() ?? [:]
        let held = Dictionary(grouping: try releases.holds(), by: \.application).mapValues(\.count)
        var rows: [String] = []
        let declared = await declaredApplications()
        for (project, application) in declared {
            let status = statuses[application.name]
            rows.append(
                """
                <tr><td><a href="/applications/\(HTML.escape(application.name))">\(HTML.escape(application.name))</a></td>\
                <td>\(HTML.escape(project.projectName))</td><td>\(HTML.escape(application.environment))</td>\
                <td>\(HTML.escape(application.namespace))</td><td>\(HTML.badge(status?.sync?.rawValue ?? "Unknown"))</td>\
                <td>\(HTML.badge(status?.health.status.rawValue ?? "Unknown"))</td><td>\(held[application.name] ?? 0)</td></tr>
                """)
        }
        let names = Set(declared.map(\.1.name))
        for (name, latest) in try releases.latestByApplication().sorted(by: { $0.key < $1.key }) where !names.contains(name) {
            rows.append(
                """
                <tr><td><a href="/applications/\(HTML.escape(name))">\(HTML.escape(name))</a></td>\
                <td class="muted">another process</td><td>\(HTML.escape(latest.newest.environment))</td>\
                <td>\(HTML.escape(latest.newest.namespace))</td><td colspan="2" class="muted">not synced by this server</td>\
                <td>\(held[name] ?? 0)</td></tr>
                """)
        }
        return """
            <h1>Applications</h1>
            \(rows.isEmpty ? "<p class=\"muted\">No project declares an application yet.</p>" : "")
            <div class="scroll"><table id="applications"><thead><tr><th>Application</th><th>Project</th><th>Environment</th>\
            <th>Namespace</th><th>Sync</th><th>Health</th><th>Holds</th></tr></thead><tbody>\(rows.joined())</tbody></table></div>
            """
    }

    /// One application: where it comes from, each resource with its health and how git and the target differ, the
    /// sync history with revisions, and its holds (approvers lift one, with a reason).
    func applicationPage(_ name: String?, principal: Principal) async throws -> String? {
        guard let name else { return nil }
        guard let (project, application) = await supervisor.application(named: name) else {
            return try undeclaredApplicationPage(name, principal: principal)
        }
        // One comparison serves the status and the resources' table.
        let compared = await compare(application)
        let described = try await describe(application, of: project, withHistory: true, comparison: compared)
        var resources =
            "<p class=\"muted\">\(HTML.escape(described.statusMessage.isEmpty ? "No comparison with the target." : described.statusMessage))</p>"
        if case .success(let comparison)? = compared {
            let rows = comparison.resources.map { resource in
                let health = resource.live.flatMap(HealthCheck.health(of:))?.description ?? (resource.live == nil ? "Missing" : "—")
                let differences =
                    resource.differences.isEmpty
                    ? ""
                    : "<details><summary>\(resource.differences.count) difference(s)</summary><pre>\(HTML.escape(resource.differences.joined(separator: "\n")))</pre></details>"
                return """
                    <tr><td>\(HTML.escape(resource.key.kind.kind))</td><td>\(HTML.escape(resource.key.namespace))</td>\
                    <td>\(HTML.escape(resource.key.name))</td><td>\(HTML.badge(resource.inSync ? "Synced" : "OutOfSync"))</td>\
                    <td>\(HTML.escape(health))</td><td>\(differences)</td></tr>
                    """
            }
            resources = """
                <div class="scroll"><table id="resources"><thead><tr><th>Kind</th><th>Namespace</th><th>Name</th><th>Sync</th>\
                <th>Health</th><th>Git against the target</th></tr></thead><tbody>\(rows.joined())</tbody></table></div>
                """
        }
        let history = (described.history ?? []).map { sync in
            """
            <tr><td>\(HTML.escape(sync.startedAt ?? ""))</td><td><code>\(HTML.escape(String(sync.revision.prefix(8))))</code></td>\
            <td>\(HTML.escape(sync.trigger))</td><td>\(HTML.badge(sync.phase))</td><td>\(HTML.escape(sync.message))</td></tr>
            """
        }
        let holds = try holdsSection(application.name, principal: principal)
        return """
            <h1>\(HTML.escape(application.name))</h1>
            <dl class="facts">
            <dt>Project</dt><dd>\(HTML.escape(project.projectName))</dd>
            <dt>Source</dt><dd><code>\(HTML.escape(application.repository))</code> \(HTML.escape(application.branch)):\
            \(HTML.escape(application.path))</dd>
            <dt>Destination</dt><dd>\(HTML.escape(application.target)) / \(HTML.escape(application.namespace))</dd>
            <dt>Environment</dt><dd>\(HTML.escape(application.environment))</dd>
            <dt>Sync</dt><dd id="sync-status">\(HTML.badge(described.syncStatus))</dd>
            <dt>Health</dt><dd id="health">\(HTML.badge(described.health)) \(HTML.escape(described.statusMessage))</dd>
            <dt>Controllers</dt><dd>\(HTML.escape(described.controllers))</dd>
            \(described.release.map { "<dt>Release</dt><dd><a href=\"/releases/\($0.id)\">#\($0.id)</a> \(HTML.badge($0.phase))</dd>" } ?? "")
            </dl>
            <h2>Resources</h2>
            \(resources)
            \(holds)
            <h2>Sync history</h2>
            \(history.isEmpty ? "<p class=\"muted\">Never synced.</p>" : "")
            <div class="scroll"><table id="history"><thead><tr><th>Started</th><th>Revision</th><th>Trigger</th><th>Phase</th>\
            <th>Message</th></tr></thead><tbody>\(history.joined())</tbody></table></div>
            """
    }

    /// An application's held revisions with Lift for approvers (a reason required), and the lifted ones with who lifted
    /// them and why: the page is the application's record.
    func holdsSection(_ application: String, principal: Principal) throws -> String {
        let canLift = principal.allows(.approver, .write)
        let all = try releases.holds(application: application, includeRemoved: true)
        let rows = all.map { hold in
            let state: String
            if let removedAt = hold.removedAt {
                state = """
                    <span class="muted">lifted \(HTML.time(removedAt)) by \(HTML.escape(hold.removedBy ?? "?")): \
                    \(HTML.escape(hold.removedReason ?? ""))</span>
                    """
            } else if canLift {
                state = """
                    <form data-lift="\(HTML.escape(application))" data-revision="\(HTML.escape(hold.revision))">\
                    <input id="lift-\(HTML.escape(hold.revision))" name="reason" type="text" aria-label="why the hold is lifted" placeholder="why">\
                    <button type="submit">Lift</button><span class="lift-status" role="status"></span></form>
                    """
            } else {
                state = "in force"
            }
            return """
                <tr\(hold.removedAt == nil ? " class=\"held\"" : "")><td><code>\(HTML.escape(String(hold.revision.prefix(8))))</code></td>\
                <td>\(HTML.escape(hold.reason))</td><td>\(HTML.time(hold.createdAt))</td><td>\(state)</td></tr>
                """
        }
        return """
            <h2>Holds</h2>
            \(all.allSatisfy { $0.removedAt != nil } ? "<p class=\"muted\">No revision is held.</p>" : "")
            <div class="scroll"><table id="holds"><thead><tr><th>Revision</th><th>Why</th><th>Since</th><th></th></tr></thead>\
            <tbody>\(rows.joined())</tbody></table></div>
            """
    }

    /// An application no project of this server declares but whose releases, syncs or holds are in the delivery store
    /// (`slipway up`'s, a `slipway gitops watch` beside the server): its releases, sync history and holds — lifting one
    /// here is honoured by the process that syncs it, which reads holds from the same store. nil when nothing is known.
    func undeclaredApplicationPage(_ name: String, principal: Principal) throws -> String? {
        let list = try releases.list(application: name, limit: 20)
        let syncs = try releases.syncs(application: name, limit: 50)
        let holds = try releases.holds(application: name, includeRemoved: true)
        guard !list.isEmpty || !syncs.isEmpty || !holds.isEmpty else { return nil }
        let newest = list.first
        let history = syncs.map { sync in
            """
            <tr><td>\(HTML.time(sync.startedAt.timeIntervalSince1970))</td><td><code>\(HTML.escape(String(sync.revision.prefix(8))))</code></td>\
            <td>\(HTML.escape(sync.trigger.rawValue))</td><td>\(HTML.badge(sync.phase.rawValue))</td><td>\(HTML.escape(sync.message))</td></tr>
            """
        }
        return """
            <h1>\(HTML.escape(name))</h1>
            <dl class="facts">
            <dt>Project</dt><dd class="muted">none of this server: synced by another process sharing its delivery store</dd>
            \(newest.map { "<dt>Environment</dt><dd>\(HTML.escape($0.environment))</dd><dt>Namespace</dt><dd>\(HTML.escape($0.namespace))</dd>" } ?? "")
            <dt>Releases</dt><dd><a href="/releases?application=\(HTML.escape(name))">\(list.count == 20 ? "the newest 20" : "\(list.count)")</a>\
            \(newest.map { ", the newest <a href=\"/releases/\($0.id)\">#\($0.id)</a> \(HTML.badge($0.phase.rawValue))" } ?? "")</dd>
            </dl>
            \(try holdsSection(name, principal: principal))
            <h2>Sync history</h2>
            \(history.isEmpty ? "<p class=\"muted\">No sync recorded.</p>" : "")
            <div class="scroll"><table id="history"><thead><tr><th>Started</th><th>Revision</th><th>Trigger</th><th>Phase</th>\
            <th>Message</th></tr></thead><tbody>\(history.joined())</tbody></table></div>
            """
    }

    /// What a waiting deployment brings to its environment: the commits since the environment's last approved
    /// deployment of the project (or the commit's history, for a first one), from the project's mirror.
    func changes(of deployment: Deployment) async throws -> String {
        guard let run = try store.runs.run(deployment.runId), let projectId = run.projectId, let project = try store.project(id: projectId),
            let id = deployment.id
        else { return "" }
        let previous = try store.runs.previousApprovedDeployment(environment: deployment.environment, projectId: projectId, before: id)
        guard let commits = await worker.mirrors.commits(project, from: previous?.sha, to: run.sha, limit: 20) else {
            return "<p class=\"muted\">The commits are not in the project's mirror (yet).</p>"
        }
        let since =
            previous.map {
                "since run <a href=\"/runs/\($0.0.runId)\">#\($0.0.runId)</a> (<code>\(HTML.escape(String($0.sha.prefix(8))))</code>), the last approved for \(HTML.escape(deployment.environment))"
            } ?? "(the first deployment to \(HTML.escape(deployment.environment)))"
        let items = commits.map { commit in
            """
            <li><code>\(HTML.escape(String(commit.sha.prefix(8))))</code> \(HTML.escape(commit.subject)) \
            <span class="muted">— \(HTML.escape(commit.author)), \(HTML.time(commit.time))</span></li>
            """
        }
        return """
            <details class="commits" open><summary>\(commits.count == 20 ? "20 newest commits" : "\(commits.count) commit\(commits.count == 1 ? "" : "s")") \
            \(since)</summary><ul>\(items.joined())</ul></details>
            """
    }

    /// Deployments waiting for reviewers, with Approve and Reject (a comment) for those the rules admit.
    func approvalsPage(_ principal: Principal) async throws -> String {
        let waiting = try store.runs.waitingDeployments(limit: 200)
        var rows: [String] = []
        for deployment in waiting {
            let reviews = try store.runs.reviews(ofDeployment: deployment.id ?? 0)
            let pending = PendingDeploymentJSON(deployment, reviews: reviews, viewer: principal)
            let form =
                pending.currentUserCanApprove
                ? """
                <form data-review="\(deployment.runId)" data-environment="\(HTML.escape(deployment.environment))">\
                <input id="comment-\(deployment.id ?? 0)" name="comment" type="text" aria-label="comment" placeholder="comment">\
                <button class="primary" type="submit" value="approved">Approve</button>\
                <button class="danger" type="submit" value="rejected">Reject</button>\
                <span class="review-status" role="status"></span></form>
                """ : "<span class=\"muted\">not yours to review</span>"
            rows.append(
                """
                <tr><td><a href="/runs/\(deployment.runId)">#\(deployment.runId)</a></td><td>\(HTML.escape(deployment.jobName))</td>\
                <td>\(HTML.escape(deployment.environment))</td><td>\(HTML.escape(deployment.actor))</td>\
                <td>\(HTML.escape(pending.reviewers.joined(separator: ", ")))</td>\
                <td>\(pending.approvals.count) of \(pending.approvalsRequired)</td><td>\(form)</td></tr>
                <tr class="changes"><td></td><td colspan="6">\(try await changes(of: deployment))</td></tr>
                """)
        }
        return """
            <h1>Approvals</h1>
            \(rows.isEmpty ? "<p class=\"muted\">No deployment waits for a review.</p>" : "")
            <div class="scroll"><table id="approvals"><thead><tr><th>Run</th><th>Job</th><th>Environment</th><th>Started by</th>\
            <th>Reviewers</th><th>Approvals</th><th></th></tr></thead><tbody>\(rows.joined())</tbody></table></div>
            """
    }
}
