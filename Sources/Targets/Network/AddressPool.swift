/// Pod addresses handed out from a subnet: the lowest free one first, given back when a pod is gone.
public struct AddressPool: Sendable, Hashable {
    public let subnet: IPv4Subnet
    public private(set) var inUse: Set<IPv4Address> = []

    public init(subnet: IPv4Subnet) { self.subnet = subnet }

    /// The lowest free address, now in use; nil when the range is full.
    public mutating func allocate() -> IPv4Address? {
        for value in subnet.podAddresses where !inUse.contains(IPv4Address(value)) {
            inUse.insert(IPv4Address(value))
            return IPv4Address(value)
        }
        return nil
    }

    /// Marks an address as taken (a pod adopted after a restart keeps its address).
    public mutating func reserve(_ address: IPv4Address) -> Bool {
        guard subnet.podAddresses.contains(address.value) else { return false }
        return inUse.insert(address).inserted
    }

    public mutating func release(_ address: IPv4Address) { inUse.remove(address) }
}
