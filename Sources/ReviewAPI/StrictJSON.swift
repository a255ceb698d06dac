import Foundation

/// A JSON request body whose every key is known: the keys each object may have, by path.
///
/// `JSONDecoder` ignores keys it does not know and keeps one of two equal keys without a word, so a misspelt
/// `contactPhon` or a repeated `kind` would be lost silently; ``StrictJSON`` finds them.
public protocol StrictJSONBody: Decodable {
    /// Allowed keys by path: `""` for the top object, `"options[]"` for each object of the `options` array.
    static var knownKeys: [String: Set<String>] { get }
}

/// Checks a JSON text, already decoded successfully, for repeated and unknown keys.
public enum StrictJSON {
    /// What is wrong with a key.
    public struct Problem: Error, Sendable, Hashable {
        /// The key's path, e.g. `options[1].start`.
        public var path: String
        /// Repeated in its object (else: unknown).
        public var repeated: Bool
        /// The allowed keys of its object, when it is unknown.
        public var allowed: [String]

        /// Creates a problem.
        public init(path: String, repeated: Bool, allowed: [String]) {
            self.path = path
            self.repeated = repeated
            self.allowed = allowed
        }

        /// The refusal in Vietnamese.
        public var message: String {
            if repeated { return "Trường '\(path)' xuất hiện hai lần trong nội dung JSON; mỗi trường chỉ được ghi một lần." }
            return "Trường '\(path)' không có trong nội dung JSON này (các trường được dùng: \(allowed.joined(separator: ", ")))."
        }
    }

    /// The first repeated or unknown key of `bytes`, in document order, or nil.
    /// Paths not in `known` accept any key but still refuse repeated ones.
    public static func firstProblem(in bytes: [UInt8], known: [String: Set<String>]) -> Problem? {
        var scanner = Scanner(bytes: bytes, known: known)
        return scanner.run()
    }

    /// The first problem of a body of type `T`.
    public static func firstProblem<T: StrictJSONBody>(in bytes: [UInt8], as type: T.Type) -> Problem? {
        firstProblem(in: bytes, known: T.knownKeys)
    }

    private struct Scanner {
        let bytes: [UInt8]
        let known: [String: Set<String>]
        var index = 0

        init(bytes: [UInt8], known: [String: Set<String>]) {
            self.bytes = bytes
            self.known = known
        }

        mutating func run() -> Problem? {
            skipSpace()
            return value(shownPath: "", pattern: "")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// One value; `shownPath` names it with indexes (`options[1]`), `pattern` without (`options[]`).
        mutating func value(shownPath: String, pattern: String) -> Problem? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var seen = Set<String>()
                let allowed = known[pattern]
                while true {
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        return nil
                    }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    let key = string()
                    let keyPath = shownPath.isEmpty ? key : "\(shownPath).\(key)"
                    if !seen.insert(key).inserted { return Problem(path: keyPath, repeated: true, allowed: []) }
                    if let allowed, !allowed.contains(key) { return Problem(path: keyPath, repeated: false, allowed: allowed.sorted()) }
                    skipSpace()
                    index += 1  // the colon
                    if let p = value(shownPath: keyPath, pattern: pattern.isEmpty ? key : "\(pattern).\(key)") { return p }
                }
            case UInt8(ascii: "["):
                index += 1
                var element = 0
                while true {
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return nil
                    }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    if let p = value(shownPath: "\(shownPath)[\(element)]", pattern: pattern + "[]") { return p }
                    element += 1
                }
            case UInt8(ascii: "\""):
                _ = string()
                return nil
            default:
                // A number, true, false or null: up to the next delimiter.
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                }
                return nil
            }
        }

        /// A string token, its escapes resolved by `JSONDecoder`.
        mutating func string() -> String {
            let start = index
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
            let token = Data(bytes[start..<min(index, bytes.count)])
            return (try? JSONDecoder().decode(String.self, from: token)) ?? String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
        }
    }
}
