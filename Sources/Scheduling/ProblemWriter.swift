import Foundation

/// Writes a ``Problem`` as the spec's JSON document, every field explicit except a repair's: `published` only when
/// there is a baseline, and the weights `moved`, `memberChanged`, `teamChanged` and `dropped` only where they differ from
/// their defaults (an absent key reads back as the default). ``ProblemReader`` reads it back unchanged.
public enum ProblemWriter {
    /// Pretty-printed JSON with sorted keys, ending with a newline.
    public static func encode(_ p: Problem) -> Data {
        stableJSON(p)
    }
}
