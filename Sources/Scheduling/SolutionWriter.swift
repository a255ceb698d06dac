import Foundation

/// Writes a ``Solution`` as the spec's JSON document.
public enum SolutionWriter {
    /// Pretty-printed JSON with sorted keys (the same solution always gives the same bytes), ending with a newline.
    public static func encode(_ s: Solution) -> Data {
        stableJSON(s)
    }
}

/// Pretty, key-sorted JSON ending with a newline; the model types cannot fail to encode.
func stableJSON<T: Encodable>(_ value: T) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Every type encoded here is made of strings, integers, booleans and arrays: encoding cannot throw.
    var data = try! encoder.encode(value)
    data.append(UInt8(ascii: "\n"))
    return data
}
