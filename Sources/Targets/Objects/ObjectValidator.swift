import Foundation
import Manifests
import TargetKit

/// Checks objects before they are stored, the way the API server and Istio's webhook would, and normalises them:
/// the kind must be known, names valid, specs well-formed; `stringData` folds into a Secret's `data`.
struct ObjectValidator {
    struct Checked {
        var key: ObjectKey
        var object: ManifestValue
        var ignoredFields: [String]
    }

    static func check(_ object: ManifestValue) throws(TargetError) -> Checked {
        guard object.object != nil else { throw .invalid("the object is not a mapping") }
        let apiVersion = object["apiVersion"]?.string ?? ""
        let kindName = object["kind"]?.string ?? ""
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        guard !apiVersion.isEmpty, !kindName.isEmpty else {
            throw .invalid("error validating data: [apiVersion not set, kind not set]; every object needs apiVersion and kind")
        }
        guard let kind = ObjectKind.resolve(apiVersion: apiVersion, kind: kindName) else {
            throw .invalid(
                "resource mapping not found for name: \"\(name)\": no matches for kind \"\(kindName)\" in version \"\(apiVersion)\"")
        }
        guard !name.isEmpty else {
            throw .invalid("The \(kindName) \"\" is invalid: metadata.name: Required value: name or generateName is required")
        }
        let validName = kind == .service || kind == .namespace ? Names.isLabel(name) : Names.isSubdomain(name)
        guard validName else {
            throw .invalid(
                "The \(kindName) \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": a lowercase RFC 1123 "
                    + "\(kind == .service || kind == .namespace ? "label" : "subdomain") must consist of lower case alphanumeric "
                    + "characters, '-' or '.', and must start and end with an alphanumeric character"
            )
        }
        let namespace = object.value(at: ["metadata", "namespace"])?.string ?? "default"
        let reader = FieldReader(kind: kind.group.isEmpty ? kindName : "\(kindName).\(kind.group)", name: name)
        _ = try reader.labels(object.value(at: ["metadata", "labels"]), "metadata.labels")
        var normalized = object
        normalized["status"] = nil
        var ignored: [String] = []
        switch kind {
        case .deployment:
            let spec = try DeploymentSpec(object)
            ignored = spec.pod.ignoredFields
        case .service:
            _ = try ServiceSpec(object)
            let type = object.value(at: ["spec", "type"])?.string ?? "ClusterIP"
            guard ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(type) else {
                throw reader.invalid(
                    "spec.type",
                    "Unsupported value: \"\(type)\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")
            }
        case .virtualService:
            _ = try VirtualServiceSpec(object)
        case .destinationRule:
            _ = try DestinationRuleSpec(object)
        case .configMap:
            if let data = object["data"], data.stringMap == nil {
                throw reader.invalid("data", "Invalid value: every value must be a string")
            }
        case .secret:
            var data = object["data"]?.object ?? [:]
            for (key, value) in data {
                guard let text = value.string, Data(base64Encoded: text) != nil else {
                    throw reader.invalid("data[\(key)]", "Invalid value: <secret contents redacted>: illegal base64 data")
                }
            }
            if let extra = object["stringData"] {
                guard let map = extra.stringMap else { throw reader.invalid("stringData", "Invalid value: every value must be a string") }
                for (key, value) in map { data[key] = .string(Data(value.utf8).base64EncodedString()) }
                normalized["stringData"] = nil
                normalized["data"] = .object(data)
            }
        case .pod:
            throw .invalid("The Pod \"\(name)\" cannot be applied to the local target: run pods through a Deployment")
        case .replicaSet:
            throw .invalid("The ReplicaSet \"\(name)\" cannot be applied to the local target: ReplicaSets belong to Deployments")
        default:
            break
        }
        if !kind.isActedOn { ignored.append("kind \(kindName) (kept, no effect locally)") }
        return Checked(key: ObjectKey(kind, namespace: namespace, name: name), object: normalized, ignoredFields: ignored)
    }
}
