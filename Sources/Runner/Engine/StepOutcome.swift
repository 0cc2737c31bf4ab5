/// How a step (a script, an action, a post step) ended, with the outputs it set.
public struct StepOutcome: Sendable {
    public var success: Bool
    public var outputs: [String: String]
    /// Why it failed, or a note worth a line in the log.
    public var message: String?
    public var timedOut: Bool
    public var cancelled: Bool

    public init(success: Bool, outputs: [String: String] = [:], message: String? = nil, timedOut: Bool = false, cancelled: Bool = false) {
        self.success = success
        self.outputs = outputs
        self.message = message
        self.timedOut = timedOut
        self.cancelled = cancelled
    }

    /// A failed step with the reason shown in the log.
    public static func failure(_ message: String, outputs: [String: String] = [:]) -> StepOutcome {
        StepOutcome(success: false, outputs: outputs, message: message)
    }

    public static func success(_ outputs: [String: String] = [:]) -> StepOutcome {
        StepOutcome(success: true, outputs: outputs)
    }
}
