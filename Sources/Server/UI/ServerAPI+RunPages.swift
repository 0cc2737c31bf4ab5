import Core
import Foundation
import Hummingbird
import Store
import Workflows

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

    /// A run: its job graph, its jobs with their results, and its log streamed as it is written (from the delivery
    /// that started it).
    func runPage(_ key: String?, for principal: Principal) async throws -> String? {
        guard let run = try serverRun(key), let id = run.id else { return nil }
        let jobs = try store.runs.jobs(ofRun: id)
        // A pipeline's manual jobs are played from here by developers, through GitLab's play API (job ids as it numbers them).
        let pipeline = try store.pipeline(runId: id)
        let canPlay = pipeline != nil && principal.allows(.developer, .write)
        var progress: [String: LiveLog.JobProgress] = [:]
        if let eventId = run.eventId { progress = await worker.liveLog.jobs(of: eventId) }
        let graph = JobGraph(nodes: await jobNodes(run, jobs: jobs, progress: progress))
        let status = run.status == RunStore.Run.Status.completed ? run.result : run.status
        // A matrix's instances share their job's id: the graph's link goes to the first of them.
        var anchored: Set<String> = []
        let rows = jobs.enumerated().map { index, job in
            let anchor = anchored.insert(job.jobId).inserted ? " id=\"job-\(HTML.escape(job.jobId))\"" : ""
            var play = ""
            if canPlay, job.result == "manual", let pipeline, let pipelineId = pipeline.id {
                play = """
                    <form data-play="\(pipeline.projectId)" data-job="\(pipelineId * 1000 + Int64(index) + 1)">\
                    <button type="submit">Play</button><span class="play-status" role="status"></span></form>
                    """
            }
            return """
                <tr\(anchor)><td>\(HTML.escape(job.name))</td><td>\(HTML.badge(job.result))\(play)</td>\
                <td>\(HTML.time(job.startedAt.timeIntervalSince1970))</td><td>\(String(format: "%.1f s", job.duration))</td>\
                <td>\(HTML.escape(job.failureReason ?? ""))</td></tr>
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
            <div class="scroll" id="graph">\(graph.svg)</div>
            \(jobs.isEmpty ? "<p class=\"muted\">No job has finished yet.</p>" : "")
            <div class="scroll"><table id="jobs"><thead><tr><th>Job</th><th>Result</th><th>Started</th><th>Duration</th><th>Why</th></tr>\
            </thead><tbody>\(rows.joined())</tbody></table></div>
            <h2>Log <span class="muted" id="log-state">live</span></h2>
            <pre class="log" id="log"\(stream) tabindex="0" aria-label="log"></pre>
            """
    }

    /// The run's jobs for its graph: the workflow's jobs and their `needs` as the run's commit has them, each in the
    /// state the store's job records (finished runs) or the live progress (running ones) give it. A pipeline, or a run
    /// whose workflow cannot be read again, gets its recorded jobs without edges.
    func jobNodes(_ run: RunStore.Run, jobs: [RunStore.Job], progress: [String: LiveLog.JobProgress]) async -> [JobGraph.Node] {
        let finished = run.status == RunStore.Run.Status.completed
        func state(of names: [String]) -> [JobGraph.Instance] {
            names.map { name in
                let live = progress[name]
                return JobGraph.Instance(name: name, state: live.map { $0.result ?? "running" } ?? (finished ? "not run" : "waiting"))
            }
        }
        var workflowJobs: [Workflows.Job] = []
        // A workflow that no longer reads (the mirror lost the commit) only costs the graph its edges.
        if run.gitlabState == nil, let projectId = run.projectId, let project = try? store.project(id: projectId),
            let text = try? await worker.mirrors.file(project, ref: run.sha, path: run.workflowPath),
            let workflow = try? WorkflowLoader.load(text: text, path: run.workflowPath)
        {
            workflowJobs = workflow.jobs
        }
        guard !workflowJobs.isEmpty else {
            var names = jobs.map(\.name)
            for name in progress.keys.sorted() where !names.contains(name) { names.append(name) }
            return names.map { name in
                let recorded = jobs.first { $0.name == name }?.result
                return JobGraph.Node(
                    id: jobs.first { $0.name == name }?.jobId ?? name, label: name,
                    state: recorded ?? state(of: [name]).first?.state ?? "waiting", needs: [])
            }
        }
        return workflowJobs.map { job in
            let label = job.name?.scalar.flatMap { $0.contains("${{") ? nil : $0 } ?? job.id
            let recorded = jobs.filter { $0.jobId == job.id }
            // Instances report themselves as `label (values…)`; a plain job as its label.
            let live = progress.keys.filter { $0 == label || $0.hasPrefix(label + " (") }.sorted()
            let isMatrix = job.strategy != nil && (recorded.count > 1 || live.count > 1 || recorded.contains { $0.name != label })
            var instances: [JobGraph.Instance] = []
            if isMatrix {
                instances = recorded.map { JobGraph.Instance(name: $0.name, state: $0.result) }
                instances += state(of: live.filter { name in !recorded.contains { $0.name == name } })
            }
            let node: String
            if !recorded.isEmpty {
                let results = recorded.map(\.result) + instances.map(\.state).filter { $0 == "running" || $0 == "waiting" }
                node =
                    results.contains("running")
                    ? "running"
                    : results.contains("failure")
                        ? "failure"
                        : results.contains("cancelled")
                            ? "cancelled"
                            : results.allSatisfy { $0 == "skipped" } ? "skipped" : "success"
            } else if !live.isEmpty {
                let states = state(of: live).map(\.state)
                node = states.contains("running") ? "running" : states.contains("failure") ? "failure" : states.first ?? "running"
            } else {
                node = finished ? "not run" : "waiting"
            }
            return JobGraph.Node(id: job.id, label: label, state: node, needs: job.needs, instances: instances)
        }
    }
}
