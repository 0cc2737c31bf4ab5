import TargetKit

/// What the data plane must reflect: Services with their ready endpoints, and Istio's routing objects.
public struct MeshSnapshot: Sendable, Hashable {
    /// A Service by namespace and name.
    public typealias Service = Named<ServiceSpec>

    public struct Endpoint: Sendable, Hashable {
        public var namespace: String
        public var labels: [String: String]
        public var address: IPv4Address
        /// Container ports by name, to resolve named target ports.
        public var namedPorts: [String: Int]
        /// The Deployment the pod belongs to.
        public var workload: String?
        public init(
            namespace: String, labels: [String: String], address: IPv4Address, namedPorts: [String: Int] = [:], workload: String? = nil
        ) {
            self.workload = workload
            self.namespace = namespace
            self.labels = labels
            self.address = address
            self.namedPorts = namedPorts
        }
    }

    public struct Named<Spec: Sendable & Hashable>: Sendable, Hashable {
        public var namespace: String
        public var name: String
        public var spec: Spec
        public init(namespace: String, name: String, spec: Spec) {
            self.namespace = namespace
            self.name = name
            self.spec = spec
        }
    }

    public var services: [Service] = []
    public var endpoints: [Endpoint] = []
    public var destinationRules: [Named<DestinationRuleSpec>] = []
    public var virtualServices: [Named<VirtualServiceSpec>] = []

    public init() {}
}
