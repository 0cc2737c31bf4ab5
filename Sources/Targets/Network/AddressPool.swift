import TargetKit

/// Pod addresses handed out from a subnet, like CNI's host-local IPAM: the next free address after the last one
/// handed out, so a released address is not reused at once (the host's neighbour cache may still point at the old
/// pod's link for a while).
public struct AddressPool: Sendable, Hashable {
    public let subnet: IPv4Subnet
    public private(set) var inUse: Set<IPv4Address> = []
    private var last: UInt32?

    public init(subnet: IPv4Subnet) { self.subnet = subnet }

    /// The next free address after the last allocation (wrapping around), now in use; nil when the range is full.
    public mutating func allocate() -> IPv4Address? {
        let range = subnet.podAddresses
        let count = range.upperBound - range.lowerBound + 1
        let start = last.map { $0 + 1 } ?? range.lowerBound
        for step in 0..<count {
            let offset = ((start &- range.lowerBound) &+ step) % count
            let address = IPv4Address(range.lowerBound + offset)
            if inUse.insert(address).inserted {
                last = address.value
                return address
            }
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
