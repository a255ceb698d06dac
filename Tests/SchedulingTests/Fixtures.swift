import Foundation
import Testing

@testable import Scheduling

/// Access to the files under `Fixtures/` (copies of `shared/spec/instances`, so the tests need no `shared` folder).
enum Fixtures {
    static func data(_ relativePath: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + relativePath, withExtension: nil))
        return try Data(contentsOf: url)
    }

    static func instance(_ name: String) throws -> Problem {
        try ProblemReader.read(data("instances/\(name).json"))
    }

    /// The reference result of a public instance (`NAME.expected.json`).
    struct Expected: Decodable {
        var optimal_score: Int?
        var best_known_score: Int?
        var proven_optimal: Bool
        var cpsat_seconds: Double
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: data("instances/\(name).expected.json"))
    }
}

/// Whether the code under test was built with optimisation (the solver is many times slower without it).
var isOptimisedBuild: Bool {
    #if DEBUG
    false
    #else
    true
    #endif
}
