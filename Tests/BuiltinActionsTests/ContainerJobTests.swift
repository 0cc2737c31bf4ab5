import BuiltinActions
import Core
import Foundation
import Images
import OCI
import Runner
import SlipwayTesting
import Testing
import Workflows

/// `container:` jobs run their steps inside the image's root filesystem under bubblewrap, and `services:` run as
/// sandboxed processes reachable by their names; an image that cannot be had fails the job with a clear message.
@Suite(.enabled(if: BusyboxRoot.executable != nil, "needs busybox-static and bubblewrap (scripts/setup installs them)"))
struct ContainerJobTests {
    actor Lines: RunReporter {
        var all: [String] = []
        func jobStarted(_ name: String) async {}
        func line(_ job: String, _ text: String) async { all.append(text) }
        func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {}
    }

    /// A port nobody listens on now: the service (which shares this machine's network) is told to serve there.
    static func freePort() throws -> Int {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw ImageError.unsupported("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test(.timeLimit(.minutes(3))) func stepsRunInTheImageAndServicesAnswerByName() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let store = try ImageStore(root: repo.path + "/.images")
        let base = try BusyboxRoot.make(at: repo.path + "/.base")
        try "marker from the image\n".write(toFile: base + "/etc/image-marker", atomically: false, encoding: .utf8)
        _ = try ImageImporter(store: store).importImage(
            from: base, tag: try ImageReference(parsing: "localhost/tools:1"), sourceDateEpoch: 0)
        let context = repo.path + "/.service"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try "FROM localhost/tools:1\nRUN mkdir /www && echo hello from the service > /www/index.html\nCMD httpd -f -p $PORT -h /www\n"
            .write(toFile: context + "/Dockerfile", atomically: false, encoding: .utf8)
        _ = try await ImageBuilder(store: store, log: { _ in }).build(
            BuildOptions(context: context, dockerfile: context + "/Dockerfile", tags: [try ImageReference(parsing: "localhost/web:1")]))
        let port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: repo.path + "/.shared", withIntermediateDirectories: true)
        try "from the host\n".write(toFile: repo.path + "/.shared/from-host", atomically: false, encoding: .utf8)
        let workflow = try WorkflowLoader.load(
            text: """
                on: push
                jobs:
                  inside:
                    runs-on: ubuntu-latest
                    container:
                      image: localhost/tools:1
                      env:
                        FROM_CONTAINER: set
                      options: --cpus 1
                      volumes:
                        - \(repo.path)/.shared:/shared:ro
                    services:
                      web:
                        image: localhost/web:1
                        env:
                          PORT: "\(port)"
                        ports:
                          - \(port)
                    steps:
                      - id: probe
                        run: |
                          cat /etc/image-marker
                          cat /shared/from-host
                          if touch /shared/written 2>/dev/null; then echo "read-only volume written"; exit 1; fi
                          echo "home=$HOME user=$(id -u) container-env=$FROM_CONTAINER"
                          echo written > in-workspace.txt
                          for i in $(seq 100); do wget -qO- http://web:${{ job.services.web.ports[\(port)] }}/ && break; sleep 0.1; done
                          echo "answer=$(wget -qO- http://web:\(port)/)" >> "$GITHUB_OUTPUT"
                  missing:
                    runs-on: ubuntu-latest
                    container: localhost/not-here:1
                    steps:
                      - run: echo never
                """, path: ".github/workflows/containers.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "b", count: 40))
        var options = RunOptions(repositoryRoot: repo.path, event: event, stateDirectory: repo.path + "/.slipway")
        options.workspaceMode = .shared
        options.containers = StoreContainerProvider(storeRoot: store.root)
        let lines = Lines()
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: lines).run()
        let output = await lines.all
        let inside = try #require(record.jobs.first { $0.jobID == "inside" })
        #expect(inside.result == .success, "\(output)")
        #expect(output.contains("  | marker from the image"), "the step ran in the image's root filesystem")
        #expect(output.contains("  | from the host"), "a host directory mounted read-only, as `volumes: [HOST:PATH:ro]` asks")
        #expect(output.contains("  | home=/github/home user=0 container-env=set"), "\(output)")
        #expect(inside.steps.first?.outputs["answer"] == "hello from the service", "the service answered by its name")
        #expect(output.contains { $0.hasPrefix("warning: container options '--cpus 1' are not honoured") })
        #expect(try String(contentsOfFile: repo.path + "/in-workspace.txt", encoding: .utf8) == "written\n", "the workspace is shared")
        let missing = try #require(record.jobs.first { $0.jobID == "missing" })
        #expect(missing.result == .failure && missing.steps.isEmpty)
        #expect(
            output.contains { $0.contains("container image localhost/not-here:1 could not be had") && $0.contains("--registry-mirror") })
        let leftover = (try? FileManager.default.contentsOfDirectory(atPath: repo.path + "/.slipway/containers")) ?? []
        #expect(leftover.isEmpty, "unpacked images are removed")
        let listening = try await CapturedCommand.run("sh", ["-c", "ss -ltn | grep -c ':\(port) ' || true"], timeout: .seconds(10))
        #expect(listening.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the service stopped with the job")
    }
}
