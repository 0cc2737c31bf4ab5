/// Where finished runs are kept. The Runner knows nothing of storage: the host gives its options a recorder (a
/// store-backed one in `Delivery`, an in-memory one in tests) and each run is recorded as it finishes, before the
/// runs it triggers start.
public protocol RunRecorder: Sendable {
    /// Keeps a finished run; answers the id it is known by from now on (`slipway logs ID`).
    func record(_ run: RunRecord) async throws -> Int64
}
