import TargetKit

/// Durations as Istio writes them (`5s`, `250ms`, `1m`, `1.5s`, `1h`).
enum IstioDuration {
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [
            ("ms", 0.001), ("us", 0.000_001), ("µs", 0.000_001), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return .nanoseconds(Int64((number * scale * 1e9).rounded()))
        }
        return nil
    }

    /// Envoy's protobuf JSON duration: seconds with up to nine decimals and an `s`.
    static func envoy(_ duration: Duration) -> String {
        let nanos = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        if nanos % 1_000_000_000 == 0 { return "\(nanos / 1_000_000_000)s" }
        var fraction = String(nanos % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(nanos / 1_000_000_000).\(fraction)s"
    }
}
