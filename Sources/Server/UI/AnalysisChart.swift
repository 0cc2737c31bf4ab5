import Foundation

/// One metric's measurements over a release, drawn as SVG on the server: the values in time order, each point
/// coloured by its verdict (failed ones red, and said so in their tooltip), and the condition's threshold as a dashed
/// line when the condition compares `result` with a number.
struct AnalysisChart {
    struct Point {
        var at: Date
        var value: Double
        var verdict: String
        var message: String
    }

    var metric: String
    var points: [Point]
    /// The condition's number and its comparison (`>=`, `<`, …), read from the measurements' messages.
    var threshold: (comparison: String, value: Double)?

    static let width = 640.0
    static let height = 220.0
    static let inset = (left: 48.0, right: 12.0, top: 14.0, bottom: 28.0)

    /// A measurement's value as a number to draw: a number, or a vector of one (`[0.71]`, as Prometheus' instant
    /// queries answer); nil for anything else — several values, none, NaN — which no single point would show honestly.
    static func value(of text: String) -> Double? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            guard !text.contains(",") else { return nil }
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The first number a condition compares `result` with, as `successCondition result >= 0.95 …` says.
    static func threshold(in message: String) -> (String, Double)? {
        guard let range = message.range(of: "result") else { return nil }
        var rest = message[range.upperBound...].trimmingCharacters(in: .whitespaces)
        // `result[0] >= 0.95`: a query answering a vector is compared by its first element.
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
        }
        for comparison in [">=", "<=", "==", ">", "<"] where rest.hasPrefix(comparison) {
            let number = rest.dropFirst(comparison.count).trimmingCharacters(in: .whitespaces).prefix {
                $0.isNumber || $0 == "." || $0 == "-"
            }
            if let value = Double(number) { return (comparison, value) }
        }
        return nil
    }

    var svg: String {
        let inset = Self.inset
        let plotWidth = Self.width - inset.left - inset.right
        let plotHeight = Self.height - inset.top - inset.bottom
        let values = points.map(\.value) + (threshold.map { [$0.value] } ?? [])
        var low = values.min() ?? 0
        var high = values.max() ?? 1
        if high - low < 1e-9 {
            low -= 0.5
            high += 0.5
        }
        let pad = (high - low) * 0.1
        // Rates and latencies are never negative: the axis does not pretend they could be.
        low = values.allSatisfy { $0 >= 0 } ? max(low - pad, 0) : low - pad
        high += pad
        let start = points.first?.at.timeIntervalSince1970 ?? 0
        let span = max((points.last?.at.timeIntervalSince1970 ?? start) - start, 1)
        func x(_ date: Date) -> Double {
            inset.left + (points.count == 1 ? plotWidth / 2 : (date.timeIntervalSince1970 - start) / span * plotWidth)
        }
        func y(_ value: Double) -> Double { inset.top + (high - value) / (high - low) * plotHeight }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        func label(_ value: Double) -> String {
            abs(value) >= 100
                ? String(format: "%.0f", value) : abs(value) >= 1 ? String(format: "%.2f", value) : String(format: "%.3f", value)
        }
        var parts: [String] = []
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            parts.append(
                "<line class=\"grid\" x1=\"\(number(inset.left))\" x2=\"\(number(Self.width - inset.right))\" y1=\"\(number(y(value)))\" y2=\"\(number(y(value)))\"/>"
                    + "<text x=\"\(number(inset.left - 6))\" y=\"\(number(y(value) + 4))\" text-anchor=\"end\">\(label(value))</text>")
        }
        parts.append(
            "<line class=\"axis\" x1=\"\(number(inset.left))\" x2=\"\(number(inset.left))\" y1=\"\(number(inset.top))\" y2=\"\(number(Self.height - inset.bottom))\"/>"
        )
        parts.append(
            "<line class=\"axis\" x1=\"\(number(inset.left))\" x2=\"\(number(Self.width - inset.right))\" y1=\"\(number(Self.height - inset.bottom))\" y2=\"\(number(Self.height - inset.bottom))\"/>"
        )
        if let threshold {
            parts.append(
                "<line class=\"threshold\" x1=\"\(number(inset.left))\" x2=\"\(number(Self.width - inset.right))\" y1=\"\(number(y(threshold.value)))\" y2=\"\(number(y(threshold.value)))\"><title>result \(HTML.escape(threshold.comparison)) \(label(threshold.value))</title></line>"
            )
        }
        if points.count > 1 {
            let path = points.map { "\(number(x($0.at))),\(number(y($0.value)))" }.joined(separator: " ")
            parts.append("<polyline class=\"line\" points=\"\(path)\"/>")
        }
        for point in points {
            let failed = point.verdict == "Failed" || point.verdict == "Error"
            parts.append(
                "<circle class=\"\(failed ? "fail" : "pass")\" cx=\"\(number(x(point.at)))\" cy=\"\(number(y(point.value)))\" r=\"\(failed ? 5 : 4)\">"
                    + "<title>\(HTML.escape(label(point.value))) — \(HTML.escape(point.verdict)): \(HTML.escape(point.message))</title></circle>"
            )
        }
        let seconds = Int(span.rounded())
        parts.append(
            "<text x=\"\(number(inset.left))\" y=\"\(number(Self.height - 8))\">0 s</text>"
                + "<text x=\"\(number(Self.width - inset.right))\" y=\"\(number(Self.height - 8))\" text-anchor=\"end\">\(seconds) s</text>"
        )
        let failures = points.filter { $0.verdict == "Failed" || $0.verdict == "Error" }.count
        let summary =
            "\(metric): \(points.count) measurement\(points.count == 1 ? "" : "s"), \(failures) failed"
            + (threshold.map { ", threshold result \($0.comparison) \(label($0.value))" } ?? "")
        return """
            <figure class="analysis" data-metric="\(HTML.escape(metric))">
            <svg class="chart" role="img" aria-label="\(HTML.escape(summary))" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            width="\(Int(Self.width))" height="\(Int(Self.height))" xmlns="http://www.w3.org/2000/svg">\(parts.joined())</svg>
            <figcaption>\(HTML.escape(summary))</figcaption>
            </figure>
            """
    }
}
