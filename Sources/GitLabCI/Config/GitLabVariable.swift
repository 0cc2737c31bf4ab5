/// A variable as `.gitlab-ci.yml` or a pipeline's caller defines it.
public struct GitLabVariable: Sendable, Codable, Hashable {
    public var name: String
    public var value: String
    /// `expand: false` keeps `$` references as they are.
    public var expand: Bool
    /// A file-type variable: the job's environment holds the path of a file with the value.
    public var isFile: Bool

    public init(name: String, value: String, expand: Bool = true, isFile: Bool = false) {
        self.name = name
        self.value = value
        self.expand = expand
        self.isFile = isFile
    }
}

extension Array where Element == GitLabVariable {
    /// Later definitions replace earlier ones of the same name, keeping the first one's position.
    public func overlaid(with other: [GitLabVariable]) -> [GitLabVariable] {
        var result = self
        for variable in other {
            if let index = result.firstIndex(where: { $0.name == variable.name }) {
                result[index] = variable
            } else {
                result.append(variable)
            }
        }
        return result
    }

    public var dictionary: [String: String] {
        var values: [String: String] = [:]
        for variable in self { values[variable.name] = variable.value }
        return values
    }
}
