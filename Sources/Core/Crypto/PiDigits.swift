/// The fractional part of π in 32-bit words (0x243F6A88, 0x85A308D3, …), computed with Machin's formula
/// π = 16·arctan(1/5) − 4·arctan(1/239) in fixed point. Blowfish (and so bcrypt) starts from these words.
enum PiDigits {
    /// The first `count` words after the binary point.
    static func fractionWords(_ count: Int) -> [UInt32] {
        // Guard words absorb the truncation of every division.
        let length = count + 4
        var pi = arctangentOfInverse(5, words: length)
        multiply(&pi, by: 16)
        var other = arctangentOfInverse(239, words: length)
        multiply(&other, by: 4)
        subtract(&pi, other)
        return Array(pi[1...count])
    }

    /// arctan(1/x) with one integer word and `words` fraction words: Σ (−1)^k / ((2k+1)·x^(2k+1)).
    private static func arctangentOfInverse(_ x: UInt32, words: Int) -> [UInt32] {
        var power = [UInt32](repeating: 0, count: words + 1)
        power[0] = 1
        divide(&power, by: x)
        var sum = power
        var k: UInt32 = 1
        while power.contains(where: { $0 != 0 }) {
            divide(&power, by: x * x)
            var term = power
            divide(&term, by: 2 * k + 1)
            if k % 2 == 1 { subtract(&sum, term) } else { add(&sum, term) }
            k += 1
        }
        return sum
    }

    private static func divide(_ value: inout [UInt32], by divisor: UInt32) {
        var remainder: UInt64 = 0
        value.withUnsafeMutableBufferPointer { words in
            for index in words.indices {
                let current = remainder << 32 | UInt64(words[index])
                words[index] = UInt32(current / UInt64(divisor))
                remainder = current % UInt64(divisor)
            }
        }
    }

    private static func multiply(_ value: inout [UInt32], by factor: UInt32) {
        var carry: UInt64 = 0
        value.withUnsafeMutableBufferPointer { words in
            for index in words.indices.reversed() {
                let product = UInt64(words[index]) * UInt64(factor) + carry
                words[index] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
        }
    }

    private static func add(_ value: inout [UInt32], _ other: [UInt32]) {
        var carry: UInt64 = 0
        value.withUnsafeMutableBufferPointer { words in
            other.withUnsafeBufferPointer { addend in
                for index in words.indices.reversed() {
                    let total = UInt64(words[index]) + UInt64(addend[index]) + carry
                    words[index] = UInt32(truncatingIfNeeded: total)
                    carry = total >> 32
                }
            }
        }
    }

    private static func subtract(_ value: inout [UInt32], _ other: [UInt32]) {
        var borrow: Int64 = 0
        value.withUnsafeMutableBufferPointer { words in
            other.withUnsafeBufferPointer { subtrahend in
                for index in words.indices.reversed() {
                    var difference = Int64(words[index]) - Int64(subtrahend[index]) - borrow
                    borrow = 0
                    if difference < 0 {
                        difference += 1 << 32
                        borrow = 1
                    }
                    words[index] = UInt32(difference)
                }
            }
        }
    }
}
