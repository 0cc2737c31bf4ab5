import GitOps
import Manifests

/// What a release works from, fixed when it starts and kept with it, so a controller that takes it over after a
/// restart needs nothing else: the strategy and its templates, the application, the new and the previous version.
public struct ReleasePlan: Sendable, Hashable, Codable {
    public var spec: CanarySpec
    public var templates: [String: AnalysisTemplateSpec]
    public var application: Application
    /// The Deployment as git wants it (the new version): the canary's template and, on promotion, the primary's.
    public var desired: ManifestValue
    /// The primary's pod template before the release, put back if an abort comes during the promotion.
    public var previousTemplate: ManifestValue

    public init(
        spec: CanarySpec, templates: [String: AnalysisTemplateSpec], application: Application, desired: ManifestValue,
        previousTemplate: ManifestValue
    ) {
        self.spec = spec
        self.templates = templates
        self.application = application
        self.desired = desired
        self.previousTemplate = previousTemplate
    }

    /// A template by name: the revision's own, else a built-in one.
    public func template(_ name: String) -> AnalysisTemplateSpec? {
        templates[name] ?? AnalysisTemplateSpec.builtIn(name, prometheus: spec.prometheusAddress)
    }
}
