import Testing

@testable import Core

/// Path arithmetic without Foundation's `NSString` methods, which trap on one-character components.
@Suite struct FilePathTextTests {
    @Test(arguments: [
        ("a/b", "a"), ("/a", "/"), ("/x", "/"), ("x", ""), ("a/x", "a"), ("/", "/"), ("", ""), ("a/b/", "a"), ("a//b", "a"),
        ("/usr/local/bin", "/usr/local"), ("//", "/"), ("x/", ""), ("/a/b/c/", "/a/b"),
    ])
    func parent(_ path: String, _ expected: String) {
        #expect(FilePathText.parent(of: path) == expected, "parent of '\(path)'")
    }

    @Test(arguments: [("a/b", "b"), ("/x", "x"), ("x", "x"), ("a/b/", "b"), ("/", "/"), ("", ""), ("/usr/bin/env", "env")])
    func lastComponent(_ path: String, _ expected: String) {
        #expect(FilePathText.lastComponent(of: path) == expected, "last component of '\(path)'")
    }
}
