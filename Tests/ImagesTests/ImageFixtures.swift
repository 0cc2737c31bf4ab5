import Core
import Foundation
import Images
import OCI
import OCIClient
import OCIRegistry
import SlipwayTesting

/// Scratch directories, a busybox base image and real registries for the Images tests.
enum ImageFixtures {
    static func temporaryDirectory(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static var busybox: String? { BusyboxRoot.executable }

    /// A busybox root filesystem with /etc/passwd (root, nonroot 65532) and a 1777 /tmp.
    static func busyboxRoot(in directory: String) throws -> String {
        try BusyboxRoot.make(at: "\(directory)/rootfs")
    }

    /// The seed-style three-stage Dockerfile and its context.
    static func seedContext(in directory: String) throws -> String {
        let context = "\(directory)/app"
        try FileManager.default.createDirectory(atPath: "\(context)/src", withIntermediateDirectories: true)
        try "package main\n\nfunc main() {}\n".write(toFile: "\(context)/src/main.go", atomically: true, encoding: .utf8)
        try "ignored\n".write(toFile: "\(context)/src/notes.md", atomically: true, encoding: .utf8)
        try "**/*.md\n!README.md\n".write(toFile: "\(context)/.dockerignore", atomically: true, encoding: .utf8)
        try """
        # syntax=docker/dockerfile:1
        ARG VERSION=1.0.0
        FROM golang:1.23-alpine AS builder
        ARG VERSION
        WORKDIR /src
        COPY src/ ./
        RUN mkdir -p /out && echo "built app $VERSION from $(cat main.go | wc -l) lines" > /out/message && \\
            ls /src > /out/files && printf '#!/bin/sh\\ncat /app/message /app/files\\nid -u\\n' > /out/app && chmod 755 /out/app

        FROM node:18 AS web
        WORKDIR /web
        RUN echo "web assets" > index.html

        FROM alpine:3.20
        ARG VERSION
        LABEL org.opencontainers.image.version=$VERSION
        COPY --from=builder --chown=nonroot:nonroot /out/ /app/
        COPY --from=web /web/index.html /app/static/
        USER nonroot:nonroot
        EXPOSE 8080
        HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD wget -qO- http://localhost:8080/ || exit 1
        ENTRYPOINT ["/app/app"]

        """.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
        return context
    }

    /// A store holding the busybox stand-ins for the seed's base images.
    static func storeWithBases(in directory: String) throws -> ImageStore {
        let store = try ImageStore(root: "\(directory)/store")
        let root = try busyboxRoot(in: directory)
        for name in ["golang:1.23-alpine", "node:18", "alpine:3.20"] {
            _ = try ImageImporter(store: store).importImage(from: root, tag: try ImageReference(parsing: name), sourceDateEpoch: 0)
        }
        return store
    }

    /// Starts Slipway's registry on 127.0.0.1 on a port the kernel chooses; answers the port once it listens and the
    /// task serving it (cancel it to stop).
    static func serve(_ server: RegistryServer) async throws -> (port: Int, task: Task<Void, any Error>) {
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { sink.finish() }
            try await server.run(host: "127.0.0.1", port: 0) { port in sink.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw ImageError.unsupported("the registry did not start")
        }
        return (port, task)
    }

    /// A registry client with exactly these credentials (none: anonymous), ignoring the user's files.
    static func client(store: ImageStore, credentials: [String: RegistryCredentials.Credential] = [:]) -> RegistryClient {
        var configuration = RegistryClient.Configuration()
        configuration.credentials = RegistryCredentials(explicit: credentials, files: [])
        return RegistryClient(configuration: configuration, store: store)
    }

    static func command(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> CapturedCommand.Result
    {
        try await CapturedCommand.run(executable, arguments, environment: environment, timeout: .seconds(120))
    }
}

/// Debian's `docker-registry` (distribution 2.8.2) on 127.0.0.1, started for one test and stopped by PID.
struct DistributionRegistry {
    let port: Int
    let pid: Int32
    let directory: String

    var host: String { "127.0.0.1:\(port)" }

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry") }

    static func start(htpasswd: String? = nil, token: TokenServer? = nil) async throws -> DistributionRegistry {
        let directory = try ImageFixtures.temporaryDirectory("registry")
        var config = """
            version: 0.1
            log: {level: error}
            storage:
              filesystem: {rootdirectory: \(directory)/data}
              delete: {enabled: true}
            http: {addr: "127.0.0.1:0"}

            """
        if let htpasswd {
            try htpasswd.write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)
            config += "auth:\n  htpasswd: {realm: basic-realm, path: \(directory)/htpasswd}\n"
        }
        if let token {
            config +=
                "auth:\n  token: {realm: \"\(token.realm)\", service: registry.local, issuer: local-token-issuer, rootcertbundle: "
                + "\(token.directory)/token.crt}\n"
        }
        try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
        let started = try await ImageFixtures.command(
            "/bin/sh", ["-c", "docker-registry serve \(directory)/config.yml > \(directory)/log 2>&1 & echo $!"])
        guard let pid = Int32(started.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ImageError.unsupported("could not start docker-registry")
        }
        // Port 0: the kernel chooses, /proc says which once it listens.
        do {
            let port = try await ListeningPorts.first(of: pid)
            return DistributionRegistry(port: port, pid: pid, directory: directory)
        } catch {
            let log = (try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) ?? ""
            DistributionRegistry(port: 0, pid: pid, directory: directory).stop()
            throw ImageError.unsupported("docker-registry: \(error); its log: \(log.suffix(500))")
        }
    }

    func stop() {
        kill(pid, SIGTERM)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
