import Store

/// A pipeline as GitLab's API answers it (`POST …/trigger/pipeline`, `GET …/pipelines/:id`): GitLab's fields, with
/// `null` where GitLab has nothing yet.
struct PipelineJSON: Encodable {
    let row: PipelineRow
    let webURL: String
    let user: [String: AnyJSON]?

    func encode(to encoder: any Encoder) throws {
        let status = row.status
        let object: [String: AnyJSON] = [
            "id": .number(Double(row.id ?? 0)), "iid": .number(Double(row.iid)), "project_id": .number(Double(row.projectId)),
            "sha": .string(row.sha), "ref": .string(row.ref), "status": .string(status), "source": .string(row.source),
            "created_at": .string(APIReply.time(row.createdAt) ?? ""), "updated_at": .string(APIReply.time(row.updatedAt) ?? ""),
            "web_url": .string(webURL), "before_sha": .string(String(repeating: "0", count: 40)), "tag": .bool(row.tag),
            "yaml_errors": .null, "user": user.map { .object($0) } ?? .null, "started_at": .null, "finished_at": .null,
            "committed_at": .null, "duration": .null, "queued_duration": .null, "coverage": .null,
            "detailed_status": .object([
                "icon": .string("status_\(status)"), "text": .string(status), "label": .string(status), "group": .string(status),
                "tooltip": .string(status), "has_details": .bool(false), "details_path": .string(webURL), "illustration": .null,
                "favicon": .string("favicon_status_\(status)"),
            ]),
        ]
        var container = encoder.singleValueContainer()
        try container.encode(AnyJSON.object(object))
    }
}

/// A trigger token as GitLab's API shows it: the whole token only in the answer that created it.
struct TriggerJSON: Encodable {
    let row: TriggerTokenRow
    let token: String
    let owner: [String: AnyJSON]?

    func encode(to encoder: any Encoder) throws {
        let object: [String: AnyJSON] = [
            "id": .number(Double(row.id ?? 0)), "description": .string(row.description), "token": .string(token),
            "created_at": .string(APIReply.time(row.createdAt) ?? ""), "updated_at": .string(APIReply.time(row.createdAt) ?? ""),
            "last_used": APIReply.time(row.lastUsedAt).map { .string($0) } ?? .null, "owner": owner.map { .object($0) } ?? .null,
        ]
        var container = encoder.singleValueContainer()
        try container.encode(AnyJSON.object(object))
    }
}

/// A job of a pipeline as GitLab's jobs API shows it (the fields clients read).
struct PipelineJobJSON: Encodable, Sendable {
    var id: Int64
    var name: String
    var status: String
    var ref: String
    var failureReason: String?
    var duration: Double
    var webURL: String
    var pipelineId: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, status, ref, duration, pipeline
        case failureReason = "failure_reason"
        case webURL = "web_url"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(ref, forKey: .ref)
        try container.encode(duration, forKey: .duration)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(webURL, forKey: .webURL)
        try container.encode(["id": pipelineId], forKey: .pipeline)
    }
}
