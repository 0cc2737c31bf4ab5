import Foundation
import Manifests

/// Compares desired with live the way a server-side-apply diff does: only what the desired object sets is compared,
/// so status, server-set metadata and API defaults (fields the desired object leaves out) never make an object
/// OutOfSync. Lists are compared item by item (same length, each desired item contained in the live one); numbers
/// and their decimal text compare equal; quantities compare by value (`1000m` = `1`, `3072Mi` = `3Gi`).
public enum ManifestDiff {
    /// A path to leave out of the comparison: object keys, with `*` for every item of a list or every key.
    public typealias IgnoredPath = [String]

    static let serverSetMetadata: Set<String> = [
        "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp",
        "deletionGracePeriodSeconds", "ownerReferences", "finalizers",
    ]

    /// The first differing paths (up to `limit`), empty when live already has everything desired sets.
    public static func differences(desired: ManifestValue, live: ManifestValue, ignoring ignored: [IgnoredPath] = [], limit: Int = 5)
        -> [String]
    {
        var found: [String] = []
        var trimmed = desired
        trimmed["status"] = nil
        if var metadata = trimmed["metadata"]?.object {
            for key in serverSetMetadata { metadata[key] = nil }
            trimmed["metadata"] = .object(metadata)
        }
        let isSecret = trimmed["kind"]?.string == "Secret"
        trimmed = secretDataFolded(trimmed)
        compare(trimmed, live, path: [], ignored: ignored, hidden: isSecret ? "data" : nil, found: &found, limit: limit)
        return found
    }

    /// A Secret's `stringData` as the API server stores it: base64 under `data` (it wins over a `data` entry of the
    /// same key), so a Secret written with `stringData` is not out of sync forever — as Argo CD normalises it.
    static func secretDataFolded(_ object: ManifestValue) -> ManifestValue {
        guard object["kind"]?.string == "Secret", (object["apiVersion"]?.string ?? "v1") == "v1",
            let strings = object["stringData"]?.object
        else { return object }
        var folded = object
        var data = object["data"]?.object ?? [:]
        for (key, value) in strings {
            guard let text = value.string else { return object }
            data[key] = .string(Data(text.utf8).base64EncodedString())
        }
        folded["stringData"] = nil
        folded["data"] = .object(data)
        return folded
    }

    /// `hidden`: values under this top-level field are never shown (a Secret's data), only that they differ.
    private static func compare(
        _ desired: ManifestValue, _ live: ManifestValue?, path: [String], ignored: [IgnoredPath], hidden: String? = nil,
        found: inout [String], limit: Int
    ) {
        guard found.count < limit else { return }
        if ignored.contains(where: { matches($0, path) }) { return }
        guard let live else {
            if !desired.isNull { found.append(render(path) + " is missing") }
            return
        }
        switch (desired, live) {
        case (.object(let want), .object(let have)):
            for key in want.keys.sorted() {
                compare(want[key] ?? .null, have[key], path: path + [key], ignored: ignored, hidden: hidden, found: &found, limit: limit)
            }
        case (.array(let want), .array(let have)):
            guard want.count == have.count else {
                found.append("\(render(path)): \(want.count) item\(want.count == 1 ? "" : "s") desired, \(have.count) live")
                return
            }
            for (index, item) in want.enumerated() {
                compare(item, have[index], path: path + [String(index)], ignored: ignored, hidden: hidden, found: &found, limit: limit)
            }
        default:
            if !scalarsEqual(desired, live) {
                if let hidden, path.first == hidden {
                    found.append("\(render(path)): differs (value hidden)")
                } else {
                    found.append("\(render(path)): desired \(desired.jsonText), live \(live.jsonText)")
                }
            }
        }
    }

    static func matches(_ pattern: IgnoredPath, _ path: [String]) -> Bool {
        guard pattern.count <= path.count else { return false }
        return zip(pattern, path).allSatisfy { $0 == "*" || $0 == $1 }
    }

    static func scalarsEqual(_ a: ManifestValue, _ b: ManifestValue) -> Bool {
        if a == b { return true }
        if case .null = a, b.array?.isEmpty == true || b.object?.isEmpty == true { return true }
        guard let left = text(a), let right = text(b) else { return false }
        if left == right { return true }
        if let x = Quantity.value(left), let y = Quantity.value(right) { return abs(x - y) <= 1e-9 * max(abs(x), abs(y)) }
        return false
    }

    private static func text(_ value: ManifestValue) -> String? {
        switch value {
        case .integer(let text), .string(let text): text
        case .float(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    static func render(_ path: [String]) -> String {
        path.isEmpty
            ? "." : "." + path.map { Int($0) != nil ? "[\($0)]" : $0 }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

/// Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`) as numbers, for comparing `1000m` with `1`.
enum Quantity {
    static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
        ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
        ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]

    static func value(_ text: String) -> Double? {
        for (suffix, scale) in suffixes where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { return nil }
            return number * scale
        }
        return Double(text)
    }
}
