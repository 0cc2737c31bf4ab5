import Core
import Expressions
import Foundation

extension GitRepository {
    /// A commit as push payloads describe it (`head_commit`, `commits[]`): id, tree_id, message, timestamp
    /// (committer date, ISO 8601 with offset), author and committer; nil when git cannot read it.
    public static func payloadCommit(_ root: String, sha: String) async -> ExpressionObject? {
        let format = ["%H", "%T", "%cI", "%an", "%ae", "%cn", "%ce", "%B"].joined(separator: "%x00")
        guard let result = try? await CapturedCommand.run("git", ["-C", root, "show", "-s", "--format=" + format, sha]),
            result.succeeded
        else { return nil }
        let fields = result.standardOutput.components(separatedBy: "\0")
        guard fields.count == 8 else { return nil }
        let message = fields[7].hasSuffix("\n") ? String(fields[7].dropLast()) : fields[7]
        return ExpressionObject([
            ("id", .string(fields[0])), ("tree_id", .string(fields[1])), ("distinct", .bool(true)),
            ("message", .string(message)), ("timestamp", .string(fields[2])),
            ("author", .object(ExpressionObject([("name", .string(fields[3])), ("email", .string(fields[4]))]))),
            ("committer", .object(ExpressionObject([("name", .string(fields[5])), ("email", .string(fields[6]))]))),
        ])
    }
}
