import Manifests
import TargetKit

/// A Service: the pods it selects and the ports it forwards to them.
public struct ServiceSpec: Sendable, Hashable {
    public struct Port: Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var targetPort: PortReference
    }

    public var selector: [String: String]
    public var ports: [Port]

    public init(_ object: ManifestValue) throws(TargetError) {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        let reader = FieldReader(kind: "Service", name: name)
        guard Names.isLabel(name) else {
            throw reader.invalid(
                "metadata.name",
                "Invalid value: \"\(name)\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    + "alphabetic character, and end with an alphanumeric character"
            )
        }
        let spec = object["spec"] ?? .object([:])
        selector = try reader.labels(spec["selector"], "spec.selector")
        guard let list = spec["ports"]?.array, !list.isEmpty else { throw reader.required("spec.ports") }
        var ports: [Port] = []
        for (index, item) in list.enumerated() {
            let path = "spec.ports[\(index)]"
            let port = try reader.int(item["port"], "\(path).port", default: 0, minimum: 1, maximum: 65535)
            let target: PortReference
            if let number = item["targetPort"]?.int {
                guard (1...65535).contains(number) else {
                    throw reader.invalid("\(path).targetPort", "Invalid value: \(number): must be between 1 and 65535, inclusive")
                }
                target = .number(number)
            } else if let text = item["targetPort"]?.string {
                target = Int(text).map(PortReference.number) ?? .name(text)
            } else {
                target = .number(port)
            }
            let portName = try reader.string(item["name"], "\(path).name")
            if list.count > 1, portName == nil { throw reader.required("\(path).name") }
            ports.append(Port(name: portName, port: port, targetPort: target))
        }
        self.ports = ports
    }
}
