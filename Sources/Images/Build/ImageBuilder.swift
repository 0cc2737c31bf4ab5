import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// Builds Dockerfiles without a daemon: `RUN` executes in the stage's root filesystem under bubblewrap, every
/// filesystem-changing instruction becomes one gzip layer, and layers are cached by a key made of the parent key,
/// the expanded instruction and the content of what it reads (never file times). Metadata is recomputed on
/// every build.
public final class ImageBuilder {
    let store: ImageStore
    let cache: BuildCache
    /// Makes `reference` available in the store (pulling it), or throws.
    let fetchBase: @Sendable (ImageReference) async throws -> Void
    let log: @Sendable (String) -> Void
    let sandbox: Sandbox

    public init(
        store: ImageStore,
        fetchBase: @escaping @Sendable (ImageReference) async throws -> Void = {
            throw ImageError.notFound("image \($0.familiar) in the local store")
        },
        log: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        cache = BuildCache(store: store)
        self.fetchBase = fetchBase
        self.log = log
        sandbox = Sandbox()
    }

    struct StageState {
        var config: ImageConfig
        var manifestLayers: [Descriptor]
        var key: Digest
        var rootfs: String?
        var appliedLayers = 0
        var args: [String: String] = [:]
        var shell = ["/bin/sh", "-c"]
        var lastCreated: String
    }

    final class Session {
        var stages: [Int: StageState] = [:]
        var scratch: String
        var hits = 0
        var built = 0
        init(scratch: String) { self.scratch = scratch }
    }

    public func build(_ options: BuildOptions) async throws -> BuildResult {
        let text: String
        guard let data = FileManager.default.contents(atPath: options.dockerfile) else {
            let reason = access(options.dockerfile, F_OK) == 0 ? "permission denied or not a file" : "no such file"
            throw ImageError.io(options.dockerfile, "cannot read the Dockerfile (\(reason))")
        }
        do { text = try SourceText.decode(data, file: options.dockerfile) } catch {
            throw DockerfileError(
                path: options.dockerfile, line: error.location.line, column: error.location.column, message: error.message)
        }
        let dockerfile = try DockerfileParser.parse(text, path: options.dockerfile)
        var globalArgs: [String: String] = [:]
        for instruction in dockerfile.globalArgs {
            for (name, value) in try argDeclarations(instruction, path: dockerfile.path) {
                globalArgs[name] = options.buildArgs[name] ?? value.map { Substitution.expand($0, environment: globalArgs) }
            }
        }
        let targetStage: Dockerfile.Stage
        if let target = options.target {
            guard let stage = dockerfile.stage(named: target) else {
                throw DockerfileError(path: dockerfile.path, line: 1, message: "target stage '\(target)' could not be found")
            }
            targetStage = stage
        } else if let last = dockerfile.stages.last {
            targetStage = last
        } else {
            throw DockerfileError(path: dockerfile.path, line: 1, message: "the Dockerfile has no FROM instruction")
        }
        let session = Session(scratch: store.temporaryPath())
        defer { try? FileManager.default.removeItem(atPath: session.scratch) }
        let context = BuildContext(root: options.context)
        try await buildStage(
            targetStage.index, dockerfile: dockerfile, globalArgs: globalArgs, options: options, context: context, session: session)
        guard var state = session.stages[targetStage.index] else {
            throw ImageError.unsupported("stage \(targetStage.index) was not built")
        }
        state.config.created = state.lastCreated
        if !options.labels.isEmpty {
            state.config.config.labels = (state.config.config.labels ?? [:]).merging(options.labels) { $1 }
        }
        let configData = try CanonicalJSON.encode(state.config)
        let configDescriptor = try store.writeBlob(configData, mediaType: MediaType.ociConfig)
        let manifest = ImageManifest(
            config: configDescriptor, layers: state.manifestLayers, annotations: options.annotations.isEmpty ? nil : options.annotations)
        let manifestData = try CanonicalJSON.encode(manifest)
        let manifestDescriptor = try store.writeBlob(manifestData, mediaType: MediaType.ociManifest)
        for tag in options.tags { try store.tag(tag, manifestDescriptor) }
        return BuildResult(
            manifest: manifestDescriptor, imageID: configDescriptor.digest, cacheHits: session.hits, layersBuilt: session.built)
    }

    // MARK: Stages

    func buildStage(
        _ index: Int, dockerfile: Dockerfile, globalArgs: [String: String], options: BuildOptions, context: BuildContext, session: Session
    ) async throws {
        if session.stages[index] != nil { return }
        let stage = dockerfile.stages[index]
        let path = dockerfile.path
        let baseName = Substitution.expand(stage.base, environment: globalArgs)
        var state: StageState
        let now = ImageBuilder.creationTime(options.sourceDateEpoch)
        if baseName.lowercased() == "scratch" {
            let platform = Platform.current
            state = StageState(
                config: ImageConfig(architecture: platform.architecture, os: platform.os, variant: platform.variant, history: []),
                manifestLayers: [], key: Digest.sha256(of: Data("scratch".utf8)), lastCreated: now)
        } else if let earlier = dockerfile.stages.prefix(index).last(where: { $0.name?.lowercased() == baseName.lowercased() }) {
            try await buildStage(
                earlier.index, dockerfile: dockerfile, globalArgs: globalArgs, options: options, context: context, session: session)
            guard let built = session.stages[earlier.index] else { throw ImageError.unsupported("stage \(earlier.index) was not built") }
            state = built
            state.rootfs = nil
            state.appliedLayers = 0
            state.args = [:]
        } else {
            let reference: ImageReference
            do { reference = try ImageReference(parsing: baseName) } catch {
                throw DockerfileError(path: path, line: stage.line, message: "\(error)")
            }
            state = try await baseState(reference, line: stage.line, path: path)
        }
        log("[stage \(stage.name ?? String(index))] FROM \(baseName)")
        let epoch = options.sourceDateEpoch
        for instruction in stage.instructions {
            let env = environment(state)
            // Whatever goes wrong names the instruction's line (a missing user, a file the layer cannot hold, ...).
            do {
                switch instruction.keyword {
                case "ARG":
                    for (name, value) in try argDeclarations(instruction, path: path) {
                        state.args[name] =
                            options.buildArgs[name] ?? globalArgs[name].flatMap { value == nil ? $0 : nil }
                            ?? value.map { Substitution.expand($0, environment: env) } ?? ImageBuilder.predefined(name)
                    }
                    addEmptyHistory(&state, instruction)
                case "ENV":
                    for (key, value) in try pairs(instruction, environment: env, path: path) {
                        state.config.config.setEnvironment(key, value)
                    }
                    addEmptyHistory(&state, instruction)
                case "LABEL":
                    var labels = state.config.config.labels ?? [:]
                    for (key, value) in try pairs(instruction, environment: env, path: path) { labels[key] = value }
                    state.config.config.labels = labels
                    addEmptyHistory(&state, instruction)
                case "MAINTAINER":
                    state.config.author = instruction.arguments
                    addEmptyHistory(&state, instruction)
                case "WORKDIR":
                    let directory = Substitution.expand(instruction.arguments, environment: env)
                    let workdir = ImageBuilder.absolute(directory, relativeTo: state.config.config.workingDir ?? "/")
                    state.config.config.workingDir = workdir
                    // Docker creates the working directory even when nothing later uses it, owned by the current USER.
                    let user = state.config.config.user ?? ""
                    if try await !makeDirectories(
                        [workdir], owner: user, instruction: instruction, state: &state, session: session, options: options)
                    {
                        addEmptyHistory(&state, instruction)
                    }
                case "USER":
                    state.config.config.user = Substitution.expand(instruction.arguments, environment: env)
                    addEmptyHistory(&state, instruction)
                case "EXPOSE":
                    var ports = state.config.config.exposedPorts ?? [:]
                    for word in Substitution.words(instruction.arguments, environment: env) {
                        ports[word.contains("/") ? word.lowercased() : "\(word)/tcp"] = EmptyObject()
                    }
                    state.config.config.exposedPorts = ports
                    addEmptyHistory(&state, instruction)
                case "VOLUME":
                    var volumes = state.config.config.volumes ?? [:]
                    for word in instruction.json ?? Substitution.words(instruction.arguments, environment: env) {
                        volumes[word] = EmptyObject()
                    }
                    state.config.config.volumes = volumes
                    addEmptyHistory(&state, instruction)
                case "STOPSIGNAL":
                    state.config.config.stopSignal = Substitution.expand(instruction.arguments, environment: env)
                    addEmptyHistory(&state, instruction)
                case "SHELL":
                    guard let json = instruction.json, !json.isEmpty else {
                        throw DockerfileError(
                            path: path, line: instruction.line, message: "SHELL requires the arguments to be in JSON form")
                    }
                    state.shell = json
                    state.config.config.shell = json
                    addEmptyHistory(&state, instruction)
                case "CMD":
                    state.config.config.cmd = instruction.json ?? state.shell + [instruction.arguments]
                    addEmptyHistory(&state, instruction)
                case "ENTRYPOINT":
                    state.config.config.entrypoint = instruction.json ?? state.shell + [instruction.arguments]
                    // Setting ENTRYPOINT resets a CMD inherited from the base.
                    if !stage.instructions.contains(where: { $0.keyword == "CMD" && $0.line < instruction.line }) {
                        state.config.config.cmd = nil
                    }
                    addEmptyHistory(&state, instruction)
                case "HEALTHCHECK":
                    state.config.config.healthcheck = try healthcheck(instruction, shell: state.shell, path: path)
                    addEmptyHistory(&state, instruction)
                case "ONBUILD":
                    state.config.config.onBuild = (state.config.config.onBuild ?? []) + [instruction.arguments]
                    addEmptyHistory(&state, instruction)
                case "RUN":
                    try await run(instruction, state: &state, session: session, path: path, epoch: epoch, noCache: options.noCache)
                case "COPY", "ADD":
                    try await copy(
                        instruction, state: &state, stageIndex: index, dockerfile: dockerfile, globalArgs: globalArgs, options: options,
                        context: context, session: session)
                default:
                    throw DockerfileError(path: path, line: instruction.line, message: "unsupported instruction \(instruction.keyword)")
                }
            } catch let error as DockerfileError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                throw DockerfileError(path: path, line: instruction.line, message: "\(instruction.keyword): \(error)")
            }
        }
        session.stages[index] = state
    }

    func baseState(_ reference: ImageReference, line: Int, path: String) async throws -> StageState {
        if try store.resolve(reference) == nil {
            do { try await fetchBase(reference) } catch {
                throw DockerfileError(path: path, line: line, message: "base image \(reference.familiar): \(error)")
            }
        }
        guard let image = try store.image(reference) else {
            throw DockerfileError(path: path, line: line, message: "base image \(reference.familiar) not found")
        }
        let config = image.config
        var state = StageState(
            config: config, manifestLayers: image.manifest.layers, key: image.descriptor.digest,
            lastCreated: config.created ?? ImageBuilder.timestamp(0))
        if state.config.history == nil { state.config.history = [] }
        if let shell = config.config.shell, !shell.isEmpty { state.shell = shell }
        return state
    }

    /// What a RUN executes. With here-documents: a RUN that is only `<<EOF` runs the document as a shell script;
    /// otherwise the shell gets the line with its documents, as it would read them from a script (`cat <<EOF > f`).
    /// MAX_ARG_STRLEN: the longest single argument (terminating NUL included) `execve` accepts.
    static let maximumArgumentLength = 32 * 4096

    static func runCommand(_ instruction: Instruction, shell: [String], path: String) throws(DockerfileError) -> [String] {
        if let json = instruction.json { return json }
        guard !instruction.heredocs.isEmpty else { return shell + [instruction.arguments] }
        if instruction.heredocs.count == 1, instruction.arguments.trimmingCharacters(in: .whitespaces) == instruction.heredocs[0].marker {
            let body = instruction.heredocs[0].body
            if body.hasPrefix("#!") {
                throw DockerfileError(
                    path: path, line: instruction.line,
                    message: "RUN \(instruction.heredocs[0].marker) with a #! line is not supported by Slipway's builder; name the "
                        + "interpreter on the RUN line instead (RUN python3 \(instruction.heredocs[0].marker))")
            }
            return shell + [body]
        }
        var script = instruction.arguments + "\n"
        for document in instruction.heredocs {
            script += document.body + document.word + "\n"
        }
        return shell + [script]
    }

    // MARK: Ownership around RUN

    /// As root: gives the files `user` owns to root for the time of a RUN (the sandbox shows root's files as the
    /// user's); answers each one's owner and mode. Not root: nothing can be lent.
    static func lendFiles(of user: (uid: Int, gid: Int), in rootfs: String, tree: FileTree) -> [String: FileTree.Node] {
        guard getuid() == 0 else { return [:] }
        var lent: [String: FileTree.Node] = [:]
        for (path, node) in tree.nodes where Int(node.uid) == user.uid || Int(node.gid) == user.gid {
            if lchown("\(rootfs)/\(path)", 0, 0) == 0 { lent[path] = node }
        }
        return lent
    }

    /// Hands lent files back (their owners and the mode bits a chown clears), and as root gives the files the command
    /// created (ours on disk) to `creator`.
    static func returnFiles(_ lent: [String: FileTree.Node], in rootfs: String, creator: (uid: Int, gid: Int)?, before: FileTree) {
        for (path, node) in lent {
            let full = "\(rootfs)/\(path)"
            guard let now = FileTree.stat(of: full) else { continue }
            _ = lchown(full, node.uid, node.gid)
            if now.mode & S_IFMT != S_IFLNK { _ = chmod(full, mode_t(now.mode & 0o7777)) }
        }
        guard let creator, getuid() == 0 else { return }
        for (path, node) in FileTree.scan(rootfs, skip: ["proc", "dev"]).nodes where before.nodes[path] == nil && node.uid == 0 {
            let full = "\(rootfs)/\(path)"
            _ = lchown(full, uid_t(creator.uid), gid_t(creator.gid))
            if node.mode & S_IFMT != S_IFLNK { _ = chmod(full, mode_t(node.mode & 0o7777)) }
        }
    }

    // MARK: Directories

    /// Creates the directories of `paths` that the stage lacks (0755, owned by `owner` as a USER value) in a layer of
    /// their own; answers false, adding no layer, when all of them exist.
    func makeDirectories(
        _ paths: [String], owner: String, instruction: Instruction, state: inout StageState, session: Session, options: BuildOptions
    ) async throws -> Bool {
        let key = chainKey(state.key, "MKDIR", paths + [owner])
        if reuseCachedLayer(key, noCache: options.noCache, state: &state, session: session, note: nil) { return true }
        let rootfs = try materialize(&state, session: session)
        var missing: [String] = []
        for path in paths {
            var current = ""
            for component in path.split(separator: "/") {
                current += "/" + component
                if FileTree.stat(of: rootfs + current) == nil, !missing.contains(current) { missing.append(current) }
            }
        }
        guard !missing.isEmpty else { return false }
        let identity = try ImageBuilder.resolveUser(owner, rootfs: rootfs)
        let writer = try LayerWriter(store: store, clampTime: options.sourceDateEpoch)
        do {
            for directory in missing {
                try writer.addEntry(
                    TarEntry(
                        path: String(directory.dropFirst()), kind: .directory, mode: 0o755, uid: identity?.uid ?? 0,
                        gid: identity?.gid ?? 0,
                        modificationTime: options.sourceDateEpoch ?? Int64(Date().timeIntervalSince1970)))
            }
            try commitLayer(
                writer, key: key, createdBy: instruction.original, epoch: options.sourceDateEpoch, state: &state, session: session)
            state.appliedLayers = state.manifestLayers.count - 1
        } catch {
            writer.abandon()
            throw error
        }
        return true
    }

    // MARK: RUN

    func run(_ instruction: Instruction, state: inout StageState, session: Session, path: String, epoch: Int64?, noCache: Bool) async throws
    {
        let command = try ImageBuilder.runCommand(instruction, shell: state.shell, path: path)
        // Linux refuses to exec an argument longer than MAX_ARG_STRLEN ("Argument list too long"): say so at the line.
        if let longest = command.map(\.utf8.count).max(), longest >= Self.maximumArgumentLength {
            throw DockerfileError(
                path: path, line: instruction.line,
                message: "RUN: the command is \(longest) bytes, but Linux passes at most \(Self.maximumArgumentLength - 1) bytes in one "
                    + "argument; put the script in a file (COPY it, then RUN it)")
        }
        var environment = state.config.config.env ?? []
        let argEnvironment = state.args.filter { key, _ in state.config.config.environment(key) == nil }.sorted { $0.key < $1.key }
        for (key, value) in argEnvironment { environment.append("\(key)=\(value)") }
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.append("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        let workdir = state.config.config.workingDir ?? "/"
        let user = state.config.config.user ?? ""
        let createdBy =
            (argEnvironment.isEmpty
                ? "" : "|\(argEnvironment.count) " + argEnvironment.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + " ")
            + (instruction.json.map { "RUN \($0)" } ?? command.joined(separator: " "))
        let key = chainKey(
            state.key, "RUN",
            [
                command.joined(separator: "\u{0}"), environment.joined(separator: "\u{0}"), workdir, user,
                instruction.flags.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: " "),
            ])
        if reuseCachedLayer(key, noCache: noCache, state: &state, session: session, note: "RUN \(instruction.arguments)") { return }
        log("  ▶ RUN \(instruction.arguments.prefix(120))")
        // RUN has no network and no mounts here: a cache mount only costs time, the others may fail the command.
        for flag in instruction.flags where !(flag.name == "network" && flag.value == "none") {
            log("  warning: RUN --\(flag.name)\(flag.value.map { "=\($0)" } ?? "") is not honoured: RUN runs offline with no extra mounts")
        }
        let rootfs = try materialize(&state, session: session)
        let absoluteWorkdir = rootfs + workdir
        try? FileManager.default.createDirectory(atPath: absoluteWorkdir, withIntermediateDirectories: true)
        let mountPoints = ["proc", "dev"].filter { !FileManager.default.fileExists(atPath: "\(rootfs)/\($0)") }
        let before = FileTree.scan(rootfs, skip: ["proc", "dev"])
        let identity = try ImageBuilder.resolveUser(user, rootfs: rootfs)
        // Under a non-root USER the sandbox maps that user (and group) to our own ids, so their files must be ours on
        // disk while it runs, or the user could not write to what it owns; as root we hand them back afterwards.
        let creator = identity.flatMap { $0.uid == 0 ? nil : $0 }
        let lent = creator.map { ImageBuilder.lendFiles(of: $0, in: rootfs, tree: before) } ?? [:]
        let status: Int32
        do {
            status = try await sandbox.run(
                rootfs: rootfs, command: command, environment: environment, workingDirectory: workdir, user: identity
            ) { [log] line in
                log("    | \(line)")
            }
        } catch {
            ImageBuilder.returnFiles(lent, in: rootfs, creator: nil, before: before)
            throw error
        }
        for point in mountPoints { rmdir("\(rootfs)/\(point)") }
        ImageBuilder.returnFiles(lent, in: rootfs, creator: creator, before: before)
        guard status == 0 else {
            throw DockerfileError(
                path: path, line: instruction.line, message: "RUN \(instruction.arguments.prefix(200)) failed with exit code \(status)")
        }
        let after = FileTree.scan(rootfs, skip: ["proc", "dev"])
        var (changed, removed) = before.changes(to: after)
        // Files only lent and given back differ in their change time alone.
        changed.removeAll { path in
            guard lent[path] != nil, var old = before.nodes[path], let new = after.nodes[path] else { return false }
            old.changed = new.changed
            return old == new
        }
        let writer = try LayerWriter(store: store, clampTime: epoch)
        do {
            for path in removed { try writer.addWhiteout(path) }
            // Files the command created are ours on disk unless we could give them to the user (as root); the layer
            // records them as the user's, as Docker would.
            let ownUID = getuid()
            for path in changed {
                if let creator, before.nodes[path] == nil, after.nodes[path]?.uid == ownUID {
                    try writer.addFromDisk(root: rootfs, path: path, uid: creator.uid, gid: creator.gid)
                } else {
                    try writer.addFromDisk(root: rootfs, path: path)
                }
            }
            try commitLayer(writer, key: key, createdBy: createdBy, epoch: epoch, state: &state, session: session)
            // The stage's files already are what the new layer describes.
            state.appliedLayers = state.manifestLayers.count
        } catch {
            writer.abandon()
            throw error
        }
    }

    // MARK: COPY / ADD

    /// Where a COPY or ADD reads its files from.
    enum CopyOrigin {
        case context
        /// An earlier stage; its key fixes its content, so its files are materialised only when a layer is built.
        case stage(index: Int, key: Digest)
        case image(ImageReference, digest: Digest)

        var isContext: Bool { if case .context = self { true } else { false } }

        var identity: String {
            switch self {
            case .context: "context"
            case .stage(_, let key): "stage:\(key)"
            case .image(_, let digest): "image:\(digest)"
            }
        }
    }

    func copy(
        _ instruction: Instruction, state: inout StageState, stageIndex: Int, dockerfile: Dockerfile, globalArgs: [String: String],
        options: BuildOptions, context: BuildContext, session: Session
    ) async throws {
        let path = dockerfile.path
        let env = environment(state)
        var words = instruction.json ?? Substitution.words(instruction.arguments, environment: env)
        if instruction.json != nil { words = words.map { Substitution.expand($0, environment: env) } }
        guard words.count >= 2, let destinationWord = words.last else {
            throw DockerfileError(
                path: path, line: instruction.line,
                message: "\(instruction.keyword) requires at least two arguments, but only \(words.count) provided")
        }
        let sources = Array(words.dropLast())
        if !instruction.heredocs.isEmpty {
            try await copyHeredocs(
                instruction, destinationWord: destinationWord, state: &state, options: options, session: session, path: path)
            return
        }
        if instruction.keyword == "ADD",
            let remote = sources.first(where: { $0.hasPrefix("http://") || $0.hasPrefix("https://") || $0.hasPrefix("git@") })
        {
            throw DockerfileError(
                path: path, line: instruction.line,
                message:
                    "ADD \(remote): remote sources are not fetched by Slipway's builder (builds are offline); download it before the "
                    + "build and ADD or COPY the file"
            )
        }
        var origin = CopyOrigin.context
        if let from = instruction.flag("from").map({ Substitution.expand($0, environment: env) }) {
            origin = try await copyOrigin(
                from, line: instruction.line, stageIndex: stageIndex, dockerfile: dockerfile, globalArgs: globalArgs,
                options: options, context: context, session: session)
        }
        let workdir = state.config.config.workingDir ?? "/"
        var destination = ImageBuilder.absolute(destinationWord, relativeTo: workdir)
        // Several sources make a directory; a glob does not (each match is copied to the destination in turn, as
        // Docker does), nor does a single directory source (its contents go to the destination).
        var destinationIsDirectory = ImageBuilder.namesDirectory(destinationWord) || sources.count > 1
        if ImageBuilder.namesDirectory(destinationWord), !destination.hasSuffix("/") { destination += "/" }
        let chown = instruction.flag("chown").map { Substitution.expand($0, environment: env) }
        let chmod = instruction.flag("chmod")
        let chmodValue = try chmod.map { try ImageBuilder.octalMode($0, instruction: instruction, path: path) }
        // Selection and the key: from the context, by content; from a stage or image, by that stage's key or digest.
        var selection: [(source: String, name: String, destination: String)] = []
        var keyParts = [instruction.keyword, destination, chown ?? "", chmod ?? "", origin.identity]
        if origin.isContext {
            selection = try selectFromContext(
                sources, context: context, destination: destination, directoryDestination: destinationIsDirectory, line: instruction.line,
                path: path)
            for item in selection {
                keyParts.append(item.destination)
                keyParts.append(ImageBuilder.contentIdentity(item.source, context: context))
            }
        } else {
            keyParts += sources
        }
        let key = chainKey(state.key, "COPY", keyParts)
        let createdBy =
            "\(instruction.keyword) \(instruction.flags.map { "--\($0.name)\($0.value.map { "=\($0)" } ?? "")" }.joined(separator: " ")) "
            + "\(sources.joined(separator: " ")) \(destinationWord)"
        if reuseCachedLayer(key, noCache: options.noCache, state: &state, session: session, note: instruction.original) { return }
        log("  ▶ \(instruction.original.prefix(120))")
        var sourceRoot = context.root
        switch origin {
        case .context:
            break
        case .stage(let index, _):
            guard var other = session.stages[index] else { throw ImageError.unsupported("stage \(index) was not built") }
            sourceRoot = try materialize(&other, session: session)
            session.stages[index] = other
        case .image(let reference, _):
            var image = try await baseState(reference, line: instruction.line, path: path)
            sourceRoot = try materialize(&image, session: session)
        }
        if !origin.isContext {
            selection = try selectFromRoot(
                sources, root: sourceRoot, destination: destination, directoryDestination: destinationIsDirectory, line: instruction.line,
                path: path)
        }
        let rootfs = try materialize(&state, session: session)
        // A destination that already is a directory in the stage receives the sources inside it, as in Docker. The
        // stage's key fixes its files, so the cache key above already decides this.
        if !destinationIsDirectory, FileTree.stat(of: rootfs + destination)?.isDirectory == true {
            destinationIsDirectory = true
            destination += "/"
            selection = selection.map { item in
                (
                    item.source, item.name,
                    ImageBuilder.target(item.source, name: item.name, root: sourceRoot, destination: destination, directory: true)
                )
            }
        }
        var owner: (Int, Int)?
        if let chown { owner = try ImageBuilder.resolveOwner(chown, rootfs: rootfs, line: instruction.line, path: path) }
        let writer = try LayerWriter(store: store, clampTime: options.sourceDateEpoch)
        do {
            // Parents of every destination, as they are in the stage (or new: 0755, owned like the files when chowned).
            var parents: Set<String> = []
            for item in selection {
                var parent = FilePathText.parent(of: item.destination)
                while !parent.isEmpty, parent != "/" {
                    parents.insert(String(parent.dropFirst()))
                    parent = FilePathText.parent(of: parent)
                }
            }
            for parent in FileTree.sorted(Array(parents)) {
                if let node = FileTree.stat(of: "\(rootfs)/\(parent)"), node.isDirectory {
                    var entry = TarEntry(path: parent, kind: .directory, mode: node.mode & 0o7777, uid: Int(node.uid), gid: Int(node.gid))
                    entry.modificationTime = Int64(node.modified.tv_sec)
                    try writer.addEntry(entry)
                } else {
                    try writer.addEntry(
                        TarEntry(
                            path: parent, kind: .directory, mode: 0o755, uid: owner?.0 ?? 0, gid: owner?.1 ?? 0,
                            modificationTime: options.sourceDateEpoch ?? Int64(Date().timeIntervalSince1970)))
                }
            }
            for item in selection {
                // ADD unpacks a local tar (plain or gzip) from the context into the destination directory.
                if instruction.keyword == "ADD", origin.isContext, FileTree.stat(of: "\(sourceRoot)/\(item.source)")?.isDirectory == false,
                    let format = LayerWriter.archiveFormat(of: "\(sourceRoot)/\(item.source)")
                {
                    let directory = destination.hasSuffix("/") ? String(destination.dropLast()) : destination
                    try writer.addArchive(
                        "\(sourceRoot)/\(item.source)", format: format, destination: String(directory.dropFirst()), owner: owner)
                    continue
                }
                // Files from the context belong to root unless chowned; from a stage or image they keep their owners.
                let destinationPath = String(item.destination.dropFirst())
                let sourceNode = FileTree.stat(of: "\(sourceRoot)/\(item.source)")
                if sourceNode?.isDirectory == true {
                    // The directory a directory's contents go to: kept as it is when the stage has it, else made 0755.
                    if FileTree.stat(of: "\(rootfs)/\(destinationPath)")?.isDirectory != true, !destinationPath.isEmpty {
                        let dirOwner = owner ?? (origin.isContext ? (0, 0) : (Int(sourceNode?.uid ?? 0), Int(sourceNode?.gid ?? 0)))
                        try writer.addEntry(
                            TarEntry(
                                path: destinationPath, kind: .directory, mode: 0o755, uid: dirOwner.0, gid: dirOwner.1,
                                modificationTime: options.sourceDateEpoch ?? Int64(Date().timeIntervalSince1970)))
                    }
                    try addChildren(
                        writer, root: sourceRoot, source: item.source, destination: destinationPath,
                        owner: owner ?? (origin.isContext ? (0, 0) : nil), mode: chmodValue, context: origin.isContext ? context : nil)
                } else {
                    try addTree(
                        writer, root: sourceRoot, source: item.source, destination: destinationPath,
                        owner: owner ?? (origin.isContext ? (0, 0) : nil), mode: chmodValue, context: origin.isContext ? context : nil)
                }
            }
            try commitLayer(writer, key: key, createdBy: createdBy, epoch: options.sourceDateEpoch, state: &state, session: session)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Whether `.dockerignore` lets any path below the (excluded) directory through.
    static func includesSomething(below directory: String, root: String, context: BuildContext) -> Bool {
        FileTree.scan("\(root)/\(directory)").nodes.keys.contains { !context.isExcluded("\(directory)/\($0)") }
    }

    /// `COPY <<EOF /dest`: each here-document becomes a file (0644 unless `--chmod`, root's unless `--chown`), its
    /// variables expanded unless the delimiter is quoted; `/dest/` or an existing directory takes the delimiter as name.
    func copyHeredocs(
        _ instruction: Instruction, destinationWord: String, state: inout StageState, options: BuildOptions, session: Session, path: String
    ) async throws {
        let env = environment(state)
        let words = Substitution.words(instruction.arguments, environment: env).dropLast()
        // The word splitter has removed a quoted delimiter's quotes.
        let markers = Set(instruction.heredocs.map { $0.marker.filter { $0 != "\"" && $0 != "'" } })
        guard words.allSatisfy({ markers.contains($0) }) else {
            throw DockerfileError(
                path: path, line: instruction.line,
                message: "\(instruction.keyword) mixes here-documents with other sources; Slipway's builder copies either one or the other")
        }
        let documents = instruction.heredocs.map { document in
            (name: document.word, text: document.isQuoted ? document.body : Substitution.expand(document.body, environment: env))
        }
        let chown = instruction.flag("chown").map { Substitution.expand($0, environment: env) }
        let chmod = instruction.flag("chmod")
        let mode = try chmod.map { try ImageBuilder.octalMode($0, instruction: instruction, path: path) } ?? 0o644
        var destination = ImageBuilder.absolute(destinationWord, relativeTo: state.config.config.workingDir ?? "/")
        let key = chainKey(
            state.key, "COPY-HEREDOC", [destinationWord, destination, chown ?? "", chmod ?? ""] + documents.flatMap { [$0.name, $0.text] })
        if reuseCachedLayer(key, noCache: options.noCache, state: &state, session: session, note: instruction.original) { return }
        log("  ▶ \(instruction.original.prefix(120))")
        let rootfs = try materialize(&state, session: session)
        let intoDirectory =
            ImageBuilder.namesDirectory(destinationWord) || documents.count > 1
            || FileTree.stat(of: rootfs + destination)?.isDirectory == true
        if destination.hasSuffix("/.") { destination.removeLast(2) }
        while destination.count > 1, destination.hasSuffix("/") { destination.removeLast() }
        let owner = try chown.map { try ImageBuilder.resolveOwner($0, rootfs: rootfs, line: instruction.line, path: path) } ?? (0, 0)
        let scratch = "\(session.scratch)/heredoc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let writer = try LayerWriter(store: store, clampTime: options.sourceDateEpoch)
        do {
            let now = options.sourceDateEpoch ?? Int64(Date().timeIntervalSince1970)
            let targets = documents.map { intoDirectory ? (destination == "/" ? "" : destination) + "/" + $0.name : destination }
            var parents: [String] = []
            for target in targets {
                var parent = FilePathText.parent(of: target)
                var chain: [String] = []
                while !parent.isEmpty, parent != "/" {
                    chain.insert(parent, at: 0)
                    parent = FilePathText.parent(of: parent)
                }
                for directory in chain where !parents.contains(directory) && FileTree.stat(of: rootfs + directory) == nil {
                    parents.append(directory)
                    try writer.addEntry(
                        TarEntry(
                            path: String(directory.dropFirst()), kind: .directory, mode: 0o755, uid: owner.0, gid: owner.1,
                            modificationTime: now))
                }
            }
            for (document, target) in zip(documents, targets) {
                try document.text.write(toFile: "\(scratch)/\(document.name)", atomically: false, encoding: .utf8)
                try writer.addFromDisk(
                    root: scratch, path: document.name, name: String(target.dropFirst()), uid: owner.0, gid: owner.1, mode: mode)
            }
            try commitLayer(
                writer, key: key, createdBy: instruction.original, epoch: options.sourceDateEpoch, state: &state, session: session)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Adds `source` (and everything below it) as `destination`; `owner` nil keeps each file's own.
    func addTree(
        _ writer: LayerWriter, root: String, source: String, destination: String, owner: (Int, Int)?, mode: UInt32?, context: BuildContext?
    ) throws {
        guard let node = FileTree.stat(of: "\(root)/\(source)") else { return }
        try writer.addFromDisk(root: root, path: source, name: destination, uid: owner?.0, gid: owner?.1, mode: mode)
        guard node.isDirectory else { return }
        try addChildren(writer, root: root, source: source, destination: destination, owner: owner, mode: mode, context: context)
    }

    func addChildren(
        _ writer: LayerWriter, root: String, source: String, destination: String, owner: (Int, Int)?, mode: UInt32?, context: BuildContext?
    ) throws {
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(source)")) ?? []).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        for child in children {
            let childSource = source.isEmpty ? child : "\(source)/\(child)"
            let childDestination = destination.isEmpty ? child : "\(destination)/\(child)"
            if let context, context.isExcluded(childSource) {
                // An excluded directory is still entered when a later `!` pattern may let something below it through.
                guard FileTree.stat(of: "\(root)/\(childSource)")?.isDirectory == true, context.mayIncludeBelow(childSource),
                    ImageBuilder.includesSomething(below: childSource, root: root, context: context)
                else { continue }
                try writer.addFromDisk(root: root, path: childSource, name: childDestination, uid: owner?.0, gid: owner?.1, mode: mode)
                try addChildren(
                    writer, root: root, source: childSource, destination: childDestination, owner: owner, mode: mode, context: context)
                continue
            }
            try addTree(writer, root: root, source: childSource, destination: childDestination, owner: owner, mode: mode, context: context)
        }
    }

    /// Context files selected by COPY sources (globs allowed), with their destinations.
    func selectFromContext(
        _ sources: [String], context: BuildContext, destination: String, directoryDestination: Bool, line: Int, path: String
    ) throws -> [(source: String, name: String, destination: String)] {
        var result: [(String, String, String)] = []
        for source in sources {
            let cleaned = BuildContext.clean(source)
            var matches: [String] = []
            if PathGlob.hasMagic(cleaned) {
                let glob = PathGlob(cleaned)
                matches = ImageBuilder.listFiles(context.root).filter { glob.matches($0) && !context.isExcluded($0) }
            } else if FileManager.default.fileExists(atPath: "\(context.root)/\(cleaned)"), cleaned.isEmpty || !context.isExcluded(cleaned)
            {
                matches = [cleaned]
            }
            guard !matches.isEmpty else {
                throw DockerfileError(
                    path: path, line: line,
                    message:
                        "COPY source '\(source)' not found in the build context "
                        + "\(context.root)\(context.isExcluded(cleaned) ? " (excluded by .dockerignore)" : "")"
                )
            }
            for match in matches {
                let resolved = ImageBuilder.followingLinks(match, root: context.root)
                guard resolved == match || !context.isExcluded(resolved) else { continue }
                result.append(
                    (
                        resolved, match,
                        ImageBuilder.target(
                            resolved, name: match, root: context.root, destination: destination, directory: directoryDestination)
                    ))
            }
        }
        return result
    }

    func selectFromRoot(_ sources: [String], root: String, destination: String, directoryDestination: Bool, line: Int, path: String) throws
        -> [(source: String, name: String, destination: String)]
    {
        var result: [(String, String, String)] = []
        for source in sources {
            let cleaned = BuildContext.clean(source)
            var matches = [cleaned]
            if PathGlob.hasMagic(cleaned) {
                // Only the directory above the first wildcard is listed, not the whole stage.
                let segments = cleaned.split(separator: "/").map(String.init)
                let fixed = segments.prefix { !PathGlob.hasMagic($0) }.joined(separator: "/")
                let glob = PathGlob(cleaned)
                let base = fixed.isEmpty ? root : "\(root)/\(fixed)"
                matches = ImageBuilder.listFiles(base).map { fixed.isEmpty ? $0 : "\(fixed)/\($0)" }.filter { glob.matches($0) }
            } else if FileTree.stat(of: "\(root)/\(cleaned)") == nil {
                matches = []
            }
            guard !matches.isEmpty else {
                throw DockerfileError(path: path, line: line, message: "COPY --from source '\(source)' not found")
            }
            for match in matches {
                let resolved = ImageBuilder.followingLinks(match, root: root)
                guard FileTree.stat(of: "\(root)/\(resolved)") != nil else {
                    throw DockerfileError(path: path, line: line, message: "COPY --from source '\(source)' is a link to nothing")
                }
                result.append(
                    (
                        resolved, match,
                        ImageBuilder.target(resolved, name: match, root: root, destination: destination, directory: directoryDestination)
                    ))
            }
        }
        return result
    }

    /// Whether a COPY/ADD destination as written names a directory: it ends in `/` or `/.`, or is `.` (the working
    /// directory). Any other destination is a directory only when it already is one in the stage.
    static func namesDirectory(_ word: String) -> Bool {
        word.hasSuffix("/") || word == "." || word.hasSuffix("/.")
    }

    /// A directory source copies its contents into the destination; a file goes to `dest/name` when the
    /// destination is a directory, else to `dest`.
    static func target(_ source: String, name: String? = nil, root: String, destination: String, directory: Bool) -> String {
        let isDirectory = FileTree.stat(of: "\(root)/\(source)")?.isDirectory ?? false
        var dest = destination
        while dest.count > 1, dest.hasSuffix("/") { dest.removeLast() }
        if dest.hasSuffix("/.") { dest.removeLast(dest == "/." ? 1 : 2) }
        if isDirectory { return dest }
        let file = FilePathText.lastComponent(of: name ?? source)
        return directory || destination.hasSuffix("/") ? (dest == "/" ? "/" : dest + "/") + file : dest
    }

    /// A source named by a COPY is read through symlinks, as Docker does (`COPY link /x` copies the file it points
    /// to); links are resolved inside `root` and may never lead out of it. Links below a copied directory stay links.
    static func followingLinks(_ relative: String, root: String) -> String {
        var current = relative
        for _ in 0..<40 {
            guard let node = FileTree.stat(of: "\(root)/\(current)"), let link = node.linkTarget else { return current }
            current = BuildContext.clean(link.hasPrefix("/") ? link : FilePathText.parent(of: current) + "/" + link)
        }
        return current
    }

    static func listFiles(_ root: String) -> [String] {
        FileTree.sorted(Array(FileTree.scan(root).nodes.keys))
    }

    /// What a context path contributes to a COPY key: type, mode, link target and content digest — never its time —
    /// and for a directory the same for every child `.dockerignore` lets through.
    static func contentIdentity(_ relative: String, context: BuildContext) -> String {
        let path = relative.isEmpty ? context.root : "\(context.root)/\(relative)"
        guard let node = FileTree.stat(of: path) else { return "missing" }
        var parts = ["\(node.mode)"]
        if let target = node.linkTarget { parts.append("link:\(target)") }
        if node.mode & S_IFMT == S_IFREG {
            parts.append(Digest.sha256(ofFile: path)?.hex ?? "unreadable")
        } else if node.isDirectory {
            for child in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() {
                let childPath = relative.isEmpty ? child : "\(relative)/\(child)"
                // An excluded directory counts when a `!` pattern may let something below it through (a copy enters it).
                if context.isExcluded(childPath),
                    !(context.mayIncludeBelow(childPath) && FileTree.stat(of: "\(path)/\(child)")?.isDirectory == true)
                {
                    continue
                }
                parts.append("\(child)=\(contentIdentity(childPath, context: context))")
            }
        }
        return parts.joined(separator: ";")
    }

    // MARK: Helpers

    func materialize(_ state: inout StageState, session: Session) throws -> String {
        let rootfs: String
        if let existing = state.rootfs {
            rootfs = existing
        } else {
            rootfs = "\(session.scratch)/rootfs-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
            state.rootfs = rootfs
            state.appliedLayers = 0
        }
        let unpacker = LayerUnpacker(root: rootfs)
        while state.appliedLayers < state.manifestLayers.count {
            let layer = state.manifestLayers[state.appliedLayers]
            try unpacker.apply(blob: store.blobPath(layer.digest), mediaType: layer.mediaType)
            state.appliedLayers += 1
        }
        return rootfs
    }

    /// Where COPY --from points: an earlier stage (built first when needed) or an image (pulled when needed).
    func copyOrigin(
        _ from: String, line: Int, stageIndex: Int, dockerfile: Dockerfile, globalArgs: [String: String], options: BuildOptions,
        context: BuildContext, session: Session
    ) async throws -> CopyOrigin {
        let path = dockerfile.path
        if let stage = dockerfile.stage(named: from) {
            guard stage.index < stageIndex else {
                throw DockerfileError(
                    path: path, line: line, message: "COPY --from=\(from) refers to a stage that is not defined before this one")
            }
            try await buildStage(
                stage.index, dockerfile: dockerfile, globalArgs: globalArgs, options: options, context: context, session: session)
            guard let other = session.stages[stage.index] else { throw ImageError.unsupported("stage \(from) was not built") }
            return .stage(index: stage.index, key: other.key)
        }
        let reference: ImageReference
        do { reference = try ImageReference(parsing: from) } catch {
            throw DockerfileError(path: path, line: line, message: "COPY --from=\(from): no stage with that name, and \(error)")
        }
        if try store.resolve(reference) == nil {
            do { try await fetchBase(reference) } catch {
                throw DockerfileError(
                    path: path, line: line,
                    message: "COPY --from=\(from): no stage with that name, and image \(reference.familiar) is not available: \(error)")
            }
        }
        guard let descriptor = try store.resolve(reference) else {
            throw DockerfileError(path: path, line: line, message: "COPY --from: image \(from) not found")
        }
        return .image(reference, digest: descriptor.digest)
    }

    /// Finishes a layer, records it in the cache and appends it to the stage.
    func commitLayer(_ writer: LayerWriter, key: Digest, createdBy: String, epoch: Int64?, state: inout StageState, session: Session) throws
    {
        let (layer, diffID) = try writer.finish()
        let entry = BuildCache.Entry(layer: layer, diffID: diffID, created: ImageBuilder.creationTime(epoch), createdBy: createdBy)
        cache.save(entry, for: key)
        appendLayer(&state, entry, key: key)
        session.built += 1
    }

    /// `SOURCE_DATE_EPOCH` when set, else now, in RFC 3339.
    static func creationTime(_ epoch: Int64?) -> String { timestamp(epoch ?? Int64(Date().timeIntervalSince1970)) }

    /// Uses the layer cached under `key` (saying so with `note`, when given); false when there is none or the build
    /// asks for no cache.
    func reuseCachedLayer(_ key: Digest, noCache: Bool, state: inout StageState, session: Session, note: String?) -> Bool {
        guard !noCache, let hit = cache.lookup(key) else { return false }
        if let note { log("  ✓ cached  \(note.prefix(80))") }
        appendLayer(&state, hit, key: key)
        session.hits += 1
        return true
    }

    /// A `--chmod` value: octal, at most 7777.
    static func octalMode(_ text: String, instruction: Instruction, path: String) throws(DockerfileError) -> UInt32 {
        guard let value = UInt32(text, radix: 8), value <= 0o7777 else {
            throw DockerfileError(
                path: path, line: instruction.line, message: "invalid --chmod=\(text): expected an octal mode such as 755")
        }
        return value
    }

    func appendLayer(_ state: inout StageState, _ entry: BuildCache.Entry, key: Digest) {
        state.manifestLayers.append(entry.layer)
        state.config.rootfs.diffIDs.append(entry.diffID)
        state.config.history = (state.config.history ?? []) + [ImageConfig.History(created: entry.created, createdBy: entry.createdBy)]
        state.lastCreated = entry.created
        state.key = key
    }

    func addEmptyHistory(_ state: inout StageState, _ instruction: Instruction) {
        state.config.history =
            (state.config.history ?? []) + [
                ImageConfig.History(created: state.lastCreated, createdBy: instruction.original, emptyLayer: true)
            ]
    }

    func chainKey(_ parent: Digest, _ kind: String, _ parts: [String]) -> Digest {
        var hasher = DigestHasher()
        hasher.update(Array(parent.description.utf8))
        hasher.update([0])
        hasher.update(Array(kind.utf8))
        for part in parts {
            hasher.update([0])
            hasher.update(Array(part.utf8))
        }
        return hasher.finalize()
    }

    func environment(_ state: StageState) -> [String: String] {
        var env = state.args
        for entry in state.config.config.env ?? [] {
            if let equals = entry.firstIndex(of: "=") { env[String(entry[..<equals])] = String(entry[entry.index(after: equals)...]) }
        }
        return env
    }

    func argDeclarations(_ instruction: Instruction, path: String) throws -> [(String, String?)] {
        var result: [(String, String?)] = []
        for word in splitRaw(instruction.arguments) {
            if let equals = word.firstIndex(of: "=") {
                result.append((String(word[..<equals]), ImageBuilder.unquote(String(word[word.index(after: equals)...]))))
            } else {
                result.append((word, nil))
            }
        }
        guard !result.isEmpty else {
            throw DockerfileError(path: path, line: instruction.line, message: "ARG requires at least one argument")
        }
        return result
    }

    /// Splits on unquoted whitespace, keeping quotes and `$` (values are expanded later, in their scope).
    func splitRaw(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == " " || c == "\t" {
                if !current.isEmpty {
                    words.append(current)
                    current = ""
                }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// `KEY=VALUE ...` pairs, or the legacy `KEY VALUE` form.
    func pairs(_ instruction: Instruction, environment: [String: String], path: String) throws -> [(String, String)] {
        let raw = splitRaw(instruction.arguments)
        if let first = raw.first, !first.contains("=") {
            let value = instruction.arguments.drop(while: { $0 != " " && $0 != "\t" }).trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else {
                throw DockerfileError(path: path, line: instruction.line, message: "\(instruction.keyword) \(first) needs a value")
            }
            return [(first, Substitution.expand(value, environment: environment))]
        }
        var result: [(String, String)] = []
        // Every value on one line sees the variables as they were before the line.
        for word in raw {
            guard let equals = word.firstIndex(of: "=") else {
                throw DockerfileError(
                    path: path, line: instruction.line, message: "\(instruction.keyword) syntax error: '\(word)' should be KEY=VALUE")
            }
            let key = Substitution.words(String(word[..<equals]), environment: environment).first ?? ""
            let value = Substitution.words(String(word[word.index(after: equals)...]), environment: environment).joined(separator: " ")
            result.append((key, value))
        }
        return result
    }

    func healthcheck(_ instruction: Instruction, shell: [String], path: String) throws -> ImageConfig.Healthcheck {
        var rest = instruction.arguments
        if rest.uppercased() == "NONE" { return ImageConfig.Healthcheck(test: ["NONE"]) }
        guard rest.uppercased().hasPrefix("CMD") else {
            throw DockerfileError(path: path, line: instruction.line, message: "HEALTHCHECK expects CMD or NONE")
        }
        rest = rest.dropFirst(3).trimmingCharacters(in: .whitespaces)
        var check: ImageConfig.Healthcheck
        if rest.hasPrefix("["), let data = rest.data(using: .utf8), let array = try? JSONSerialization.jsonObject(with: data) as? [String] {
            check = ImageConfig.Healthcheck(test: ["CMD"] + array)
        } else {
            check = ImageConfig.Healthcheck(test: ["CMD-SHELL", rest])
        }
        for flag in instruction.flags {
            guard let value = flag.value else {
                throw DockerfileError(path: path, line: instruction.line, message: "HEALTHCHECK --\(flag.name) needs a value")
            }
            switch flag.name {
            case "interval": check.interval = try ImageBuilder.duration(value, instruction, path)
            case "timeout": check.timeout = try ImageBuilder.duration(value, instruction, path)
            case "start-period": check.startPeriod = try ImageBuilder.duration(value, instruction, path)
            case "start-interval": check.startInterval = try ImageBuilder.duration(value, instruction, path)
            case "retries":
                guard let retries = Int(value), retries >= 0 else {
                    throw DockerfileError(
                        path: path, line: instruction.line, message: "HEALTHCHECK --retries must be a non-negative integer")
                }
                check.retries = retries
            default:
                throw DockerfileError(path: path, line: instruction.line, message: "unknown HEALTHCHECK flag --\(flag.name)")
            }
        }
        return check
    }

    /// Go duration text (`30s`, `1m30s`, `500ms`) in nanoseconds.
    static func duration(_ text: String, _ instruction: Instruction, _ path: String) throws -> Int64 {
        var total: Double = 0
        var number = ""
        var unit = ""
        var parsedAny = false
        func flush() throws {
            guard let value = Double(number) else {
                throw DockerfileError(path: path, line: instruction.line, message: "invalid duration '\(text)'")
            }
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default:
                throw DockerfileError(path: path, line: instruction.line, message: "invalid duration '\(text)': unknown unit '\(unit)'")
            }
            total += value * scale
            number = ""
            unit = ""
            parsedAny = true
        }
        for c in text {
            if c.isNumber || c == "." {
                if !unit.isEmpty { try flush() }
                number.append(c)
            } else {
                unit.append(c)
            }
        }
        if !number.isEmpty { try flush() }
        guard parsedAny else { throw DockerfileError(path: path, line: instruction.line, message: "invalid duration '\(text)'") }
        return Int64(total)
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base : base + "/") + path
        let cleaned = "/" + BuildContext.clean(joined)
        return cleaned
    }

    static func timestamp(_ seconds: Int64) -> String {
        let formatter = Date.ISO8601FormatStyle(timeZone: .gmt)
        return Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(formatter)
    }

    static func predefined(_ name: String) -> String? {
        let platform = Platform.current
        switch name {
        case "TARGETPLATFORM", "BUILDPLATFORM": return "\(platform.os)/\(platform.architecture)"
        case "TARGETOS", "BUILDOS": return platform.os
        case "TARGETARCH", "BUILDARCH": return platform.architecture
        case "TARGETVARIANT", "BUILDVARIANT": return platform.variant ?? ""
        default: return nil
        }
    }

    /// `USER` as numeric ids, looking names up in the stage's `/etc/passwd` and `/etc/group`.
    /// A numeric user takes its primary group from `/etc/passwd` when listed there, else group 0 (as a container runtime
    /// does); `--chown` with only a number uses it as the group too (`numericOwnerGroup`), as Docker does.
    static func resolveUser(_ user: String, rootfs: String, numericOwnerGroup: Bool = false) throws -> (uid: Int, gid: Int)? {
        guard !user.isEmpty else { return nil }
        let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
        let passwd = (try? String(contentsOfFile: "\(rootfs)/etc/passwd", encoding: .utf8)) ?? ""
        let group = (try? String(contentsOfFile: "\(rootfs)/etc/group", encoding: .utf8)) ?? ""
        func lookup(_ name: String, in table: String) -> (Int, Int?)? {
            let numeric = Int(name)
            for line in table.split(separator: "\n") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                guard fields.count >= 3, let id = Int(fields[2]) else { continue }
                if fields[0] == name || numeric == id { return (id, fields.count >= 4 ? Int(fields[3]) : nil) }
            }
            return numeric.map { ($0, nil) }
        }
        guard let (uid, primary) = lookup(parts[0], in: passwd) else {
            throw ImageError.unsupported("USER \(parts[0]): no such user in the image's /etc/passwd")
        }
        var gid = primary ?? (numericOwnerGroup ? uid : 0)
        if numericOwnerGroup, Int(parts[0]) != nil { gid = uid }
        if parts.count > 1 {
            guard let (id, _) = lookup(parts[1], in: group) else {
                throw ImageError.unsupported("USER \(user): no such group in the image's /etc/group")
            }
            gid = id
        }
        if uid == 0, gid == 0 { return nil }
        return (uid, gid)
    }

    static func resolveOwner(_ chown: String, rootfs: String, line: Int, path: String) throws -> (Int, Int) {
        do {
            return try resolveUser(chown, rootfs: rootfs, numericOwnerGroup: true).map { ($0.uid, $0.gid) } ?? (0, 0)
        } catch {
            throw DockerfileError(path: path, line: line, message: "--chown=\(chown): \(error)")
        }
    }
}
