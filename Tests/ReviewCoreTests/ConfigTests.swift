import Foundation
import ReviewCore
import Testing

/// The district configuration: the shipped sample loads whole, and every kind of defect is reported at its line.
@Suite struct ConfigTests {
    /// The repository's `config/` directory, found from this file's path.
    static let sampleDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    /// Loads a configuration, recording its defects as test issues when it has any.
    static func loadWithoutDefects(_ directory: URL) -> District? {
        do {
            return try ConfigLoader.load(directory: directory)
        } catch {
            Issue.record("\(error)")
            return nil
        }
    }

    @Test func sampleHasNoDefect() throws {
        let district = try #require(Self.loadWithoutDefects(Self.sampleDirectory))
        #expect(district.id == "huyen-sen-hong")
    }
}
