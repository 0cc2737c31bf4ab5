import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Store
import Testing

@testable import Server

/// A workflow the server runs checks out other repositories by `owner/name`, as seed 000's CD checks out
/// `my-org/gitops-config`: from the server's `--repo-map`, or from a project whose repository ends with that name.
@Suite struct ServerCheckoutTests {
    @Test(.timeLimit(.minutes(3))) func aRunChecksOutMappedRepositoriesAndOtherProjectsAndPushesToThem() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "slipway-server-checkout-\(UUID().uuidString.prefix(8))"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The GitOps repository, bare as a Git server holds it, named only by the server's --repo-map.
        let source = try TemporaryRepository.make()
        defer { source.remove() }
        try source.write("overlays/qa/tag.txt", "old\n")
        try source.commitAll("gitops")
        try FileManager.default.createDirectory(atPath: scratch + "/team", withIntermediateDirectories: true)
        let gitops = scratch + "/gitops-config.git"
        try source.git(["clone", "-q", "--bare", source.path, gitops])
        // Another project's repository, found by the owner/name its path ends with.
        let library = try TemporaryRepository.make()
        defer { library.remove() }
        try library.write("VERSION", "library 1.4\n")
        try library.commitAll("library")
        try library.git(["clone", "-q", "--bare", library.path, scratch + "/team/library.git"])

        let (data, repository, sha) = try ServerEndToEndTests.setUp(
            workflow: """
                on: push
                jobs:
                  deploy:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                        with:
                          repository: my-org/gitops-config
                          path: gitops
                      - working-directory: gitops
                        run: |
                          echo "${{ github.sha }}" > overlays/qa/tag.txt
                          git -c user.name=ci -c user.email=ci@example.com commit -qam "deploy ${{ github.sha }}"
                          git push -q
                      - uses: actions/checkout@v4
                        with:
                          repository: team/library
                          path: library
                      - run: echo "uses $(cat library/VERSION)"
                      - id: missing
                        continue-on-error: true
                        uses: actions/checkout@v4
                        with:
                          repository: nobody/missing
                          path: missing
                      - run: echo "missing checkout ${{ steps.missing.outcome }}"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data, arguments: ["--repo-map", "my-org/gitops-config=\(gitops)"])
        defer { server.process.kill9() }
        let added = try await server.request(
            .POST, "/api/v1/projects", body: #"{"name":"library","repository":"\#(scratch)/team/library.git"}"#)
        #expect(added.status == 201, "\(added.body)")
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        _ = try await server.push(repository: repository.path, sha: sha, delivery: "checkout-1", secret: ServerEndToEndTests.secret)
        let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["conclusion"] as? String).map { $0 != "" } ?? false
        }
        let run = runs.array?.first
        let logs = try await server.request(.GET, "/api/v1/runs/\(run?["id"] as? Int ?? 0)/logs")
        #expect(run?["conclusion"] as? String == "success", "\(runs.body)\n\(logs.body)")
        #expect(logs.body.contains("uses library 1.4"), "\(logs.body)")
        #expect(logs.body.contains("no repository is known by that name"), "\(logs.body)")
        #expect(logs.body.contains("missing checkout failure"), "\(logs.body)")
        // The push from the job reached the mapped repository.
        let pushed = try await Git(directory: gitops).run(["show", "main:overlays/qa/tag.txt"])
        #expect(pushed == sha, "\(pushed)")
    }

    @Test func projectsAreFoundByTheOwnerAndNameTheirRepositoryEndsWith() {
        func project(_ repository: String) -> ProjectRow {
            ProjectRow(name: "p", repository: repository, defaultBranch: "main", webhookSecret: nil, createdAt: 0)
        }
        let cases: [(repositories: [String], expected: [String: String])] = [
            (["/srv/git/team/app.git"], ["team/app": "/srv/git/team/app.git"]),
            (["/srv/git/team/app/"], ["team/app": "/srv/git/team/app/"]),
            (["https://github.com/my-org/gitops-config.git"], ["my-org/gitops-config": "https://github.com/my-org/gitops-config.git"]),
            (["git@github.com:my-org/app.git"], ["my-org/app": "git@github.com:my-org/app.git"]),
            (["app"], [:]),
            // Two projects ending with one name: neither is chosen.
            (["/a/team/app.git", "/b/team/app"], [:]),
            (["/a/team/app.git", "/b/team/web"], ["team/app": "/a/team/app.git", "team/web": "/b/team/web"]),
        ]
        for (repositories, expected) in cases {
            #expect(EventWorker.repositories(of: repositories.map(project)) == expected, "\(repositories)")
        }
    }
}
