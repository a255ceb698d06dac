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

    /// Bytes as base32 lowercase without padding (RFC 4648 alphabet), 5 bits per character.
    public static func base32(_ bytes: [UInt8]) -> String {
        var result = ""
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = ((buffer << 8) | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// SHA-256 of bytes, lowercase hex.
    public static func sha256(bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// SHA-256 of a text, lowercase hex.
    public static func sha256(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Lowercase hex of bytes (without `String(format:)`, which costs more than the hash on every request).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
