/// bcrypt password hashes (`$2a$`, `$2b$`, `$2y$`), as htpasswd -B and most registries store them: Blowfish's
/// expensive key schedule, 2^cost rounds, over the password and a 16-byte salt.
public enum Bcrypt {
    /// Whether `password` matches `hash`; false for a hash that is not bcrypt or is malformed.
    public static func verify(_ password: String, hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, ["2a", "2b", "2y"].contains(parts[1]), let cost = Int(parts[2]), (4...31).contains(cost),
            parts[3].utf8.count == 53, let salt = decode(String(parts[3].prefix(22)), count: 16)
        else { return false }
        let computed = encode(digest(password: Array(password.utf8), salt: salt, cost: cost), count: 23)
        let expected = Array(parts[3].utf8.suffix(31))
        // Constant time over the whole hash.
        var difference: UInt8 = 0
        for (a, b) in zip(Array(computed.utf8), expected) { difference |= a ^ b }
        return difference == 0 && computed.utf8.count == expected.count
    }

    /// A new hash of `password` with a random salt, as `$2b$<cost>$…`.
    public static func hash(_ password: String, cost: Int = 10) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let rounds = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2b$\(rounds)$" + encode(salt, count: 16)
            + encode(digest(password: Array(password.utf8), salt: salt, cost: cost), count: 23)
    }

    static func digest(password: [UInt8], salt: [UInt8], cost: Int) -> [UInt8] {
        // The key is the password with its terminating NUL, at most 72 bytes.
        let key = Array((password + [0]).prefix(72))
        var state = Blowfish.initial
        state.expand(key: key, salt: salt)
        for _ in 0..<(1 << cost) {
            state.expand(key: key, salt: nil)
            state.expand(key: salt, salt: nil)
        }
        var text: [UInt32] = Array("OrpheanBeholderScryDoubt".utf8).chunked4
        for _ in 0..<64 {
            for index in stride(from: 0, to: text.count, by: 2) {
                (text[index], text[index + 1]) = state.encrypt(text[index], text[index + 1])
            }
        }
        return text.flatMap { word in [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)] }
    }

    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// bcrypt's base64: its own alphabet, no padding, the first `count` bytes.
    static func encode(_ bytes: [UInt8], count: Int) -> String {
        var output: [UInt8] = []
        var index = 0
        let bytes = Array(bytes.prefix(count))
        while index < bytes.count {
            let first = bytes[index]
            output.append(alphabet[Int(first >> 2)])
            var carry = (first & 0x03) << 4
            guard index + 1 < bytes.count else {
                output.append(alphabet[Int(carry)])
                break
            }
            let second = bytes[index + 1]
            output.append(alphabet[Int(carry | second >> 4)])
            carry = (second & 0x0F) << 2
            guard index + 2 < bytes.count else {
                output.append(alphabet[Int(carry)])
                break
            }
            let third = bytes[index + 2]
            output.append(alphabet[Int(carry | third >> 6)])
            output.append(alphabet[Int(third & 0x3F)])
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String, count: Int) -> [UInt8]? {
        var values: [UInt8] = []
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt8(value))
        }
        var bytes: [UInt8] = []
        var index = 0
        while bytes.count < count, index + 1 < values.count {
            bytes.append(values[index] << 2 | values[index + 1] >> 4)
            if bytes.count < count, index + 2 < values.count { bytes.append(values[index + 1] << 4 | values[index + 2] >> 2) }
            if bytes.count < count, index + 3 < values.count { bytes.append(values[index + 2] << 6 | values[index + 3]) }
            index += 4
        }
        return bytes.count == count ? bytes : nil
    }
}

/// Blowfish's state: 18 subkeys and four S-boxes, initialised from π.
struct Blowfish {
    var p: [UInt32]
    var s: [UInt32]

    static let initial: Blowfish = {
        let words = PiDigits.fractionWords(18 + 4 * 256)
        return Blowfish(p: Array(words[0..<18]), s: Array(words[18...]))
    }()

    @inline(__always) func f(_ x: UInt32) -> UInt32 {
        ((s[Int(x >> 24)] &+ s[256 + Int(x >> 16 & 0xFF)]) ^ s[512 + Int(x >> 8 & 0xFF)]) &+ s[768 + Int(x & 0xFF)]
    }

    func encrypt(_ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
        var l = left
        var r = right
        for round in 0..<16 {
            l ^= p[round]
            r ^= f(l)
            swap(&l, &r)
        }
        swap(&l, &r)
        r ^= p[16]
        l ^= p[17]
        return (l, r)
    }

    /// The key schedule: subkeys XORed with the key (cyclically), then every subkey and S-box entry replaced by
    /// encrypting the previous output XORed with the salt (cyclically; zeros without one).
    mutating func expand(key: [UInt8], salt: [UInt8]?) {
        var keyIndex = 0
        for index in 0..<18 { p[index] ^= Self.word(key, &keyIndex) }
        var saltIndex = 0
        var l: UInt32 = 0
        var r: UInt32 = 0
        func next() {
            if let salt {
                l ^= Self.word(salt, &saltIndex)
                r ^= Self.word(salt, &saltIndex)
            }
            (l, r) = encrypt(l, r)
        }
        for index in stride(from: 0, to: 18, by: 2) {
            next()
            p[index] = l
            p[index + 1] = r
        }
        for index in stride(from: 0, to: s.count, by: 2) {
            next()
            s[index] = l
            s[index + 1] = r
        }
    }

    /// Four bytes of `data` from `index`, wrapping around.
    static func word(_ data: [UInt8], _ index: inout Int) -> UInt32 {
        var word: UInt32 = 0
        for _ in 0..<4 {
            word = word << 8 | UInt32(data[index])
            index = (index + 1) % data.count
        }
        return word
    }
}

extension Array where Element == UInt8 {
    fileprivate var chunked4: [UInt32] {
        stride(from: 0, to: count, by: 4).map { start in
            self[start..<start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
    }
}
