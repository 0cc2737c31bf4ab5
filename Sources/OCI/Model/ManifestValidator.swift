import Foundation

/// Checks a pushed manifest against the OCI image-spec and Docker schema 2 shapes before a registry stores it, so
/// that what it serves is always a manifest a client can use. Problems name the JSON path (`layers[2].size`) and what
/// was expected there.
public enum ManifestValidator {
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Where in the document: `layers[2].digest`, or `$` for the whole.
        public var path: String
        public var message: String

        public var description: String { "\(path): \(message)" }
    }

    /// What a valid manifest is and names.
    public struct Checked: Sendable, Hashable {
        public var mediaType: String
        /// The config, layers and child manifests it names, in document order.
        public var references: [Digest]
        /// The manifest it refers to (an artifact's subject), which may be pushed after it.
        public var subject: Digest?
    }

    /// Validates `data`, pushed with `contentType` (the request's Content-Type, when it had one).
    public static func validate(_ data: Data, contentType: String?) throws(Problem) -> Checked {
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw Problem(path: "$", message: "not JSON; expected a manifest (a JSON object)")
        }
        guard let object = parsed as? [String: Any] else { throw Problem(path: "$", message: "expected a JSON object") }
        guard let version = object["schemaVersion"] as? NSNumber, !isBoolean(version), version.intValue == 2, version.doubleValue == 2
        else {
            throw Problem(path: "schemaVersion", message: "expected 2 (schema 1 and other versions are not accepted)")
        }
        let declared = try optionalString(object, "mediaType", path: "mediaType")
        let contentType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        let known = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]
        if let declared, let contentType, !contentType.isEmpty, declared != contentType {
            throw Problem(path: "mediaType", message: "'\(declared)' does not match the Content-Type '\(contentType)'")
        }
        // Without either, the shape decides: `manifests` makes an index.
        let mediaType =
            declared ?? (contentType.flatMap { $0.isEmpty ? nil : $0 })
            ?? (object["manifests"] != nil ? MediaType.ociIndex : MediaType.ociManifest)
        guard known.contains(mediaType) else {
            throw Problem(
                path: "mediaType", message: "'\(mediaType)' is not a manifest type; expected one of \(known.joined(separator: ", "))")
        }
        var references: [Digest] = []
        if MediaType.isIndex(mediaType) {
            guard let manifests = object["manifests"] as? [Any] else {
                throw Problem(path: "manifests", message: "expected an array of descriptors")
            }
            for (index, item) in manifests.enumerated() { references.append(try descriptor(item, path: "manifests[\(index)]")) }
        } else {
            guard let config = object["config"] else { throw Problem(path: "config", message: "expected a descriptor; it is missing") }
            references.append(try descriptor(config, path: "config"))
            guard let layers = object["layers"] as? [Any] else {
                throw Problem(path: "layers", message: "expected an array of descriptors")
            }
            for (index, item) in layers.enumerated() { references.append(try descriptor(item, path: "layers[\(index)]")) }
        }
        try stringMap(object["annotations"], path: "annotations")
        _ = try optionalString(object, "artifactType", path: "artifactType")
        var subject: Digest?
        if let value = object["subject"], !(value is NSNull) { subject = try descriptor(value, path: "subject") }
        return Checked(mediaType: mediaType, references: references, subject: subject)
    }

    static func descriptor(_ value: Any, path: String) throws(Problem) -> Digest {
        guard let object = value as? [String: Any] else { throw Problem(path: path, message: "expected a descriptor (a JSON object)") }
        guard let mediaType = try optionalString(object, "mediaType", path: "\(path).mediaType"), !mediaType.isEmpty else {
            throw Problem(path: "\(path).mediaType", message: "expected a media type; it is missing")
        }
        guard let text = try optionalString(object, "digest", path: "\(path).digest") else {
            throw Problem(path: "\(path).digest", message: "expected a digest; it is missing")
        }
        guard let digest = try? Digest(parsing: text) else {
            throw Problem(path: "\(path).digest", message: "'\(text)' is not a digest; expected sha256:<64 hex>")
        }
        guard let size = object["size"] as? NSNumber, !isBoolean(size), size.doubleValue >= 0,
            size.doubleValue == size.doubleValue.rounded(), size.doubleValue < 9.0e15
        else {
            throw Problem(path: "\(path).size", message: "expected a non-negative whole number of bytes")
        }
        try stringMap(object["annotations"], path: "\(path).annotations")
        _ = try optionalString(object, "artifactType", path: "\(path).artifactType")
        if let urls = object["urls"], !(urls is NSNull) {
            guard let list = urls as? [Any], list.allSatisfy({ $0 is String }) else {
                throw Problem(path: "\(path).urls", message: "expected an array of strings")
            }
        }
        if let value = object["platform"], !(value is NSNull) {
            guard let platform = value as? [String: Any] else { throw Problem(path: "\(path).platform", message: "expected an object") }
            for key in ["architecture", "os"] {
                guard let text = try optionalString(platform, key, path: "\(path).platform.\(key)"), !text.isEmpty else {
                    throw Problem(path: "\(path).platform.\(key)", message: "expected a string; it is required")
                }
            }
            _ = try optionalString(platform, "os.version", path: "\(path).platform.os.version")
            _ = try optionalString(platform, "variant", path: "\(path).platform.variant")
            if let features = platform["os.features"], !(features is NSNull) {
                guard let list = features as? [Any], list.allSatisfy({ $0 is String }) else {
                    throw Problem(path: "\(path).platform.os.features", message: "expected an array of strings")
                }
            }
        }
        return digest
    }

    /// Annotations: an object whose values are all strings.
    static func stringMap(_ value: Any?, path: String) throws(Problem) {
        guard let value, !(value is NSNull) else { return }
        guard let map = value as? [String: Any], map.values.allSatisfy({ $0 is String }) else {
            throw Problem(path: path, message: "expected an object of strings")
        }
    }

    static func optionalString(_ object: [String: Any], _ key: String, path: String) throws(Problem) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw Problem(path: path, message: "expected a string") }
        return text
    }

    /// JSONSerialization answers booleans as NSNumber too.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
