import Crypto
import Foundation

/// Random secrets and their hashes.
public enum Secrets {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// A random token of `bits` bits (at least 128), base32 lowercase, with a readable prefix.
    public static func token(prefix: String, bits: Int = 160) -> String {
        var generator = SystemRandomNumberGenerator()
        let chars = (bits + 4) / 5
        return prefix + String((0..<chars).map { _ in alphabet[Int(generator.next(upperBound: UInt32(32)))] })
    }

    /// A short random identifier, e.g. `r-k3m9x2qa`.
    public static func identifier(prefix: String, length: Int = 10) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(32)))] })
    }

    /// SHA-256 of a text, lowercase hex.
    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
