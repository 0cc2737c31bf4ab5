import Core
import Foundation
import Workflows

extension RunRequest {
    /// The environments of `slipway.yaml` (or `environmentsFile`) with their secrets: the `secrets-file` dotenv,
    /// then the host's. A secrets file that does not exist is no error here: it fails only the jobs deploying to its
    /// environment, which must not run with the repository's values instead.
    func environments() throws(RunRequestError) -> [String: JobEnvironment] {
        let root = repositoryRoot
        let file: String
        if let environmentsFile {
            file = environmentsFile.hasPrefix("/") ? environmentsFile : root + "/" + environmentsFile
            guard FileManager.default.fileExists(atPath: file) else {
                throw RunRequestError(["cannot read the environments file '\(environmentsFile)'"])
            }
        } else {
            file = root + "/slipway.yaml"
            guard FileManager.default.fileExists(atPath: file) else { return hostEnvironmentsOnly() }
        }
        let config: EnvironmentConfig
        do { config = try EnvironmentConfig.load(file: file) } catch { throw RunRequestError(error.items.map(\.description)) }
        var result: [String: JobEnvironment] = [:]
        var problems: [String] = []
        for rules in config.environments {
            var environment = JobEnvironment(rules: rules)
            if let secretsFile = rules.secretsFile {
                let path = secretsFile.hasPrefix("/") ? secretsFile : root + "/" + secretsFile
                if FileManager.default.fileExists(atPath: path) {
                    do {
                        for (key, value) in try Self.dotenv(path, what: "secret") { environment.secrets[key.uppercased()] = value }
                    } catch {
                        problems += error.problems
                    }
                } else {
                    environment.secretsProblem =
                        "the secrets file '\(secretsFile)' of environment \(rules.name) does not exist (\(rules.location))"
                }
            }
            for (name, values) in environmentSecrets where name.lowercased() == rules.name.lowercased() {
                for (key, value) in values { environment.secrets[key.uppercased()] = value }
            }
            if let name = environment.secrets.keys.sorted().first(where: { $0.hasPrefix("GITHUB_") }) {
                problems.append("secret names must not start with GITHUB_: '\(name)' of environment \(rules.name)")
            }
            result[rules.name.lowercased()] = environment
        }
        guard problems.isEmpty else { throw RunRequestError(problems) }
        for (name, values) in environmentSecrets where result[name.lowercased()] == nil {
            result[name.lowercased()] = JobEnvironment(rules: DeploymentEnvironment(name: name), secrets: Self.upperCased(values))
        }
        return result
    }

    /// Without a `slipway.yaml`, environments exist only through the host's secrets (no rules).
    func hostEnvironmentsOnly() -> [String: JobEnvironment] {
        var result: [String: JobEnvironment] = [:]
        for (name, values) in environmentSecrets {
            result[name.lowercased()] = JobEnvironment(rules: DeploymentEnvironment(name: name), secrets: Self.upperCased(values))
        }
        return result
    }

    static func upperCased(_ values: [String: String]) -> [String: String] {
        Dictionary(values.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
