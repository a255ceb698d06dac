import Foundation
import Testing

@testable import ICalKit

@Suite struct TextCleanerTests {
    @Test func knownNFCFastPathAgreesWithTheNormaliser() {
        // Every scalar up to U+2FFF on its own, and after a letter and after "ệ".
        for value in UInt32(0)...0x2FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar), "a" + String(scalar), "ệ" + String(scalar), String(scalar) + "\u{0301}"] {
                if TextCleaner.isKnownNFC(text) {
                    #expect(Array(text.utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8), "U+\(String(value, radix: 16))")
                }
            }
        }
        #expect(TextCleaner.isKnownNFC("Đánh giá – “chéo” …"))
        #expect(!TextCleaner.isKnownNFC("e\u{0301}"))
    }

    static func singleLine(_ text: String, replacingSeparators: Bool = false) -> String {
        String(decoding: TextCleaner.singleLineBytes(text, replacingSeparators: replacingSeparators), as: UTF8.self)
    }

    static func multiLine(_ text: String) -> String {
        String(decoding: TextCleaner.multiLineBytes(text), as: UTF8.self)
    }

    @Test func singleAndMultiLine() {
        #expect(Self.singleLine("  a\r\n\tb  c\u{2028}d ") == "a b c d")
        #expect(Self.singleLine("a,b;c", replacingSeparators: true) == "a b c")
        #expect(Self.singleLine("\u{0}\u{1F}") == "")
        #expect(Self.multiLine("a\r\nb\rc\nd\u{2029}e\u{85}f\u{7}g \n\n") == "a\nb\nc\nd\ne\nf g")
        #expect(TextCleaner.nfcBytes("Vie\u{0302}\u{0323}t") == Array("Vi\u{1EC7}t".utf8))
    }
}
