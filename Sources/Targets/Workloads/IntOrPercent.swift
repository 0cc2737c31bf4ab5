import TargetKit

/// Kubernetes' `IntOrString` for `maxSurge`/`maxUnavailable`: a count or a percentage of the desired replicas.
public enum IntOrPercent: Sendable, Hashable, Codable {
    case count(Int)
    case percent(Int)

    public init(parsing text: String) throws(TargetError) {
        if text.hasSuffix("%"), let value = Int(text.dropLast()), value >= 0 {
            self = .percent(value)
        } else if let value = Int(text), value >= 0 {
            self = .count(value)
        } else {
            throw .invalid("invalid value '\(text)': must be a non-negative integer or percentage (e.g. 25%)")
        }
    }

    /// The count for `total` replicas, percentages rounded up (surge) or down (unavailable) as Kubernetes does.
    public func resolve(total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let value): return value
        case .percent(let value):
            let product = value * total
            return roundUp ? (product + 99) / 100 : product / 100
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .count(value)
        } else {
            let text = try container.decode(String.self)
            do { self = try IntOrPercent(parsing: text) } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let value): try container.encode(value)
        case .percent(let value): try container.encode("\(value)%")
        }
    }
}
