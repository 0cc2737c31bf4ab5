import Foundation

/// Where Slipway keeps caches that survive between runs (git clones, remote kustomize bases):
/// `$SLIPWAY_CACHE_DIR`, else `$XDG_CACHE_HOME/slipway`, else `~/.cache/slipway`.
public enum CacheDirectory {
    /// The cache directory for one concern, such as `gitops` or `kustomize`.
    public static func path(for concern: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SLIPWAY_CACHE_DIR"], !explicit.isEmpty { return explicit + "/" + concern }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/slipway/" + concern
    }
}
