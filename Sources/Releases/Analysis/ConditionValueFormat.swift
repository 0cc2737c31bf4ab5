import Expressions

enum ConditionValueFormat {
    static func format(_ value: Double) -> String { ConditionValue.format(value) }
}
