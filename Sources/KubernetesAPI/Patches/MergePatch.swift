import Manifests

/// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge key by key, `null` removes, anything
/// else (lists included) replaces.
public enum MergePatch {
    public static func apply(_ patch: ManifestValue, to document: ManifestValue) -> ManifestValue {
        guard case .object(let changes) = patch else { return patch }
        var fields = document.object ?? [:]
        for (key, value) in changes {
            if value.isNull {
                fields[key] = nil
            } else {
                fields[key] = apply(value, to: fields[key] ?? .null)
            }
        }
        return .object(fields)
    }
}
