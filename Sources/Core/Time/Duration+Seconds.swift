extension Duration {
    /// Whole and fractional seconds, for `Date` arithmetic and timers (`Duration.milliseconds(500).seconds` is 0.5,
    /// where `components.seconds` would be 0).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
