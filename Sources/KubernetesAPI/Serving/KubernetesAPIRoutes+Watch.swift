import Foundation
import Hummingbird
import Manifests
import NIOCore
import ServiceLifecycle
import TargetKit

extension KubernetesAPIRoutes {
    /// One JSON event per line, as the API server streams them: from `resourceVersion` on (unset or `0`: every
    /// matching object first, as ADDED), objects that stop or start matching the selectors leave or enter as DELETED
    /// or ADDED, bookmarks when asked for (periodically and as the watch times out), ERROR 410 when the version is older
    /// than the store keeps; the stream ends after `timeoutSeconds` (default 30 minutes) or when the server shuts down.
    func watch(_ request: Request, path: APIRequestPath, resource: APIResource) async throws -> Response {
        let selection = try selection(request, resource: resource)
        let namespace = resource.isNamespaced ? path.namespace : nil
        let store = backend.store
        let requested = Self.query(request, "resourceVersion")
        let (current, version) = await store.snapshot(resource.kind, namespace: namespace)
        let initial: [ManifestValue]
        let start: Int
        if let requested, requested != "0" {
            guard let number = Int(requested) else { throw APIStatus.badRequest("resourceVersion: Invalid value: \"\(requested)\"") }
            start = number
            initial = []
        } else {
            initial = current.filter(selection.matches)
            start = version
        }
        let events = await store.watch(after: start)
        let table = Self.wantsTable(request)
        let bookmarks = Self.flag(request, "allowWatchBookmarks")
        let timeout = Self.query(request, "timeoutSeconds").flatMap(Int.init).map { Duration.seconds(max(1, $0)) } ?? .seconds(1800)
        let includeObject = Self.query(request, "includeObject")
        let apiVersion = path.apiVersion
        let interval = bookmarkInterval
        let routes = self
        // Objects this watch has shown as matching, so a change that makes one stop matching is a deletion to it.
        let shownBefore = Set(current.filter(selection.matches).compactMap { ObjectKey.of($0) })
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache, private"],
            body: ResponseBody { writer in
                var headers = true
                func send(_ type: String, _ object: ManifestValue, key: ObjectKey?) async throws {
                    var shown = object
                    if let key { shown = await routes.present(object, key: key, apiVersion: apiVersion) }
                    if table, type != "BOOKMARK", type != "ERROR" {
                        let version = shown.value(at: ["metadata", "resourceVersion"])?.string ?? ""
                        shown = routes.tables.table(
                            [shown], resource: resource, includeObject: includeObject, resourceVersion: version, continueToken: nil,
                            headers: headers)
                        headers = false
                    }
                    let line: ManifestValue = .object(["type": .string(type), "object": shown])
                    try await writer.write(ByteBuffer(string: line.jsonText + "\n"))
                }
                guard let events else {
                    let expired = APIStatus(
                        code: 410, reason: "Expired", message: "too old resource version: \(start) (\(version))")
                    try await send("ERROR", expired.object, key: nil)
                    try await writer.finish(nil)
                    return
                }
                for object in initial { try await send("ADDED", object, key: ObjectKey.of(object)) }
                // One stream of everything that may be written: changes, bookmark ticks, the end.
                let (items, sink) = AsyncStream.makeStream(of: WatchItem.self)
                let forward = Task {
                    for await event in events { sink.yield(.change(event)) }
                    sink.yield(.end)
                }
                let ticks = Task {
                    let deadline = ContinuousClock.now + timeout
                    while ContinuousClock.now < deadline {
                        let next = min(deadline, ContinuousClock.now + interval)
                        try? await Task.sleep(until: next)
                        if Task.isCancelled { return }
                        if bookmarks, ContinuousClock.now < deadline { sink.yield(.bookmark) }
                    }
                    // A last bookmark as the watch times out: the client resumes from the newest version it could.
                    if bookmarks { sink.yield(.bookmark) }
                    sink.yield(.end)
                }
                defer {
                    forward.cancel()
                    ticks.cancel()
                }
                var matching = shownBefore
                var latest = version
                try await withGracefulShutdownHandler {
                    loop: for await item in items {
                        switch item {
                        case .end: break loop
                        case .bookmark:
                            let mark: ManifestValue = .object([
                                "kind": .string(resource.kind.kind), "apiVersion": .string(apiVersion),
                                "metadata": .object(["resourceVersion": .string(String(latest))]),
                            ])
                            try await send("BOOKMARK", mark, key: nil)
                        case .change(let event):
                            latest = max(latest, event.resourceVersion)
                            guard event.key.kind == resource.kind, namespace == nil || event.key.namespace == namespace else { continue }
                            let matches = selection.matches(event.object)
                            // As the API server's watch cache: the previous object decides whether this one entered,
                            // stayed in or left the selection.
                            let matched = event.previous.map(selection.matches) ?? matching.contains(event.key)
                            switch event.change {
                            case .deleted:
                                matching.remove(event.key)
                                if matches { try await send("DELETED", event.object, key: nil) }
                            case .added:
                                if matches {
                                    matching.insert(event.key)
                                    try await send("ADDED", event.object, key: event.key)
                                }
                            case .modified:
                                if matches {
                                    matching.insert(event.key)
                                    try await send(matched ? "MODIFIED" : "ADDED", event.object, key: event.key)
                                } else if matched {
                                    matching.remove(event.key)
                                    try await send("DELETED", event.object, key: nil)
                                }
                            }
                        }
                    }
                } onGracefulShutdown: {
                    sink.yield(.end)
                }
                try await writer.finish(nil)
            })
    }
}

/// What a watch's stream may write next: a change, a bookmark, or the end.
enum WatchItem: Sendable {
    case change(ObjectEvent)
    case bookmark
    case end
}
