extension TokenAuthority {
    /// What an API token may do in the registry the server serves (sent as a Basic password with any user name, or as
    /// a bearer token): viewers pull; developers and above push with a write-scoped token; admins with an admin-scoped
    /// token also delete. nil for a token that is unknown, revoked, or unreadable.
    func registryActions(user: String, password: String) -> Set<String>? {
        guard let principal = try? principal(token: password) else { return nil }
        var actions: Set<String> = ["pull"]
        if principal.allows(.developer, .write) { actions.insert("push") }
        if principal.allows(.admin, .admin) { actions.insert("delete") }
        return actions
    }
}
