import Foundation
import Runner
import Testing

@Suite struct SecretMaskerTests {
    @Test func masksValueLinesAndEncodings() {
        let secret = "s3cr3t-line-one\nsecond-line-value"
        let masker = SecretMasker(secrets: [secret])
        #expect(masker.mask("token: s3cr3t-line-one") == "token: ***")
        #expect(masker.mask("second-line-value") == "***")
        let base64 = Data(secret.utf8).base64EncodedString()
        #expect(!masker.mask("encoded \(base64)").contains(String(base64.prefix(12))))
        // The base64 of a longer text that contains the secret at any byte offset: the characters that encode only
        // the secret's bytes (whole 3-byte groups inside it) are gone from the output.
        for prefix in ["", "x", "xy"] {
            let encoded = Array(Data((prefix + "s3cr3t-line-one" + "tail").utf8).base64EncodedString())
            let first = (prefix.count + 2) / 3
            let last = (prefix.count + 15) / 3
            let secretOnly = String(encoded[(4 * first)..<(4 * last)])
            let masked = masker.mask(String(encoded))
            #expect(secretOnly.count >= 12 && !masked.contains(secretOnly) && masked.contains("***"), "offset \(prefix.count): \(masked)")
        }
        let json = masker.mask("\"s3cr3t-line-one\\nsecond-line-value\"")
        #expect(!json.contains("s3cr3t-line-one") && !json.contains("second-line-value") && json.contains("***"), "\(json)")
    }

    /// Every percent-encoding of a secret: each byte literal or `%XX` (either case), `+` for a space — what
    /// `urllib.parse.quote(s, safe="")`, `quote_plus`, `encodeURIComponent` and `curl --data-urlencode` print.
    @Test func masksEveryPercentEncoding() {
        let secret = "p@ss w0rd/&=?é~x"
        let masker = SecretMasker(secrets: [secret])
        func encode(_ escape: (UInt8, Int) -> String?) -> String {
            Array(secret.utf8).enumerated().map { index, byte in escape(byte, index) ?? String(UnicodeScalar(byte)) }.joined()
        }
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        let forms = [
            encode { byte, _ in String(format: "%%%02X", byte) },  // everything escaped
            encode { byte, _ in String(format: "%%%02x", byte) },  // lower-case hex
            encode { byte, _ in unreserved.contains(byte) ? nil : String(format: "%%%02X", byte) },  // quote(s, safe="")
            encode { byte, _ in byte == 32 ? "+" : (unreserved.contains(byte) ? nil : String(format: "%%%02X", byte)) },  // quote_plus
            encode { byte, index in byte >= 0x80 || index % 2 == 0 ? String(format: "%%%02x", byte) : nil },  // a mix
        ]
        for form in forms {
            let masked = masker.mask("token=\(form)&next=1")
            #expect(masked == "token=***&next=1", "\(form) → \(masked)")
            #expect(masker.isFound(in: Data("x\(form)y".utf8)), "stored files: \(form)")
        }
        #expect(masker.mask("p%40ss w0rd and more") == "p%40ss w0rd and more", "a part of the secret is not the secret")
    }

    @Test func addMaskAppliesFromThenOn() {
        let masker = SecretMasker()
        #expect(masker.mask("hello world") == "hello world")
        masker.add("world")
        #expect(masker.mask("hello world") == "hello ***")
    }

    @Test func longerSecretsMaskedFirst() {
        let masker = SecretMasker(secrets: ["abc", "abcdef"])
        #expect(masker.mask("xabcdefx") == "x***x")
    }
}
