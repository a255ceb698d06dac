import Foundation
import ReviewCore

/// The week's problem in the JSON shape of the scheduling contract (docs/weekly-scheduling.md, version 1),
/// built from the stored requests and the configuration.
struct WeekProblem: Encodable {
    struct Interval: Encodable, Hashable {
        var start: String
        var end: String
    }
    struct Person: Encodable {
        var id: String
        var name: String
        var blocs: [String]?
        var maxPerDay: Int
        var busy: [Interval]
    }
    struct Pair: Encodable {
        var a: String
        var b: String
        var minutes: Int
    }
    struct Travel: Encodable {
        var `default`: Int
        var pairs: [Pair]
    }
    struct Request: Encodable {
        var id: String
        var unit: String
        var bloc: String
        var location: String
        var needsMember: Bool
        var inCharge: [String]
        var weight: Int
        var notBefore: String?
        var after: [String]
        var options: [Interval]
    }
    struct Pin: Encodable {
        var request: String
        var option: Int
        var member: String?
        var team: String

        enum CodingKeys: String, CodingKey { case request, option, member, team }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(request, forKey: .request)
            try c.encode(option, forKey: .option)
            try c.encode(member, forKey: .member)
            try c.encode(team, forKey: .team)
        }
    }
    struct Weights: Encodable {
        var unscheduled = 1000
        var rank = 10
        var notInCharge = 50
        var noMember = 80
        var sameDay = 20
    }

    var version = 1
    var timezone: String
    var week: String
    var members: [Person]
    var teams: [Person]
    var travelMinutes: Travel
    var requests: [Request]
    var pinned: [Pin]
    var weights = Weights()

    /// Pretty JSON with sorted keys.
    func json() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return try! e.encode(self)
    }
}
