import TargetKit

/// An IPv4 address.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Dotted quad, e.g. `10.213.0.7`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    public var description: String {
        [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xFF) }.joined(separator: ".")
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// A private IPv4 range for pods, e.g. `10.213.0.0/24`: the first host address is the bridge (the pods' gateway),
/// the others go to pods; the network and broadcast addresses are never used.
public struct IPv4Subnet: Sendable, Hashable, CustomStringConvertible {
    public var network: IPv4Address
    public var prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let length = Int(parts[1]), (8...30).contains(length) else {
            return nil
        }
        let mask = Self.mask(length)
        guard address.value & ~mask == 0 else { return nil }
        network = address
        prefixLength = length
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    public var description: String { "\(network)/\(prefixLength)" }
    public var gateway: IPv4Address { IPv4Address(network.value + 1) }
    public var broadcast: IPv4Address { IPv4Address(network.value | ~Self.mask(prefixLength)) }
    /// Addresses pods may get: after the gateway, before the broadcast address.
    public var podAddresses: ClosedRange<UInt32> { (network.value + 2)...(broadcast.value - 1) }

    public func contains(_ address: IPv4Address) -> Bool { address.value & Self.mask(prefixLength) == network.value }

    /// The range is private (RFC 1918) or shared (RFC 6598), so pods never shadow addresses on the internet.
    public var isPrivate: Bool {
        let ranges: [(UInt32, Int)] = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16), (0x6440_0000, 10)]
        return ranges.contains { base, length in length <= prefixLength && network.value & Self.mask(length) == base }
    }
}
