/// The built-in actions a run may use, by name: the one place where a `uses:` name is matched to an implementation.
public struct ActionRegistry: Sendable {
    private let byName: [String: any BuiltinAction]

    /// No built-in actions: every `uses:` must be local or mapped.
    public static let none = ActionRegistry([])

    public init(_ actions: [any BuiltinAction]) {
        var byName: [String: any BuiltinAction] = [:]
        for action in actions {
            for name in action.names { byName[name.lowercased()] = action }
        }
        self.byName = byName
    }

    /// The action a `uses:` name (without `@ref`) refers to; names are case-insensitive, as on GitHub.
    public func action(named name: String) -> (any BuiltinAction)? { byName[name.lowercased()] }

    /// Every name served, sorted.
    public var names: [String] { byName.keys.sorted() }
}
