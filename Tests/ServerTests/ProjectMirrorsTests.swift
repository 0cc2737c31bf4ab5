import Core
import Foundation
import SlipwayTesting
import Store
import Testing

@testable import Server

/// An event's working tree: the commit, the mirror's branches as origin/…, its tags (annotated ones peeled by git), and
/// the project's repository as origin — what `git clone --shared` gives, made without cloning.
@Suite struct ProjectMirrorsTests {
    @Test func aCheckoutHasTheCommitTheBranchesTheTagsAndTheOrigin() async throws {
        let repository = try TemporaryRepository.make()
        defer { repository.remove() }
        try repository.write("a.txt", "one\n")
        try repository.commitAll("one")
        try repository.git(["tag", "-a", "v1", "-m", "first release"])
        try repository.git(["checkout", "-q", "-b", "feature/x"])
        try repository.write("a.txt", "two\n")
        try repository.commitAll("two")
        try repository.git(["tag", "light"])
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-mirrors-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let mirrors = ProjectMirrors(root: root + "/mirrors")
        var project = ProjectRow(name: "app", repository: repository.path, defaultBranch: "main", webhookSecret: nil, createdAt: 0)
        project.id = 7
        try await mirrors.refresh(project)
        let tree = Git(directory: root + "/work")
        let feature = try await Git(directory: repository.path).run(["rev-parse", "feature/x"])
        try await mirrors.checkout(project, sha: feature, at: root + "/work")
        #expect(try await tree.run(["rev-parse", "HEAD"]) == feature)
        #expect(try String(contentsOfFile: root + "/work/a.txt", encoding: .utf8) == "two\n")
        #expect(try await tree.run(["status", "--porcelain"]).isEmpty, "a clean working tree")
        #expect(try await tree.run(["remote", "get-url", "origin"]) == repository.path)
        let branches = try await tree.run(["branch", "-r", "--format=%(refname:short)"]).split(separator: "\n")
        #expect(Set(branches) == ["origin/main", "origin/feature/x"])
        #expect(try await tree.run(["describe", "--tags", "--abbrev=0", "HEAD~1"]) == "v1")
        #expect(try await tree.run(["rev-parse", "light^{commit}"]) == feature)
        #expect(try await tree.run(["log", "--format=%s", "origin/main..HEAD"]) == "two")
    }
}
