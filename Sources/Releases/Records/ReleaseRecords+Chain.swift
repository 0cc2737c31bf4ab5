import Store

extension ReleaseRecords {
    /// The promotion chain a release belongs to, oldest first: the releases it was promoted from, itself, then the
    /// releases its promotions started (commit → QA release → PRE release → PROD release).
    public func chain(of release: Release) throws -> [Release] {
        var before: [Release] = []
        var current = release
        var seen: Set<Int64> = [release.id]
        while let promotion = try store.promotion(revision: current.revision), current.application == promotion.application,
            let (source, _) = try show(promotion.sourceReleaseId), seen.insert(source.id).inserted
        {
            before.insert(source, at: 0)
            current = source
        }
        var after: [Release] = []
        current = release
        while let promotion = try store.promotions(fromRelease: current.id).last,
            let next = try list(application: promotion.application).first(where: { $0.revision == promotion.revision }),
            seen.insert(next.id).inserted
        {
            after.append(next)
            current = next
        }
        return before + [release] + after
    }

    /// `3f2c1ab → #3 my-app-qa (qa, Succeeded) → #5 my-app-pre (pre, Progressing)`.
    public static func describe(chain: [Release]) -> String {
        guard let first = chain.first else { return "" }
        return ([String(first.revision.prefix(7))] + chain.map { "#\($0.id) \($0.application) (\($0.environment), \($0.phase.rawValue))" })
            .joined(separator: " → ")
    }
}
