import Store

/// An accepted event (a webhook delivery, a push) and what became of it.
struct DeliveryJSON: Codable, Sendable {
    var id: Int64
    var projectId: Int64
    var source: String
    var deliveryId: String
    var event: String
    var action: String?
    var ref: String
    var sha: String
    var state: String
    var reason: String?
    var createdAt: String?
    var startedAt: String?
    var finishedAt: String?

    init(_ row: EventRow) {
        id = row.id ?? 0
        projectId = row.projectId
        source = row.source
        deliveryId = row.deliveryId
        event = row.event
        action = row.action
        ref = row.ref
        sha = row.sha
        state = row.state
        reason = row.reason
        createdAt = APIReply.time(row.createdAt)
        startedAt = APIReply.time(row.startedAt)
        finishedAt = APIReply.time(row.finishedAt)
    }
}
