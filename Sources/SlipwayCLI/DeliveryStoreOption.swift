import ArgumentParser
import Core
import Foundation
import Releases
import Store

/// `--store`: the SQLite file releases, sync history and gate decisions live in, shared by `slipway up` and the
/// commands that read or decide on releases.
struct DeliveryStoreOption: ParsableArguments {
    @Option(name: .customLong("store"), help: "The release store (default: $SLIPWAY_DATA_DIR/delivery/delivery.sqlite).")
    var path: String?

    var resolvedPath: String { path ?? DataDirectory.path(for: "delivery") + "/delivery.sqlite" }

    /// The records, or a failure saying that nothing has been released yet.
    func records() throws -> ReleaseRecords {
        guard FileManager.default.fileExists(atPath: resolvedPath) else {
            throw CommandFailure("no releases recorded yet in \(resolvedPath) (start one with `slipway up`)")
        }
        return ReleaseRecords(store: try DeliveryStore(path: resolvedPath))
    }
}
