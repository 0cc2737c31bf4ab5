import BuiltinActions
import Foundation
import GitLabCI
import Images
import OCI
import SlipwayTesting
import Testing

/// `image:` runs a job in the image's root filesystem under bubblewrap when Slipway's store has the image, and on the
/// host otherwise, saying which in the job's log.
@Suite(.enabled(if: BusyboxRoot.executable != nil, "needs busybox-static and bubblewrap (scripts/setup installs them)"))
struct JobImageTests {
    @Test(.timeLimit(.minutes(2))) func jobsRunInTheirImageWhenSlipwayHasIt() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let storeRoot = repo.path + "/.images"
        let store = try ImageStore(root: storeRoot)
        let base = try BusyboxRoot.make(at: repo.path + "/.base")
        try "marker from the image\n".write(toFile: base + "/etc/image-marker", atomically: false, encoding: .utf8)
        _ = try ImageImporter(store: store).importImage(
            from: base, tag: try ImageReference(parsing: "localhost/tools:1"), sourceDateEpoch: 0)
        try repo.write(
            ".gitlab-ci.yml",
            """
            inside:
              image: localhost/tools:$TOOLS_TAG
              variables: {TOOLS_TAG: "1"}
              script:
                - cat /etc/image-marker
                - test -f "$CI_PROJECT_DIR/.gitlab-ci.yml"
                - echo built > "$CI_PROJECT_DIR/out.txt"
              artifacts:
                paths: [out.txt]
              after_script:
                - echo "after in $(cat /etc/image-marker)"
            host:
              image: docker.io/library/alpine:3.20
              script:
                - test ! -f /etc/image-marker
            later:
              stage: deploy
              image:
                name: localhost/tools:1
              script:
                - cat out.txt
            """)
        try repo.commitAll("pipeline")
        let config = try await GitLabConfigLoader(repositoryRoot: repo.path).load()
        let context = await PipelineContext.fromRepository(root: repo.path, source: "push", ref: nil, before: nil, variables: [])
        var options = PipelineRunOptions(repositoryRoot: repo.path)
        options.containers = StoreContainerProvider(storeRoot: storeRoot)
        let result = await PipelineRunner(
            config: config, plan: try PipelinePlanner(config: config, context: context).plan(), context: context, options: options
        ).run()
        let byName = Dictionary(uniqueKeysWithValues: result.jobs.map { ($0.name, $0) })
        #expect(result.status == .success, "\(result.jobs.map { ($0.name, $0.log) })")
        let inside = try #require(byName["inside"]?.log)
        #expect(inside.contains("Executor: bubblewrap in the root filesystem of image localhost/tools:1"))
        #expect(inside.contains("marker from the image"))
        #expect(inside.contains("after in marker from the image"))
        #expect(byName["host"]?.log.contains { $0.hasPrefix("Image docker.io/library/alpine:3.20 is not used:") } == true)
        #expect(byName["later"]?.log.contains("built") == true)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: repo.path + "/.slipway/gitlab/containers")) ?? []
        #expect(leftovers.isEmpty, "each job's copy of the image is removed")
    }
}
