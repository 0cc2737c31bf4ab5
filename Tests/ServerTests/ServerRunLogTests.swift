import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

@testable import Server

/// A delivery runs every workflow its event starts, and those their `workflow_run` starts (seed 000's CI then CD): the
/// live log of one run has that run's lines only, while the delivery's has them all.
@Suite struct ServerRunLogTests {
    @Test(.timeLimit(.minutes(3))) func aRunsLiveLogHasItsOwnJobsWhenItsDeliveryRanAnotherWorkflow() async throws {
        let (data, repository, sha) = try ServerEndToEndTests.setUp(
            workflow: """
                name: CI
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "line of CI"
                  test:
                    strategy:
                      matrix:
                        os: [linux, mac]
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "line of CI's matrix on ${{ matrix.os }}"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        try repository.write(
            ".github/workflows/cd.yml",
            """
            name: CD
            on:
              workflow_run:
                workflows: [CI]
                types: [completed]
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "line of CD"

            """)
        try repository.commitAll("cd")
        let head = try repository.head()
        #expect(head != sha)
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        _ = try await server.push(repository: repository.path, sha: head, delivery: "chain-1", secret: ServerEndToEndTests.secret)
        let runs = try await server.until("both runs to finish", "/api/v1/runs?project=\(project)") { answer in
            let listed = answer.array ?? []
            return listed.count == 2 && listed.allSatisfy { ($0["conclusion"] as? String).map { !$0.isEmpty } ?? false }
        }
        let byName = Dictionary(
            uniqueKeysWithValues: (runs.array ?? []).map { ($0["workflow_name"] as? String ?? "", $0["id"] as? Int ?? 0) })
        func lines(_ path: String) async throws -> [String] {
            let read = try await EventStreamClient.read(server.url + path, token: server.adminToken) { $0.name == "done" }
            return read.events.filter { $0.name == "log" }.map(\.data)
        }
        let ci = try await lines("/api/v1/runs/\(byName["CI"] ?? 0)/logs")
        #expect(ci.contains { $0.contains("line of CI\"") } && ci.contains { $0.contains("matrix on mac") }, "\(ci)")
        #expect(!ci.contains { $0.contains("line of CD") }, "\(ci)")
        let cd = try await lines("/api/v1/runs/\(byName["CD"] ?? 0)/logs")
        #expect(cd.contains { $0.contains("line of CD") } && !cd.contains { $0.contains("line of CI") }, "\(cd)")
        let delivery = try await server.request(.GET, "/api/v1/deliveries?project=\(project)")
        let deliveryId = delivery.array?.first?["id"] as? Int ?? 0
        let all = try await lines("/api/v1/deliveries/\(deliveryId)/logs")
        #expect(all.contains { $0.contains("line of CD") } && all.contains { $0.contains("line of CI") }, "\(all)")
        // A stream followed for hours keeps only its last event.
        let last = try await EventStreamClient.read(
            server.url + "/api/v1/deliveries/\(deliveryId)/logs", token: server.adminToken, keepingAll: false
        ) { $0.name == "done" }
        #expect(last.events.map(\.name) == ["done"], "\(last.events)")
    }
}
