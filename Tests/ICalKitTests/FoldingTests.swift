import Foundation
import Testing

@testable import ICalKit

@Suite struct FoldingTests {
    /// Vietnamese text of exactly `octets` UTF-8 octets, without spaces, colons or semicolons (so libical cannot
    /// fold at a word boundary), mixing 1-, 2- and 3-octet characters.
    static func vietnamese(octets: Int) -> String {
        let pieces = ["ệ", "Đ", "a", "ở", "ư", "n", "ạ", "ç"]
        var text = ""
        var index = 0
        while text.utf8.count < octets {
            let piece = pieces[index % pieces.count]
            text += text.utf8.count + piece.utf8.count <= octets ? piece : "x"
            index += 1
        }
        return text
    }

    static func event(summary: String, description: String) -> FeedEvent {
        FeedEvent(
            uid: "fold",
            timing: .local(start: LocalStamp(year: 2025, month: 4, day: 1, hour: 9), end: LocalStamp(year: 2025, month: 4, day: 1, hour: 10)),
            summary: summary,
            description: description,
            lastModified: Fixtures.modified
        )
    }

    @Test(arguments: 60...160)
    func vietnameseValuesFoldCorrectly(octets: Int) throws {
        let text = Self.vietnamese(octets: octets)
        #expect(text.utf8.count == octets)
        try checkRoundTrip(summary: text, description: text)
    }

    @Test(arguments: 60...160)
    func asciiRunsFoldCorrectly(octets: Int) throws {
        let text = String(repeating: "x", count: octets)
        try checkRoundTrip(summary: text, description: String(repeating: "Y", count: octets))
    }

    /// Values whose full property line (name + colon + value) hits libical's bad lengths too.
    @Test(arguments: 60...160)
    func mixedValuesFoldCorrectly(octets: Int) throws {
        let text = String(repeating: "ab,", count: octets / 3) + String(repeating: "ừ", count: 3)
        try checkRoundTrip(summary: text, description: String(text.reversed()))
    }

    private func checkRoundTrip(summary: String, description: String) throws {
        let bytes = try FeedRenderer.render(FeedCalendar(name: "Gấp dòng", events: [Self.event(summary: summary, description: description)]))
        let report = ICSLint.lintFeed(bytes)
        #expect(report.isClean, "\(report)")
        for line in ICSLint.physicalLines(bytes) {
            #expect(line.count <= 75)
            #expect(!(line.first == 0x20 && line.count == 1), "empty continuation line")
        }
        let parsed = try ICalComponent.parse(String(decoding: bytes, as: UTF8.self))
        let event = try #require(parsed.components(ofKind: .vevent).first)
        #expect(event.value(of: .summary) == .text(summary))
        #expect(event.value(of: .description) == .text(description))
    }

    @Test func repairsLibicalBrokenFolds() throws {
        // What libical 3.0.16 writes for a 73-octet and a 148-octet value without spaces.
        let broken = Array("A:\r\n \(String(repeating: "a", count: 73))\r\r\n \nB:\r\n \(String(repeating: "b", count: 74))\r\n \r\n".utf8)
        let repaired = try broken.withUnsafeBufferPointer { try LineFolder.refold($0) }
        let expected = "A:" + String(repeating: "a", count: 73) + "\r\n" + "B:" + String(repeating: "b", count: 73) + "\r\n b\r\n"
        #expect(repaired == Array(expected.utf8))
    }

    @Test func neverSplitsUTF8Characters() throws {
        let line = "X:" + String(repeating: "ệ", count: 100)  // 3-octet characters
        let folded = try Array((line + "\r\n").utf8).withUnsafeBufferPointer { try LineFolder.refold($0) }
        let lines = ICSLint.physicalLines(folded)
        #expect(lines.allSatisfy { $0.count <= 75 && String(validating: $0, as: UTF8.self) != nil })
        #expect(lines[0].count == 74)  // 2 + 24 × 3; a 25th character would need 77
    }

    @Test func rejectsStrayLineBreaks() {
        #expect(throws: ICalError.self) { try Array("A:b\nc\r\n".utf8).withUnsafeBufferPointer { try LineFolder.refold($0) } }
        #expect(throws: ICalError.self) { try Array("A:b\rc\r\n".utf8).withUnsafeBufferPointer { try LineFolder.refold($0) } }
        #expect(throws: ICalError.self) { try Array("A:b".utf8).withUnsafeBufferPointer { try LineFolder.refold($0) } }
    }
}

extension FoldingTests {
    @Test func invalidUTF8DoesNotLoop() throws {
        let input: [UInt8] = Array("X:".utf8) + [UInt8](repeating: 0x80, count: 200) + [0x0D, 0x0A]
        let folded = try input.withUnsafeBufferPointer { try LineFolder.refold($0) }
        #expect(ICSLint.physicalLines(folded).allSatisfy { $0.count <= 75 })
    }
}
