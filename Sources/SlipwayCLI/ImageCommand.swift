import ArgumentParser
import Foundation
import Images
import OCI
import OCIClient

/// `slipway image`: build, import, run, push, pull and inspect images without a daemon.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Build images from Dockerfiles without a daemon; push, pull and inspect them on any OCI registry.",
        discussion:
            "Images live in an OCI image layout ($SLIPWAY_IMAGE_STORE, default ~/.cache/slipway/images) that skopeo and umoci can read "
            + "as oci:<store>:<name>.",
        subcommands: [
            ImageBuildCommand.self, ImageImportCommand.self, ImageRunCommand.self, ImagePushCommand.self, ImagePullCommand.self,
            ImageInspectCommand.self, ImageTagsCommand.self, ImageListCommand.self, ImageMetaCommand.self,
        ]
    )
}

/// Options shared by the image commands.
struct ImageStoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: "The image store directory (an OCI layout).")
    var storePath: String?

    func open() throws -> ImageStore {
        do { return try ImageStore(root: storePath ?? ImageStore.defaultRoot) } catch { throw CommandFailure("\(error)") }
    }
}

/// Turns the Images module's errors into `Error: …` with exit status 1 (Dockerfile errors carry their position).
func imageFailure(_ error: any Error) -> any Error {
    if let error = error as? ImageError { return CommandFailure(error.description) }
    if let error = error as? DockerfileError { return CommandFailure(error.description) }
    return error
}

struct ImageBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an image from a Dockerfile (RUN under bubblewrap; layers cached by content).",
        discussion: """
            Every RUN, COPY and ADD becomes one layer, cached by its parent, the expanded instruction and the
            content of the files it reads (not their times). Metadata (ENV, LABEL, USER, EXPOSE, HEALTHCHECK, ...) is
            recomputed on every build. SOURCE_DATE_EPOCH (environment or --build-arg) makes the image reproducible.
            """
    )

    @Option(name: .shortAndLong, help: "The Dockerfile (default: CONTEXT/Dockerfile).")
    var file: String?

    @Option(name: .shortAndLong, help: "Name the image, e.g. registry.local:5000/team/app:sha-1a2b3c4d (repeatable).")
    var tag: [String] = []

    @Option(name: .customLong("build-arg"), help: "A build argument KEY=VALUE (repeatable).")
    var buildArg: [String] = []

    @Option(help: "Build up to this stage.")
    var target: String?

    @Flag(name: .customLong("no-cache"), help: "Build every layer again.")
    var noCache = false

    @Flag(help: "Push every tag after the build.")
    var push = false

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var storeOptions: ImageStoreOptions

    @Argument(help: "The build context directory.")
    var context: String = "."

    func run() async throws {
        let (arguments, unset) = BuildOptions.arguments(buildArg, environment: ProcessInfo.processInfo.environment)
        if let missing = unset.first { throw ValidationError("--build-arg \(missing): expected KEY=VALUE") }
        let tags: [ImageReference]
        do { tags = try tag.map { try ImageReference(parsing: $0) } } catch { throw ValidationError("\(error)") }
        let epoch = (arguments["SOURCE_DATE_EPOCH"] ?? ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"]).flatMap { Int64($0) }
        let contextPath = URL(fileURLWithPath: context).standardizedFileURL.path
        let options = BuildOptions(
            context: contextPath, dockerfile: file ?? "\(contextPath)/Dockerfile", tags: tags, buildArgs: arguments,
            target: target, noCache: noCache, sourceDateEpoch: epoch)
        try await registry.withClient(storeOptions) { store, client in
            let builder = ImageBuilder(
                store: store,
                fetchBase: { reference in
                    FileHandle.standardError.write(Data("pulling \(reference.familiar)\n".utf8))
                    _ = try await client.pull(reference, into: store)
                }, log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            let result = try await builder.build(options)
            FileHandle.standardError.write(
                Data("built \(result.manifest.digest) (\(result.cacheHits) cached, \(result.layersBuilt) built)\n".utf8))
            if push {
                for reference in tags {
                    let pushed = try await client.push(reference, from: store)
                    FileHandle.standardError.write(Data("pushed \(reference.familiar)@\(pushed)\n".utf8))
                }
            }
            print(result.manifest.digest)
        }
    }
}

struct ImageImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a one-layer base image from a root filesystem directory or a tar file."
    )

    @Option(name: .shortAndLong, help: "The name to give the image.")
    var tag: String

    @Option(help: "The image's default command, as a shell string (e.g. /bin/sh).")
    var cmd: String?

    @OptionGroup var storeOptions: ImageStoreOptions

    @Argument(help: "A directory or a .tar / .tar.gz file.")
    var source: String

    func run() async throws {
        let store = try storeOptions.open()
        do {
            let reference = try ImageReference(parsing: tag)
            var config = ImageConfig.ContainerConfig()
            if let cmd { config.cmd = ["/bin/sh", "-c", cmd] }
            let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }
            let descriptor = try ImageImporter(store: store).importImage(
                from: source, tag: reference, sourceDateEpoch: epoch, config: config)
            print(descriptor.digest)
        } catch {
            throw imageFailure(error)
        }
    }
}

struct ImageRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an image's entrypoint once under bubblewrap and print its output."
    )

    @OptionGroup var storeOptions: ImageStoreOptions

    @Argument(help: "The image.")
    var image: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments that replace the image's CMD.")
    var arguments: [String] = []

    func run() async throws {
        let store = try storeOptions.open()
        let status: Int32
        do {
            let reference = try ImageReference(parsing: image)
            status = try await ImageRunner(store: store).run(
                reference, arguments: arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
            ) { line in
                print(line)
            }
        } catch {
            throw imageFailure(error)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

struct ImageListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the images in the store.")

    @OptionGroup var storeOptions: ImageStoreOptions

    func run() async throws {
        let store = try storeOptions.open()
        do {
            for (name, descriptor) in try store.references() { print("\(name)\t\(descriptor.digest)\t\(descriptor.size)") }
        } catch {
            throw imageFailure(error)
        }
    }
}
