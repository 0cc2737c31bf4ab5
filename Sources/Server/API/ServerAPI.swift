import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OCIRegistry
import Releases
import Store

/// The server's HTTP API: `/healthz`, `/livez` and `/readyz` for anyone, webhooks authenticated by their signatures,
/// everything else by a user's token (`Authorization: Bearer`). Anonymous and unknown callers learn nothing about what exists.
public struct ServerAPI: Sendable {
    let store: ServerStore
    let tokens: TokenAuthority
    let secrets: SecretBox
    let worker: EventWorker
    /// The releases of the delivery store the canary controller writes, and where gate decisions go.
    let releases: ReleaseRecords
    /// GitHub's limit: larger deliveries are refused with 413.
    static let webhookLimit = 25 << 20

    /// Looks at projects' heads (polling, push hooks).
    let poller: ProjectPoller
    /// How to install push hooks in local repositories (none in process tests).
    let hooks: HookSettings?
    /// The projects' applications and their controllers.
    let supervisor: ApplicationSupervisor
    /// Changes of deliveries, runs, releases and syncs, for `/api/v1/events`.
    let feed: ChangeFeed
    /// Slipway's registry, under `/v2/` on the same address, signed in to with the API's tokens.
    let registry: RegistryServer
    /// Jobs sent to runners on other machines, and their runners' API.
    let runnerJobs: RunnerJobDispatcher

    /// What a push hook runs: this executable's `server notify`, against this data directory.
    struct HookSettings: Sendable {
        var executable: String
        var dataDirectory: String
    }

    init(
        store: ServerStore, secrets: SecretBox, worker: EventWorker, releases: ReleaseRecords, poller: ProjectPoller,
        supervisor: ApplicationSupervisor, feed: ChangeFeed, registryStorage: RegistryStorage, runnerJobs: RunnerJobDispatcher,
        hooks: HookSettings?
    ) {
        self.runnerJobs = runnerJobs
        self.feed = feed
        self.supervisor = supervisor
        self.store = store
        self.releases = releases
        self.poller = poller
        self.hooks = hooks
        tokens = TokenAuthority(store: store)
        registry = RegistryServer(storage: registryStorage, access: RegistryAccess(anonymous: .none, verifier: tokens.registryActions))
        self.secrets = secrets
        self.worker = worker
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = self
        var slow = Logger(label: "slipway.server.http")
        slow.logLevel = .warning
        router.add(middleware: SlowRequestLog(threshold: .seconds(5), logger: slow))
        router.get("/healthz") { _, _ in APIReply.text("ok\n") }
        // Liveness: the process serves. Readiness: its database answers and has this build's schema, so a load balancer
        // sends requests only to replicas that can serve them.
        router.get("/livez") { _, _ in APIReply.text("ok\n") }
        router.get("/readyz") { _, _ in api.readiness() }
        router.get("/api/v1/openapi.json") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in APIReply.text(OpenAPIDocument.json, contentType: "application/json") }
        }
        router.post("/api/v1/hooks/git") { request, _ in await api.pushHook(request) }
        for provider in WebhookProvider.allCases {
            router.post("/api/v1/hooks/\(provider.rawValue)") { request, _ in await api.webhook(provider, request) }
        }
        router.get("/api/v1/me") { request, _ in
            try await api.authorized(request, .viewer, .read) { principal in
                APIReply.json(["name": principal.userName, "role": principal.role.rawValue, "scope": principal.scope.rawValue])
            }
        }
        router.get("/api/v1/projects") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in APIReply.json(try api.store.projects().map(ProjectJSON.init)) }
        }
        router.post("/api/v1/projects") { request, _ in
            try await api.authorized(request, .admin, .admin) { _ in try await api.addProject(request) }
        }
        router.get("/api/v1/projects/:id") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let project = try api.project(context.parameters.get("id")) else { return APIReply.notFound }
                return APIReply.json(ProjectJSON(project))
            }
        }
        router.get("/api/v1/deliveries") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in
                let query = request.uri.queryParameters
                let rows = try api.store.events(
                    projectId: query["project"].flatMap { Int64(String($0)) }, beforeId: query["before"].flatMap { Int64(String($0)) },
                    limit: Self.pageLimit(request))
                return APIReply.json(rows.map(DeliveryJSON.init))
            }
        }
        router.get("/api/v1/deliveries/:id") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let row = try api.store.event(id: id) else {
                    return APIReply.notFound
                }
                return APIReply.json(DeliveryJSON(row))
            }
        }
        addRunRoutes(to: router)
        addDeploymentRoutes(to: router)
        addEnvironmentSecretRoutes(to: router)
        addPromotionRoutes(to: router)
        addUserRoutes(to: router)
        addGitLabTriggerRoutes(to: router)
        addLiveLogRoutes(to: router)
        addReleaseRoutes(to: router)
        addApplicationRoutes(to: router)
        addEventRoutes(to: router)
        addSecretRoutes(to: router)
        addVariableRoutes(to: router)
        addRunnerRoutes(to: router)
        addUIRoutes(to: router)
        registry.addRoutes(to: router)
        return router
    }

    /// The principal of a request's token; nil when it has none or a bad one.
    func principal(_ request: Request) throws -> Principal? {
        if let header = request.headers[.authorization] { return try tokens.principal(bearer: header) }
        // The UI's session cookie: reading as its token may; changing state also needs the header only the UI's own
        // script sends, so another site's form cannot act with a signed-in browser's cookie.
        guard let token = Self.sessionToken(request) else { return nil }
        if request.method != .get, request.method != .head, Self.header("X-Slipway-UI", request.headers) != "1" { return nil }
        return try tokens.principal(token: token)
    }

    /// Runs `body` for a caller whose role and token scope allow it: 401 without a valid token, 403 without the rights;
    /// an `APIFailure` thrown by `body` is answered with its status and text.
    func authorized(
        _ request: Request, _ role: Role, _ scope: TokenScope, _ body: (Principal) async throws -> Response
    ) async throws -> Response {
        guard let principal = try principal(request) else { return APIReply.unauthorized }
        guard principal.allows(role, scope) else { return APIReply.forbidden }
        do { return try await body(principal) } catch let failure as APIFailure { return failure.response }
    }

    /// A listing's `limit`: 1 to 500, 50 when not given.
    static func pageLimit(_ request: Request) -> Int {
        min(max(request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50, 1), 500)
    }

    /// A project by numeric id or by name.
    func project(_ key: String?) throws -> ProjectRow? {
        guard let key else { return nil }
        if let id = Int64(key) { return try store.project(id: id) }
        return try store.project(named: key)
    }

    func addProject(_ request: Request) async throws -> Response {
        let body = try await APIReply.decode(NewProject.self, from: request)
        let name = body.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), Int64(name) == nil else {
            return APIFailure(.badRequest, "'name' must be 1 to 200 characters, without '/', and not a number").response
        }
        guard !body.repository.isEmpty else { return APIFailure(.badRequest, "'repository' must not be empty").response }
        if let secret = body.webhookSecret, secret.isEmpty {
            return APIFailure(.badRequest, "'webhook_secret' must not be empty when given").response
        }
        let sealed = try body.webhookSecret.map { try secrets.seal($0) }
        let row = ProjectRow(
            name: name, repository: body.repository, defaultBranch: body.defaultBranch ?? "main", webhookSecret: sealed,
            createdAt: Date().timeIntervalSince1970)
        let added: ProjectRow
        do { added = try store.addProject(row) } catch ServerStoreError.nameTaken {
            return APIFailure(.conflict, "a project named '\(name)' exists").response
        }
        var json = ProjectJSON(added)
        if let hooks, let id = added.id {
            let token = "slh_" + TokenAuthority.randomHex(bytes: 32)
            let refusal = PushHook.install(
                in: added.repository, executable: hooks.executable, dataDirectory: hooks.dataDirectory, projectId: id, token: token)
            if refusal == nil { try store.setHookToken(projectId: id, hash: TokenAuthority.hash(token)) }
            json.pushHook = refusal ?? "installed"
        }
        // The heads it has now are not new: only what is pushed from here on starts runs.
        await poller.look(at: added)
        return APIReply.json(json, status: .created)
    }
}
