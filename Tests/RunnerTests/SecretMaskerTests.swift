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
        // The base64 of a longer text that contains the secret at any byte offset.
        for prefix in ["", "x", "xy"] {
            let encoded = Data((prefix + "s3cr3t-line-one" + "tail").utf8).base64EncodedString()
            #expect(masker.mask(encoded).contains("***"), "offset \(prefix.count)")
        }
        #expect(masker.mask("\"s3cr3t-line-one\\nsecond-line-value\"").contains("***"))
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
