import Foundation
import TargetKit
import Targets

/// `slipway-local --data-dir D --subnet S --bridge B --port P --admin-port A --api-port Q`: the local target's daemon
/// on its own, as `slipway local up` starts it when it sits next to `slipway`.
@main
enum SlipwayLocalEntrypoint {
    static func main() async {
        var options: [String: String] = [:]
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.first, flag.hasPrefix("--"), arguments.count >= 2 {
            options[String(flag.dropFirst(2))] = arguments.dropFirst().first
            arguments = arguments.dropFirst(2)
        }
        guard arguments.isEmpty, let data = options["data-dir"], let subnet = options["subnet"].flatMap(IPv4Subnet.init),
            let bridge = options["bridge"],
            let port = options["port"].flatMap(Int.init), let admin = options["admin-port"].flatMap(Int.init),
            let api = options["api-port"].flatMap(Int.init)
        else {
            FileHandle.standardError.write(
                Data("usage: slipway-local --data-dir DIR --subnet CIDR --bridge NAME --port N --admin-port N --api-port N\n".utf8))
            exit(2)
        }
        do {
            try await LocalTargetDaemon.run(dataDirectory: data, subnet: subnet, bridge: bridge, port: port, adminPort: admin, apiPort: api)
        } catch {
            FileHandle.standardError.write(Data("slipway-local: \(error)\n".utf8))
            exit(1)
        }
    }
}
