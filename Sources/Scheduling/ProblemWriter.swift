import Foundation

/// Writes a ``Problem`` as the spec's JSON document, every field explicit; ``ProblemReader`` reads it back unchanged.
public enum ProblemWriter {
    /// Pretty-printed JSON with sorted keys, ending with a newline.
    public static func encode(_ p: Problem) -> Data {
        stableJSON(p)
    }
}
