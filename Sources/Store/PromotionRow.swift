/// A promotion: the digests a release verified, written into the next environment's overlay by one GitOps commit.
/// The release that commit starts is linked to its source through `revision`.
public struct PromotionRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "promotion"
    public var id: Int64?
    /// The application and environment promoted to.
    public var application: String
    public var environment: String
    public var sourceReleaseId: Int64
    public var sourceApplication: String
    /// The image references written (`name@sha256:…`), space-separated.
    public var digests: String
    /// The GitOps commit that carries them.
    public var revision: String
    public var actor: String
    public var at: Double

    public init(
        application: String, environment: String, sourceReleaseId: Int64, sourceApplication: String, digests: String, revision: String,
        actor: String, at: Double
    ) {
        self.application = application
        self.environment = environment
        self.sourceReleaseId = sourceReleaseId
        self.sourceApplication = sourceApplication
        self.digests = digests
        self.revision = revision
        self.actor = actor
        self.at = at
    }

}
