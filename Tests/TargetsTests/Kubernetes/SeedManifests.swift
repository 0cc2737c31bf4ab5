import Foundation
import SlipwayTesting

/// The Kubernetes files seed 002 shows (`k8s/deployment.yaml`, the DestinationRule and the two VirtualServices),
/// read from `../shared/seeds` at test time and never copied into the project.
enum SeedManifests {
    static var seedPath: String? {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds").standardizedFileURL.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().first { $0.hasPrefix("002_") }.map { "\(directory)/\($0)" }
    }

    /// The YAML block that follows the line naming `file` in the seed: from its `apiVersion:` line to the first line
    /// that is prose again.
    static func file(_ file: String, in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let heading = lines.firstIndex(where: { $0.hasPrefix(file) && !$0.contains("kubectl") }),
            let start = lines[heading...].firstIndex(where: { $0.hasPrefix("apiVersion:") })
        else { return nil }
        var block: [String] = []
        for line in lines[start...] {
            if !line.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("-"), !isTopLevelKey(line) { break }
            block.append(line)
        }
        return block.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    /// `kind: Deployment`, `spec:` — a YAML key at the left margin, unlike a line of prose or a file's heading.
    private static func isTopLevelKey(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let key = line[..<colon]
        let rest = line[line.index(after: colon)...]
        return !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
            && (rest.isEmpty || rest.hasPrefix(" "))
    }
}
