import ArgumentParser
import Core
import Foundation
import Images
import OCIClient
import OCIRegistry

/// `slipway registry`: serve an OCI registry, or log in to one.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Serve an OCI registry, or store credentials for one.",
        subcommands: [RegistryServeCommand.self, RegistryLoginCommand.self]
    )
}

struct RegistryServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the OCI Distribution API over a directory.",
        discussion: """
            With --htpasswd (bcrypt entries, as `htpasswd -B` writes them) users sign in with Basic credentials or with \
            bearer tokens this registry issues at /token; nothing is served anonymously unless --anonymous-pull. \
            Without it, a registry on loopback is open to every local process, and one bound beyond loopback serves \
            anonymous pulls only (pushes and deletes are refused) unless --allow-anonymous-push.
            """
    )

    @Option(help: "An htpasswd file of users (bcrypt hashes only).")
    var htpasswd: String?

    @Flag(help: "Let anyone pull without signing in (with --htpasswd).")
    var anonymousPull = false

    @Flag(help: "Let anyone push and delete without signing in, even when bound beyond loopback.")
    var allowAnonymousPush = false

    @Option(help: "Address to listen on.")
    var address: String = "127.0.0.1:5000"

    @Option(help: "Storage directory.")
    var root: String = CacheDirectory.path(for: "registry")

    func run() async throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--address must be HOST:PORT, not '\(address)'") }
        do { try PortClaim.check(port, host: String(parts[0]), purpose: "the registry") } catch { throw CommandFailure(error.description) }
        let host = String(parts[0])
        let access: RegistryAccess
        if let htpasswd {
            let users: [String: String]
            do { users = try RegistryAccess.users(htpasswd: htpasswd) } catch { throw CommandFailure(error.description) }
            access = RegistryAccess(users: users, anonymous: allowAnonymousPush ? .everything : (anonymousPull ? .pull : .none))
        } else if allowAnonymousPush || ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") {
            access = .open
        } else {
            FileHandle.standardError.write(
                Data("registry: bound beyond loopback without --htpasswd: anonymous pulls only; pushes and deletes are refused\n".utf8))
            access = RegistryAccess(anonymous: .pull)
        }
        let storage: RegistryStorage
        do { storage = try RegistryStorage(root: root) } catch { throw imageFailure(error) }
        try await RegistryServer(storage: storage, access: access).run(host: host, port: port) { bound in
            FileHandle.standardError.write(Data("registry listening on \(parts[0]):\(bound), storage \(root)\n".utf8))
        }
    }
}

struct RegistryLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Check credentials against a registry and store them (~/.config/slipway/auth.json, mode 0600).",
        discussion: "The password is read from standard input with --password-stdin, so it never appears in shell history or process lists."
    )

    @Option(name: .shortAndLong, help: "User name.")
    var username: String

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordStdin = false

    @Option(name: .shortAndLong, help: "Password (prefer --password-stdin).")
    var password: String?

    @OptionGroup var registryOptions: RegistryOptions

    @Argument(help: "Registry host, e.g. 127.0.0.1:5000 or ghcr.io.")
    var registry: String

    func run() async throws {
        var secret = password ?? ""
        if passwordStdin {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        guard !secret.isEmpty else { throw ValidationError("a password is required (--password-stdin or --password)") }
        let credential = RegistryCredentials.Credential(username: username, password: secret)
        let client = try registryOptions.client(explicit: [registry: credential])
        defer { client.shutdown() }
        do {
            try await client.checkLogin(registry)
            try RegistryCredentials.save(credential, for: registry)
            print("Login Succeeded")
        } catch {
            throw imageFailure(error)
        }
    }
}
