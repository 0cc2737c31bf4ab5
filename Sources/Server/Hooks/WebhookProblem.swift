/// Why a delivery was refused, with the status it gets.
enum WebhookProblem: Error, Equatable {
    /// 400: the delivery is malformed (its text says how).
    case badRequest(String)
    /// 401: no project's secret proves it (an unknown project looks the same, so nothing about what exists leaks).
    case unauthenticated
    /// 413: over GitHub's 25 MiB limit.
    case tooLarge
}
