import Manifests
import TargetKit

/// A failure as the API server reports it: a `Status` object with its reason and HTTP code, which kubectl prints as
/// `Error from server (Reason): message`.
public struct APIStatus: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: ManifestValue?

    public init(code: Int, reason: String, message: String, details: ManifestValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var description: String { message }

    public var object: ManifestValue {
        var fields: [String: ManifestValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Failure"),
            "message": .string(message), "reason": .string(reason), "code": .int(code),
        ]
        if let details { fields["details"] = details }
        return .object(fields)
    }

    static func details(_ resource: APIResource, name: String, causes: [ManifestValue] = []) -> ManifestValue {
        var fields: [String: ManifestValue] = ["name": .string(name), "kind": .string(resource.name)]
        if !resource.group.isEmpty { fields["group"] = .string(resource.group) }
        if !causes.isEmpty { fields["causes"] = .array(causes) }
        return .object(fields)
    }

    public static func notFound(_ resource: APIResource, name: String) -> APIStatus {
        APIStatus(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: details(resource, name: name))
    }

    public static func notFound(path: String) -> APIStatus {
        APIStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: .object([:]))
    }

    public static func badRequest(_ message: String) -> APIStatus { APIStatus(code: 400, reason: "BadRequest", message: message) }

    public static func methodNotAllowed(_ resource: APIResource, verb: String) -> APIStatus {
        APIStatus(
            code: 405, reason: "MethodNotAllowed",
            message: "\(verb) is not supported on \(resource.qualifiedName) by the local target: its controllers own them",
            details: details(resource, name: ""))
    }

    public static func invalid(_ resource: APIResource, name: String, message: String, field: String? = nil) -> APIStatus {
        var cause: [String: ManifestValue] = ["reason": .string("FieldValueInvalid"), "message": .string(message)]
        if let field { cause["field"] = .string(field) }
        return APIStatus(
            code: 422, reason: "Invalid",
            message: "\(resource.kind.kind)\(resource.group.isEmpty ? "" : "." + resource.group) \"\(name)\" is invalid: \(message)",
            details: details(resource, name: name, causes: [.object(cause)]))
    }

    public static func conflict(_ resource: APIResource, name: String, message: String, causes: [ManifestValue] = []) -> APIStatus {
        APIStatus(code: 409, reason: "Conflict", message: message, details: details(resource, name: name, causes: causes))
    }

    public static func unsupportedMediaType(_ type: String, accepted: [String]) -> APIStatus {
        APIStatus(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: \(accepted.joined(separator: ", "))")
    }

    /// A target's error in the API server's terms.
    static func from(_ error: TargetError, resource: APIResource, name: String) -> APIStatus {
        switch error {
        case .notFound(let what):
            if what.hasPrefix("namespaces \"") {
                return APIStatus(
                    code: 404, reason: "NotFound", message: "\(what) not found", details: .object(["kind": .string("namespaces")]))
            }
            return notFound(resource, name: name)
        case .alreadyExists:
            return APIStatus(code: 409, reason: "AlreadyExists", message: error.description, details: details(resource, name: name))
        case .modified:
            return conflict(resource, name: name, message: error.description)
        case .conflict(_, let conflicts):
            let version = resource.kind.preferredAPIVersion
            let causes: [ManifestValue] = conflicts.map {
                .object([
                    "reason": .string("FieldManagerConflict"),
                    "message": .string("conflict with \"\($0.manager)\" using \(version)"),
                    "field": .string("." + $0.field.joined(separator: ".")),
                ])
            }
            let message: String
            if conflicts.count == 1, let only = conflicts.first {
                message =
                    "Apply failed with 1 conflict: conflict with \"\(only.manager)\" using \(version): .\(only.field.joined(separator: "."))"
            } else {
                let byManager = Dictionary(grouping: conflicts, by: \.manager)
                message =
                    "Apply failed with \(conflicts.count) conflicts: "
                    + byManager.keys.sorted().map { manager in
                        "conflicts with \"\(manager)\" using \(version):\n"
                            + (byManager[manager] ?? []).map { "- .\($0.field.joined(separator: "."))" }.joined(separator: "\n")
                    }.joined(separator: "\n")
            }
            return conflict(resource, name: name, message: message, causes: causes)
        case .invalid(let why):
            if why.contains(" is invalid: ") {
                return APIStatus(code: 422, reason: "Invalid", message: why, details: details(resource, name: name))
            }
            return invalid(resource, name: name, message: why)
        case .mesh, .network, .sandbox:
            return APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: \(error.description)")
        }
    }
}
