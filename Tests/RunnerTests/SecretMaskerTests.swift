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
