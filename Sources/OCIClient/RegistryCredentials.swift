import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// Registry credentials: Slipway's own file (`slipway registry login`, `~/.config/slipway/auth.json`) first, then
/// Docker's `~/.docker/config.json` (`auths.<host>.auth` = base64 of `user:password`). Same file format as Docker's.
public struct RegistryCredentials: Sendable {
    public struct Credential: Sendable, Hashable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var basicHeader: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
    }

    let explicit: [String: Credential]
    let files: [String]

    /// `SLIPWAY_AUTH_FILE` when set (a workflow job's own file), else `$XDG_CONFIG_HOME/slipway/auth.json`.
    public static var slipwayFile: String {
        let environment = ProcessInfo.processInfo.environment
        if let file = environment["SLIPWAY_AUTH_FILE"], !file.isEmpty { return file }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return base + "/slipway/auth.json"
    }

    public init(explicit: [String: Credential] = [:], files: [String]? = nil) {
        self.explicit = explicit
        let docker =
            (ProcessInfo.processInfo.environment["DOCKER_CONFIG"].map { $0 + "/config.json" }) ?? NSHomeDirectory() + "/.docker/config.json"
        self.files = files ?? [RegistryCredentials.slipwayFile, docker]
    }

    public func credential(for registry: String) -> Credential? {
        if let credential = explicit[registry] { return credential }
        let keys =
            registry == ImageReference.dockerHub
            ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io"] : [registry, "https://\(registry)", "http://\(registry)"]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let auths = object["auths"] as? [String: Any]
            else { continue }
            for key in keys {
                guard let entry = auths[key] as? [String: Any] else { continue }
                if let auth = entry["auth"] as? String,
                    let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                    let colon = decoded.firstIndex(of: ":")
                {
                    return Credential(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
                }
                if let username = entry["username"] as? String, let password = entry["password"] as? String {
                    return Credential(username: username, password: password)
                }
            }
        }
        return nil
    }

    /// Stores a credential in Slipway's file (mode 0600), replacing an earlier one for the same registry.
    public static func save(_ credential: Credential, for registry: String, file: String = RegistryCredentials.slipwayFile)
        throws(ImageError)
    {
        var object: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: file),
            let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            object = existing
        }
        var auths = object["auths"] as? [String: Any] ?? [:]
        auths[registry] = ["auth": Data("\(credential.username):\(credential.password)".utf8).base64EncodedString()]
        object["auths"] = auths
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) } catch {
            throw .io(file, "\(error)")
        }
        do { try AtomicFile.write(data, to: file, permissions: 0o600) } catch { throw .io(error.path, error.reason) }
    }
}
