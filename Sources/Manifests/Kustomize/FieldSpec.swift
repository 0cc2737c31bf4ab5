/// Where a transformer acts: a slash-separated path in resources of a matching group/version/kind. A path that runs
/// into a list applies to every element (`spec/volumeClaimTemplates[]/metadata/labels`), as kustomize's do.
public struct FieldSpec: Sendable, Hashable {
    public var group = ""
    public var version = ""
    public var kind = ""
    public var path: [String]
    /// Indices of the segments written `name[]`: lists, which `create` never makes (a StatefulSet without
    /// `volumeClaimTemplates` gets none from a label).
    public var listSegments: Set<Int> = []
    public var create = false

    public init(_ path: String, kind: String = "", group: String = "", version: String = "", create: Bool = false) {
        let raw = Self.rawSegments(path)
        self.path = raw.map { $0.hasSuffix("[]") ? String($0.dropLast(2)) : $0 }
        listSegments = Set(raw.enumerated().filter { $0.element.hasSuffix("[]") }.map(\.offset))
        self.kind = kind
        self.group = group
        self.version = version
        self.create = create
    }

    init(decoding item: StrictDecoder) throws(KustomizeError) {
        let f = try item.fields(known: ["group", "version", "kind", "path", "create"])
        self.init(
            try f["path"]?.string() ?? "", kind: try f["kind"]?.string() ?? "", group: try f["group"]?.string() ?? "",
            version: try f["version"]?.string() ?? "", create: try f["create"]?.bool() ?? false)
    }

    /// The path's segments; `\\/` is a slash inside one (`metadata/annotations/example.com\\/key`), as in kustomize.
    static func rawSegments(_ path: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var escaped = false
        for character in path {
            if escaped {
                if character != "/" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "/" {
                if !current.isEmpty { segments.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    func applies(to resource: Resource) -> Bool { applies(to: resource, kind: resource.kind) }

    /// Whether it applies to `resource` taken as being of `kind` (kustomize selects referrers by their original kind).
    func applies(to resource: Resource, kind: String) -> Bool {
        (self.kind.isEmpty || self.kind == kind) && (group.isEmpty || group == resource.group)
            && (version.isEmpty || version == resource.version)
    }
}

extension ManifestValue {
    /// Runs `body` on every value at `path` (through lists), creating missing maps when `create` is set — but never
    /// a missing list (`lists`: indices into the whole path of segments that name one). `body` receives `.null` for a
    /// field it is creating.
    mutating func visit(
        _ path: ArraySlice<String>, create: Bool, lists: Set<Int> = [], _ body: (inout ManifestValue) throws(KustomizeError) -> Void
    ) throws(KustomizeError) {
        guard let key = path.first else {
            try body(&self)
            return
        }
        if case .null = self, create { self = .object([:]) }
        switch self {
        case .array(var items):
            for index in items.indices { try items[index].visit(path, create: create, lists: lists, body) }
            self = .array(items)
        case .object(var fields):
            if var child = fields[key] {
                fields[key] = nil  // keep the child uniquely referenced while it changes
                try child.visit(path.dropFirst(), create: create, lists: lists, body)
                fields[key] = child
            } else if create, !lists.contains(path.startIndex) {
                var child = ManifestValue.null
                if path.count > 1 { child = .object([:]) }
                try child.visit(path.dropFirst(), create: create, lists: lists, body)
                fields[key] = child
            }
            self = .object(fields)
        default:
            return
        }
    }
}
