import Foundation
import Manifests
import TargetKit

/// A field selector (`metadata.name=web`, `involvedObject.uid=…`, `status.phase!=Running`), over the fields the API
/// server lets each resource be selected by.
public struct FieldSelector: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public var field: String
        public var value: String
        public var equal: Bool
    }

    public var requirements: [Requirement]

    /// Fields every resource may be selected by; some resources add their own.
    static func selectable(_ resource: APIResource) -> [String] {
        var fields = ["metadata.name", "metadata.namespace"]
        switch resource.kind.kind {
        case "Event":
            fields += [
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
                "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
            ]
        case "Pod":
            fields += [
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP",
            ]
        case "Secret": fields += ["type"]
        case "Namespace": fields += ["status.phase"]
        default: break
        }
        return fields
    }

    public static func parse(_ text: String, for resource: APIResource) throws(APIStatus) -> FieldSelector {
        var requirements: [Requirement] = []
        let allowed = selectable(resource)
        for part in text.split(separator: ",") {
            let item = String(part)
            let equal: Bool
            let pieces: [String]
            if item.contains("!=") {
                equal = false
                pieces = item.components(separatedBy: "!=")
            } else if item.contains("==") {
                equal = true
                pieces = item.components(separatedBy: "==")
            } else {
                equal = true
                pieces = item.components(separatedBy: "=")
            }
            guard pieces.count == 2 else { throw .badRequest("invalid selector: '\(text)'; can't understand '\(item)'") }
            let field = pieces[0].trimmingCharacters(in: .whitespaces)
            guard allowed.contains(field) else {
                throw .badRequest(
                    "field label not supported: \(field): \"\(field)\" is not a known field selector: only "
                        + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            requirements.append(Requirement(field: field, value: pieces[1].trimmingCharacters(in: .whitespaces), equal: equal))
        }
        return FieldSelector(requirements: requirements)
    }

    public func matches(_ object: ManifestValue) -> Bool {
        requirements.allSatisfy { requirement in
            let path = requirement.field.split(separator: ".").map(String.init)
            let actual = object.value(at: path)?.scalarText ?? ""
            return (actual == requirement.value) == requirement.equal
        }
    }
}
