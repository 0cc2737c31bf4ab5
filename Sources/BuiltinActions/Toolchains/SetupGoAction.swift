import Core
import Foundation
import Runner

/// `actions/setup-go`.
struct SetupGoAction: BuiltinAction {
    let names = ["actions/setup-go"]

    /// `actions/setup-go`: puts a Go toolchain matching `go-version` (or `go-version-file`) on PATH, from the run's
    /// tool cache, Slipway's shared tool cache (`scripts/setup` installs Go 1.23 there) or the host's `go`.
    /// Nothing is downloaded: `GOTOOLCHAIN=local` keeps `go` itself from fetching another toolchain.
    func run(_ step: ActionStep) async throws -> StepOutcome {
        func input(_ key: String) -> String? { step.trimmedInput(key) }
        var specText = input("go-version")
        if let file = input("go-version-file") {
            if specText != nil {
                await step.log("Warning: Both go-version and go-version-file inputs are specified, only go-version will be used")
            } else {
                let path = file.hasPrefix("/") ? file : step.workspace + "/" + file
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    return StepOutcome.failure("actions/setup-go: The specified go version file at: \(path) does not exist")
                }
                specText = Self.goVersion(inFile: text, named: (file as NSString).lastPathComponent)
            }
        }
        let environment = ["GOTOOLCHAIN": "local"]
        let goBinary: String
        let version: String
        if let specText {
            guard let spec = VersionSpec(specText) else {
                return StepOutcome.failure("actions/setup-go: '\(specText)' is not a valid version or range")
            }
            await step.log("  | Setup go version spec \(specText)")
            let cache = ToolCache(roots: ["\(step.options.stateDirectory)/toolcache", CacheDirectory.path(for: "toolcache")])
            if let found = cache.find("go", matching: spec) {
                await step.log("  | Found in cache @ \(found.path)")
                goBinary = found.path + "/bin/go"
                version = found.version.description
            } else if let host = await Self.hostGo(environment), spec.accepts(host.version) {
                await step.log("  | Using the host's Go \(host.version) at \(host.binary)")
                goBinary = host.binary
                version = host.version.description
            } else {
                let installed = cache.installed("go")
                return StepOutcome(
                    success: false, outputs: [:],
                    message:
                        "actions/setup-go: no Go matching '\(specText)' is "
                        + "installed\(installed.isEmpty ? "" : " (tool cache has \(installed.joined(separator: ", ")))"); Slipway "
                        + "never downloads toolchains — run scripts/setup, or unpack a Go distribution into "
                        + "\(CacheDirectory.path(for: "toolcache"))/go/<version>/x64"
                )
            }
        } else {
            await step.log("  | Warning: go-version input was not specified. The action will try to use pre-installed version.")
            guard let host = await Self.hostGo(environment) else {
                return StepOutcome.failure("actions/setup-go: no go-version given and no Go on PATH")
            }
            goBinary = host.binary
            version = host.version.description
        }
        let goEnvironment = try await CapturedCommand.run(
            goBinary, ["env", "GOPATH", "GOMODCACHE", "GOCACHE"], environment: environment, timeout: .seconds(30))
        let lines = goEnvironment.standardOutput.split(separator: "\n").map(String.init)
        let root = FilePathText.parent(of: FilePathText.parent(of: goBinary))
        step.prependPath(root + "/bin")
        if let goPath = lines.first, !goPath.isEmpty { step.prependPath(goPath + "/bin") }
        step.exportVariable("GOTOOLCHAIN", "local")
        var outputs = ["go-version": version]
        if (input("cache") ?? "true").lowercased() == "true" {
            // The module and build caches live on this host and persist between runs by themselves.
            let caches = lines.dropFirst()
            let hit = !caches.isEmpty && caches.allSatisfy { FileManager.default.fileExists(atPath: $0) }
            outputs["cache-hit"] = hit ? "true" : "false"
            await step.log("  | Go caches: \(caches.joined(separator: ", ")) (kept on this host between runs)")
        }
        await step.log("  | go version go\(version) linux/\(RunnerPlatform.architecture == "ARM64" ? "arm64" : "amd64")")
        return StepOutcome(success: true, outputs: outputs)
    }

    /// The version a `go.mod`/`go.work` (`toolchain`, else `go` directive), `.go-version` or `.tool-versions` names.
    static func goVersion(inFile text: String, named name: String) -> String? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if name == "go.mod" || name == "go.work" {
            if let toolchain = lines.first(where: { $0.hasPrefix("toolchain go") }) {
                return String(toolchain.dropFirst("toolchain go".count))
            }
            return lines.first { $0.hasPrefix("go ") }.map { String($0.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
        }
        if name == ".tool-versions" {
            return lines.first { $0.hasPrefix("golang ") || $0.hasPrefix("go ") }?.split(separator: " ").last.map(String.init)
        }
        return lines.first
    }

    /// The `go` on the host's PATH and its version.
    static func hostGo(_ environment: [String: String]) async -> (binary: String, version: ToolVersion)? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/go" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path,
            let result = try? await CapturedCommand.run(path, ["env", "GOVERSION"], environment: environment, timeout: .seconds(30)),
            result.succeeded
        else { return nil }
        let text = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("go"), let version = ToolVersion(String(text.dropFirst(2).prefix { $0.isNumber || $0 == "." }))
        else { return nil }
        return (path, version)
    }
}
