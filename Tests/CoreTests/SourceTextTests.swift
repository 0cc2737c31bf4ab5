import Core
import Foundation
import Testing

/// What is not text is refused at the line and column of its first offending byte.
@Suite struct SourceTextTests {
    @Test(arguments: [
        (Data("a: 1\nb: \u{FF}".utf8) + [0xFF], true, "f.yaml:2:5: invalid UTF-8 (byte 0xFF)"),
        (Data("a: 1\nb: x".utf8) + [0xFF, 0x41], false, "f.yaml:2:5: invalid UTF-8 (byte 0xFF); expected UTF-8 text"),
        (Data("é: \"".utf8) + [0xC3, 0x28], false, "f.yaml:1:5: invalid UTF-8 (byte 0xC3)"),
        (Data("k: a\u{01}b".utf8), true, "f.yaml:1:5: control character U+0001 is not allowed in YAML"),
        (Data("k:\n  - x\u{7F}".utf8), true, "f.yaml:2:6: control character U+007F"),
        (Data("k: \u{9F}".utf8), true, "f.yaml:1:4: control character U+009F"),
        (Data("k: \u{FFFE}".utf8), true, "f.yaml:1:4: control character U+FFFE"),
    ])
    func refusedWithAPosition(_ data: Data, _ yaml: Bool, _ expected: String) {
        #expect(throws: SourceText.Problem.self) {
            _ = try SourceText.decode(data, file: "f.yaml", yaml: yaml)
        }
        do {
            _ = try SourceText.decode(data, file: "f.yaml", yaml: yaml)
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test(arguments: ["\u{FEFF}a: 1\n", "a:\t1\r\n", "a: \u{85}\u{A0}é😀\n", "a: \u{1}"])
    func textIsAccepted(_ text: String) throws {
        // Control characters are fine outside YAML (an env file, a Dockerfile).
        let yaml = !text.contains("\u{1}")
        #expect(try SourceText.decode(Data(text.utf8), file: "f", yaml: yaml) == text)
    }
}
