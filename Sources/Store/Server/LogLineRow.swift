/// One line a run printed (already masked), in the order the server received it.
public struct LogLineRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "logLine"
    public var id: Int64?
    public var eventId: Int64
    public var job: String
    public var text: String
    public var at: Double

    public init(eventId: Int64, job: String, text: String, at: Double) {
        self.eventId = eventId
        self.job = job
        self.text = text
        self.at = at
    }

}
