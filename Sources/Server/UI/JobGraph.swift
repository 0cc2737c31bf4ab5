import Foundation

/// A run's jobs as a graph drawn in SVG on the server, as GitHub's run page shows it: a column per depth of `needs`,
/// an edge from each job to the jobs that need it, each job coloured by its state, a matrix's instances listed inside
/// their job. Each job links to its (first) row in the jobs table below.
struct JobGraph {
    struct Node: Sendable, Hashable {
        var id: String
        var label: String
        /// A result (`success`, `failure`, …), `running`, `waiting`, or `not run`.
        var state: String
        var needs: [String]
        /// A matrix's instances with their states; empty for a plain job.
        var instances: [Instance] = []
    }

    struct Instance: Sendable, Hashable {
        var name: String
        var state: String
    }

    var nodes: [Node]

    static let columnWidth = 220.0
    static let nodeWidth = 184.0
    static let headerHeight = 30.0
    static let instanceHeight = 17.0
    static let gap = 16.0
    static let shownInstances = 6

    /// Each job's column: 0 for jobs that need none, else one more than the deepest job it needs (unknown needs and
    /// cycles count as none: the workflow was checked when it ran).
    func depths() -> [String: Int] {
        let byId = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var depth: [String: Int] = [:]
        func visit(_ id: String, _ path: Set<String>) -> Int {
            if let known = depth[id] { return known }
            guard let node = byId[id], !path.contains(id) else { return -1 }
            let value = (node.needs.map { visit($0, path.union([id])) }.max() ?? -1) + 1
            depth[id] = value
            return value
        }
        for node in nodes { _ = visit(node.id, []) }
        return depth
    }

    static func height(of node: Node) -> Double {
        let shown = min(node.instances.count, shownInstances) + (node.instances.count > shownInstances ? 1 : 0)
        return headerHeight + Double(shown) * instanceHeight + (shown > 0 ? 6 : 0)
    }

    static func tone(_ state: String) -> String {
        switch state {
        case "success": "good"
        case "failure", "failed", "cancelled", "canceled": "bad"
        case "running", "pending", "manual", "waiting": "busy"
        default: "plain"
        }
    }

    var svg: String {
        guard !nodes.isEmpty else { return "" }
        let depth = depths()
        var columns: [[Node]] = []
        for node in nodes {
            let column = max(depth[node.id] ?? 0, 0)
            while columns.count <= column { columns.append([]) }
            columns[column].append(node)
        }
        var frames: [String: (x: Double, y: Double, height: Double)] = [:]
        var tallest = 0.0
        for (index, column) in columns.enumerated() {
            var y = Self.gap
            for node in column {
                let height = Self.height(of: node)
                frames[node.id] = (Self.gap + Double(index) * Self.columnWidth, y, height)
                y += height + Self.gap
            }
            tallest = max(tallest, y)
        }
        let width = Self.gap + Double(columns.count) * Self.columnWidth
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts: [String] = []
        for node in nodes {
            guard let to = frames[node.id] else { continue }
            for need in node.needs {
                guard let from = frames[need] else { continue }
                let start = (x: from.x + Self.nodeWidth, y: from.y + Self.headerHeight / 2)
                let end = (x: to.x, y: to.y + Self.headerHeight / 2)
                let bend = (end.x - start.x) / 2
                parts.append(
                    "<path class=\"edge\" d=\"M\(number(start.x)),\(number(start.y)) C\(number(start.x + bend)),\(number(start.y)) "
                        + "\(number(end.x - bend)),\(number(end.y)) \(number(end.x)),\(number(end.y))\"/>")
            }
        }
        for node in nodes {
            guard let frame = frames[node.id] else { continue }
            let label = node.label.count > 24 ? String(node.label.prefix(23)) + "…" : node.label
            var text = """
                <a href="#job-\(HTML.escape(node.id))"><g class="job \(Self.tone(node.state))" data-job="\(HTML.escape(node.id))">\
                <title>\(HTML.escape(node.label)): \(HTML.escape(node.state))</title>\
                <rect x="\(number(frame.x))" y="\(number(frame.y))" width="\(number(Self.nodeWidth))" height="\(number(frame.height))" rx="6"/>\
                <circle cx="\(number(frame.x + 14))" cy="\(number(frame.y + Self.headerHeight / 2))" r="5"/>\
                <text x="\(number(frame.x + 26))" y="\(number(frame.y + Self.headerHeight / 2 + 4))">\(HTML.escape(label))</text>
                """
            for (index, instance) in node.instances.prefix(Self.shownInstances).enumerated() {
                let y = frame.y + Self.headerHeight + Double(index) * Self.instanceHeight + 10
                let name = instance.name.count > 26 ? String(instance.name.prefix(25)) + "…" : instance.name
                text += """
                    <circle class="\(Self.tone(instance.state))" cx="\(number(frame.x + 18))" cy="\(number(y))" r="3.5"><title>\
                    \(HTML.escape(instance.name)): \(HTML.escape(instance.state))</title></circle>\
                    <text class="instance" x="\(number(frame.x + 28))" y="\(number(y + 4))">\(HTML.escape(name))</text>
                    """
            }
            if node.instances.count > Self.shownInstances {
                let y = frame.y + Self.headerHeight + Double(Self.shownInstances) * Self.instanceHeight + 14
                text +=
                    "<text class=\"instance\" x=\"\(number(frame.x + 28))\" y=\"\(number(y))\">and \(node.instances.count - Self.shownInstances) more</text>"
            }
            parts.append(text + "</g></a>")
        }
        return """
            <figure class="graph"><svg class="jobs" role="img" aria-label="the run's jobs and what each needs" \
            viewBox="0 0 \(number(width)) \(number(tallest))" width="\(number(width))" height="\(number(tallest))">\(parts.joined())</svg></figure>
            """
    }
}
