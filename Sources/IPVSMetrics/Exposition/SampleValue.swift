/// A sample value. Counters stay integers all the way to the text, so byte counters above
/// 2^53 are printed exactly instead of being rounded through a Double.
public enum SampleValue: Sendable, Hashable {
    case unsigned(UInt64)
    case signed(Int64)
    case double(Double)
}
