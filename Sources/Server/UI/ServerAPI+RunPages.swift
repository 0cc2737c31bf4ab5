import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// The runs, newest first, filtered by project, workflow, branch and status.
    func runList(_ request: Request) throws -> String {
        let query = request.uri.queryParameters
        func value(_ key: String) -> String? { query[Substring(key)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = RunFilter(
            projectId: value("project").flatMap(Int64.init), result: value("status"), workflowPath: value("workflow"))
        filter.serverOnly = true
        var runs = try store.runs(filter: filter, limit: 200)
        if let branch = value("branch") { runs = runs.filter { $0.ref == branch || $0.ref == "refs/heads/\(branch)" } }
        let projects = try store.projects()
        let names = Dictionary(
            projects.compactMap { project in project.id.map { ($0, project.name) } }, uniquingKeysWith: { first, _ in first })
        let options = projects.compactMap { project -> String? in
            guard let id = project.id else { return nil }
            let selected = value("project") == String(id) ? " selected" : ""
            return "<option value=\"\(id)\"\(selected)>\(HTML.escape(project.name))</option>"
        }
        let statuses = ["", "success", "failure", "cancelled", "skipped", "failed", "manual"].map { status in
            "<option value=\"\(status)\"\(value("status") == status || (status.isEmpty && value("status") == nil) ? " selected" : "")>\(status.isEmpty ? "any" : status)</option>"
        }
        let rows = runs.map { run in
            let id = run.id ?? 0
            let status = run.status == RunStore.Run.Status.completed ? run.result : run.status
            return """
                <tr><td><a href="/runs/\(id)">#\(id)</a></td><td>\(HTML.escape(run.projectId.flatMap { names[$0] } ?? ""))</td>\
                <td>\(HTML.escape(run.workflowName))</td><td>\(HTML.escape(run.event))</td><td>\(HTML.escape(run.ref))</td>\
                <td><code>\(HTML.escape(String(run.sha.prefix(8))))</code></td><td>\(HTML.badge(status))</td>\
                <td>\(HTML.time(run.startedAt.timeIntervalSince1970))</td><td>\(String(format: "%.1f s", run.duration))</td></tr>
                """
        }
        return """
            <h1>Runs</h1>
            <form class="filters" method="get" action="/runs">
            <label>Project<select name="project"><option value="">any</option>\(options.joined())</select></label>
            <label>Workflow<input name="workflow" value="\(HTML.escape(value("workflow") ?? ""))" placeholder=".github/workflows/ci.yml"></label>
            <label>Branch<input name="branch" value="\(HTML.escape(value("branch") ?? ""))" placeholder="main"></label>
            <label>Status<select name="status">\(statuses.joined())</select></label>
            <button type="submit">Filter</button>
            </form>
            \(runs.isEmpty ? "<p class=\"muted\">No run matches.</p>" : "")
            <div class="scroll"><table id="runs"><thead><tr><th>Run</th><th>Project</th><th>Workflow</th><th>Event</th><th>Ref</th>\
            <th>Commit</th><th>Status</th><th>Started</th><th>Duration</th></tr></thead><tbody>\(rows.joined())</tbody></table></div>
            """
    }

    /// A run: its jobs with their results, and its log streamed as it is written (from the delivery that started it).
    func runPage(_ key: String?) throws -> String? {
        guard let run = try serverRun(key), let id = run.id else { return nil }
        let jobs = try store.runs.jobs(ofRun: id)
        let status = run.status == RunStore.Run.Status.completed ? run.result : run.status
        let rows = jobs.map { job in
            """
            <tr><td>\(HTML.escape(job.name))</td><td>\(HTML.badge(job.result))</td><td>\(HTML.time(job.startedAt.timeIntervalSince1970))</td>\
            <td>\(String(format: "%.1f s", job.duration))</td><td>\(HTML.escape(job.failureReason ?? ""))</td></tr>
            """
        }
        let stream = run.eventId.map { _ in " data-stream=\"/api/v1/runs/\(id)/logs\"" } ?? ""
        return """
            <h1>Run #\(id) · \(HTML.escape(run.workflowName))</h1>
            <dl class="facts">
            <dt>Status</dt><dd id="run-status">\(HTML.badge(status))</dd>
            <dt>Event</dt><dd>\(HTML.escape(run.event)) on \(HTML.escape(run.ref))</dd>
            <dt>Commit</dt><dd><code>\(HTML.escape(run.sha))</code></dd>
            <dt>Started</dt><dd>\(HTML.time(run.startedAt.timeIntervalSince1970))</dd>
            \(run.endedReason.map { "<dt>Ended</dt><dd>\(HTML.escape($0))</dd>" } ?? "")
            </dl>
            <h2>Jobs</h2>
            \(jobs.isEmpty ? "<p class=\"muted\">No job has finished yet.</p>" : "")
            <div class="scroll"><table id="jobs"><thead><tr><th>Job</th><th>Result</th><th>Started</th><th>Duration</th><th>Why</th></tr>\
            </thead><tbody>\(rows.joined())</tbody></table></div>
            <h2>Log <span class="muted" id="log-state">live</span></h2>
            <pre class="log" id="log"\(stream) tabindex="0" aria-label="log"></pre>
            """
    }
}
