import Core
import Foundation
import SlipwayTesting
import Testing

/// Files that are not text fail `lint`, `kustomize build` and `image build` at the line and column of the first bad
/// byte, with what was expected and a non-zero exit — never at 1:1 or without a position.
@Suite struct PositionedErrorTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    @Test func invalidUTF8AndControlCharactersArePositioned() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-text-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in [".github/workflows", "k", "d"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
        func write(_ path: String, _ bytes: Data) throws { try bytes.write(to: URL(fileURLWithPath: "\(root)/\(path)")) }
        try write(
            ".github/workflows/w.yml",
            Data("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \u{1} hi\n".utf8))
        try write("k/kustomization.yaml", Data("resources:\n- a.yaml\n".utf8))
        try write("k/a.yaml", Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"".utf8) + [0xFF, 0x22, 0x0A])
        try write("d/Dockerfile", Data("FROM scratch\nLABEL a=\"".utf8) + [0xC3, 0x28, 0x22, 0x0A])
        let cases: [([String], String)] = [
            (["lint", "\(root)/.github/workflows"], "w.yml:6:19: control character U+0001 is not allowed in YAML"),
            (["kustomize", "build", "\(root)/k"], "\(root)/k/a.yaml:6:7: invalid UTF-8 (byte 0xFF); expected UTF-8 text"),
            (["image", "build", "-t", "text:1", "\(root)/d"], "\(root)/d/Dockerfile:2:10: invalid UTF-8 (byte 0xC3)"),
        ]
        for (arguments, expected) in cases {
            let result = try await CapturedCommand.run(
                Self.slipway, arguments, environment: ["SLIPWAY_IMAGE_STORE": "\(root)/images"], timeout: .seconds(60))
            #expect(!result.succeeded, "\(arguments)")
            #expect(
                (result.standardOutput + result.standardError).contains(expected),
                "\(arguments): \(result.standardOutput)\(result.standardError)")
        }
    }
}
