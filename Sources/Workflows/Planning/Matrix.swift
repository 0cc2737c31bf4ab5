import Core
import Expressions

/// Expands `strategy.matrix` with GitHub's rules: cross product → exclude → include.
public enum Matrix {
    public static let maxJobs = 256

    public enum Failure: Error, CustomStringConvertible, Sendable, Equatable {
        case notAMapping
        case vectorNotASequence(String)
        case emptyVector(String)
        case entryNotAMapping(String)
        case tooManyJobs(Int)

        public var description: String {
            switch self {
            case .notAMapping: "the matrix must be a mapping"
            case .vectorNotASequence(let key): "matrix vector '\(key)' must be a sequence"
            case .emptyVector(let key): "Matrix vector '\(key)' does not contain any values"
            case .entryNotAMapping(let key): "matrix.\(key) entries must be mappings"
            case .tooManyJobs(let count): "the matrix would create \(count) jobs; at most \(maxJobs) are allowed"
            }
        }
    }

    /// One combination: ordered key/value pairs.
    public typealias Combination = [(key: String, value: ExpressionValue)]

    /// Expands an evaluated matrix object into combinations.
    public static func expand(_ matrix: ExpressionValue) throws(Failure) -> [Combination] {
        guard case .object(let object) = matrix else { throw .notAMapping }
        var vectors: [(String, [ExpressionValue])] = []
        var includes: [ExpressionObject] = []
        var excludes: [ExpressionObject] = []
        for (key, value) in object.pairs {
            switch key.lowercased() {
            case "include", "exclude":
                let items: [ExpressionValue]
                switch value {
                case .array(let a): items = a.items
                case .object: items = [value]
                case .null: items = []
                default: throw .entryNotAMapping(key)
                }
                for item in items {
                    guard case .object(let entry) = item else { throw .entryNotAMapping(key) }
                    if key.lowercased() == "include" { includes.append(entry) } else { excludes.append(entry) }
                }
            default:
                guard case .array(let a) = value else { throw .vectorNotASequence(key) }
                if a.items.isEmpty { throw .emptyVector(key) }
                vectors.append((key, a.items))
            }
        }
        var combinations: [Combination] = vectors.isEmpty ? [] : [[]]
        for (key, values) in vectors {
            var next: [Combination] = []
            next.reserveCapacity(combinations.count * values.count)
            for combination in combinations {
                for value in values { next.append(combination + [(key, value)]) }
            }
            combinations = next
            if combinations.count > maxJobs * 64 { throw .tooManyJobs(combinations.count) }
        }
        combinations.removeAll { combination in
            excludes.contains { exclude in
                exclude.pairs.allSatisfy { key, value in
                    combination.first { $0.key.lowercased() == key.lowercased() }.map { deepEqual($0.value, value) } ?? false
                }
            }
        }
        let originalKeys = Set(vectors.map { $0.0.lowercased() })
        let baseCount = combinations.count
        for include in includes {
            var merged = false
            for index in 0..<baseCount {
                let combination = combinations[index]
                let conflicts = include.pairs.contains { key, value in
                    guard originalKeys.contains(key.lowercased()) else { return false }
                    guard let existing = combination.first(where: { $0.key.lowercased() == key.lowercased() }) else { return false }
                    return !deepEqual(existing.value, value)
                }
                if conflicts { continue }
                merged = true
                var updated = combination
                // Keys by position, so an entry with thousands of keys merges in linear time.
                var positions: [String: Int] = [:]
                for (position, pair) in updated.enumerated() where positions[pair.key.lowercased()] == nil {
                    positions[pair.key.lowercased()] = position
                }
                for (key, value) in include.pairs {
                    let folded = key.lowercased()
                    if let position = positions[folded] {
                        updated[position].value = value
                    } else {
                        positions[folded] = updated.count
                        updated.append((key, value))
                    }
                }
                combinations[index] = updated
            }
            if !merged {
                combinations.append(include.pairs.map { ($0.0, $0.1) })
            }
        }
        if combinations.count > maxJobs { throw .tooManyJobs(combinations.count) }
        return combinations
    }

    /// Structural equality used for include/exclude matching.
    public static func deepEqual(_ a: ExpressionValue, _ b: ExpressionValue) -> Bool {
        a == b
    }

    /// GitHub's display name: `build (linux, 1.23)`.
    public static func displayName(_ base: String, _ combination: Combination) -> String {
        guard !combination.isEmpty else { return base }
        let values = combination.map { pair -> String in
            switch pair.value {
            case .array, .object: return JSON.serialize(pair.value, pretty: false)
            default: return pair.value.coercedString
            }
        }
        return "\(base) (\(values.joined(separator: ", ")))"
    }
}
