import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import TargetKit

extension KubernetesTarget {
    /// Every later change of the watched kinds: one list+watch per kind the server serves, resumed from the last
    /// resource version it saw (bookmarks keep that fresh), relisted on `410 Expired` with the differences reported
    /// as changes, so no change is lost and none is reported twice. Each kind is listed before this returns, so every
    /// change made after it is reported. Ends when the consumer stops iterating.
    public func watch() async -> AsyncStream<ObjectEvent> {
        let (stream, sink) = AsyncStream.makeStream(of: ObjectEvent.self, bufferingPolicy: .unbounded)
        let served = (try? await connection.discover()) ?? [:]
        var starts: [(ObjectKind, KubernetesConnection.Resource, [ObjectKey: ManifestValue], String?)] = []
        for kind in watchedKinds {
            guard let resource = served[kind], resource.verbs.contains("watch") else { continue }
            // A kind that cannot be listed now is listed by its follower once the server answers.
            if let (items, version) = try? await list(resource, kind: kind, namespace: nil) {
                let known = Dictionary(items.compactMap { item in Self.key(item, kind: kind, resource: resource).map { ($0, item) } }) {
                    a, _ in a
                }
                starts.append((kind, resource, known, version))
            } else {
                starts.append((kind, resource, [:], nil))
            }
        }
        let followers = starts
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for (kind, resource, known, version) in followers {
                    group.addTask { await follow(kind, resource: resource, known: known, version: version, sink: sink) }
                }
            }
        }
        sink.onTermination = { _ in task.cancel() }
        return stream
    }

    private func follow(
        _ kind: ObjectKind, resource: KubernetesConnection.Resource, known: [ObjectKey: ManifestValue], version: String?,
        sink: AsyncStream<ObjectEvent>.Continuation
    ) async {
        var known = known
        var version = version
        var failures = 0
        while !Task.isCancelled {
            do {
                if version == nil {
                    // (Re)list: what changed while no watch ran is reported as changes.
                    let (items, listed) = try await list(resource, kind: kind, namespace: nil)
                    var fresh: [ObjectKey: ManifestValue] = [:]
                    for item in items {
                        guard let key = Self.key(item, kind: kind, resource: resource) else { continue }
                        fresh[key] = item
                    }
                    for (key, object) in fresh.sorted(by: { $0.key < $1.key })
                    where known[key]?.value(at: ["metadata", "resourceVersion"]) != object.value(at: ["metadata", "resourceVersion"]) {
                        sink.yield(
                            ObjectEvent(change: known[key] == nil ? .added : .modified, key: key, object: object, previous: known[key]))
                    }
                    for (key, object) in known.sorted(by: { $0.key < $1.key }) where fresh[key] == nil {
                        sink.yield(ObjectEvent(change: .deleted, key: key, object: object))
                    }
                    known = fresh
                    version = listed
                }
                let response = try await connection.request(
                    .GET, resource.path(namespace: nil),
                    query: ["watch": "true", "allowWatchBookmarks": "true", "timeoutSeconds": "300", "resourceVersion": version ?? "0"],
                    timeout: .seconds(330))
                if response.status.code == 410 {
                    version = nil
                    continue
                }
                guard response.status.code == 200 else {
                    throw KubernetesClientError.transport("watch \(resource.name): \(response.status)")
                }
                var buffer = ""
                for try await chunk in response.body {
                    buffer += String(buffer: chunk)
                    while let newline = buffer.firstIndex(of: "\n") {
                        let line = String(buffer[..<newline])
                        buffer = String(buffer[buffer.index(after: newline)...])
                        guard let event = try? ManifestValue(json: Data(line.utf8)), let type = event["type"]?.string,
                            var object = event["object"]
                        else { continue }
                        switch type {
                        case "BOOKMARK":
                            version = object.value(at: ["metadata", "resourceVersion"])?.string ?? version
                        case "ERROR":
                            // 410 Expired (or another failure): list again.
                            version = nil
                        default:
                            object["apiVersion"] = object["apiVersion"] ?? .string(resource.apiVersion)
                            object["kind"] = object["kind"] ?? .string(kind.kind)
                            guard let key = Self.key(object, kind: kind, resource: resource) else { continue }
                            version = object.value(at: ["metadata", "resourceVersion"])?.string ?? version
                            let change: ObjectEvent.Change = type == "ADDED" ? .added : type == "DELETED" ? .deleted : .modified
                            let previous = known[key]
                            if change == .deleted { known[key] = nil } else { known[key] = object }
                            sink.yield(ObjectEvent(change: change, key: key, object: object, previous: previous))
                        }
                    }
                    if version == nil { break }
                }
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                // The server is unreachable or refused: try again with growing pauses (up to 10 s).
                try? await Task.sleep(for: .milliseconds(min(10_000, 200 * (1 << min(failures, 6)))))
            }
        }
    }

    static func key(_ object: ManifestValue, kind: ObjectKind, resource: KubernetesConnection.Resource) -> ObjectKey? {
        guard let name = object.value(at: ["metadata", "name"])?.string else { return nil }
        return ObjectKey(
            kind, namespace: resource.namespaced ? object.value(at: ["metadata", "namespace"])?.string ?? "default" : "", name: name)
    }
}
