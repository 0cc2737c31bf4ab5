import Foundation

/// Random, line-oriented damage to a text — lines removed, repeated, swapped, re-indented, cut short, fragments
/// inserted — for fuzz tests. Deterministic (SplitMix64), so a failure reproduces from its seed and iteration.
public struct Mutator: Sendable {
    private var state: UInt64
    /// Pieces inserted into lines: the syntax of the format under test.
    public var fragments: [String]

    public init(seed: UInt64, fragments: [String]) {
        state = seed
        self.fragments = fragments
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (0 when n is not positive).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// `text` with one to four random changes.
    public mutating func mutate(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + below(4)) {
            guard !lines.isEmpty else {
                lines = [""]
                continue
            }
            let index = below(lines.count)
            switch below(7) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: below(lines.count + 1))
            case 2: lines.swapAt(index, below(lines.count))
            case 3: lines[index] = String(repeating: " ", count: below(9)) + lines[index].trimmingCharacters(in: .whitespaces)
            case 4:
                var characters = Array(lines[index])
                let at = below(characters.count + 1)
                characters.insert(contentsOf: fragments[below(fragments.count)], at: at)
                lines[index] = String(characters)
            case 5:
                var characters = Array(lines[index])
                if !characters.isEmpty {
                    let start = below(characters.count)
                    characters.removeSubrange(start..<min(characters.count, start + 1 + below(6)))
                }
                lines[index] = String(characters)
            default: lines = Array(lines.prefix(index))
            }
        }
        return lines.joined(separator: "\n")
    }
}
