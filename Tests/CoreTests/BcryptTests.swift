import Foundation
import Testing

@testable import Core

/// bcrypt as htpasswd -B writes it: hashes made by Debian's htpasswd at test time verify, wrong passwords do not, and
/// Slipway's own hashes verify.
@Suite struct BcryptTests {
    @Test func blowfishStartsFromTheDigitsOfPi() {
        let words = PiDigits.fractionWords(3)
        #expect(words == [0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E])
    }

    @Test(arguments: ["ci-secret", "", "pässwörd with spaces", String(repeating: "x", count: 80)])
    func hashesFromHtpasswdVerify(_ password: String) async throws {
        let made = try await CapturedCommand.run("htpasswd", ["-nbB", "-C", "5", "user", password], timeout: .seconds(30))
        try #require(made.succeeded, "htpasswd is missing (scripts/setup installs apache2-utils)")
        let hash = String(made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("user:".count))
        #expect(Bcrypt.verify(password, hash: hash), "\(hash)")
        // bcrypt reads at most 72 bytes of a password, so the wrong one differs at its start.
        #expect(!Bcrypt.verify("!" + password, hash: hash))
    }

    @Test func ownHashesVerifyAndMalformedOnesDoNot() {
        let hash = Bcrypt.hash("s3cret", cost: 4)
        #expect(hash.hasPrefix("$2b$04$") && hash.count == 60)
        #expect(Bcrypt.verify("s3cret", hash: hash) && !Bcrypt.verify("s3cret ", hash: hash))
        #expect(!Bcrypt.verify("s3cret", hash: "{SHA}abc") && !Bcrypt.verify("s3cret", hash: "$2b$04$short"))
    }
}
