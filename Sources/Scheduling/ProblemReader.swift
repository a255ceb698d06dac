import Foundation

/// Reads and validates a problem document, exactly as the spec's "A problem is invalid when" paragraph says.
///
/// Paths and messages follow the reference checker `shared/tools/score_solution.py`, so a clerk sees the same
/// words from both tools.
public enum ProblemReader {
    /// The problem in `data`, with every default applied.
    ///
    /// - Throws: ``ProblemDefects`` listing every defect, each with its JSON path.
    public static func read(_ data: Data) throws(ProblemDefects) -> Problem {
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            throw ProblemDefects(defects: ["problem: is not valid JSON: \(error.message)"])
        }
        var validator = ProblemValidator()
        let problem = validator.problem(document)
        if let problem, validator.defects.isEmpty {
            let conflicts = SolutionChecker.pinConflicts(problem)
            if conflicts.isEmpty { return problem }
            throw ProblemDefects(defects: conflicts)
        }
        throw ProblemDefects(defects: validator.defects)
    }

    /// The defects of a problem built in Swift (empty when it is valid): it is written as JSON and read back.
    public static func defects(in problem: Problem) -> [String] {
        do {
            _ = try read(ProblemWriter.encode(problem))
            return []
        } catch {
            return error.defects
        }
    }
}

/// Walks a parsed document, collecting defects; a `nil` result means "reported as a defect".
struct ProblemValidator {
    private(set) var defects: [String] = []

    private mutating func defect(_ path: String, _ message: String) {
        defects.append("\(path): \(message)")
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// A field; `fallback` is the default when the key is absent or null, `nil` for a required field.
    private mutating func field<T>(
        _ object: [String: JSONValue], _ key: String, _ path: String, default fallback: T?,
        _ parse: (inout ProblemValidator, JSONValue, String) -> T?
    ) -> T? {
        let where_ = Self.join(path, key)
        guard let value = object[key], !(value == .null && fallback != nil) else {
            if let fallback { return fallback }
            defect(where_, "is missing (required)")
            return nil
        }
        return parse(&self, value, where_)
    }

    private mutating func string(_ value: JSONValue, _ path: String) -> String? {
        if case .string(let text) = value { return text }
        defect(path, "must be a string, found \(value.typeDescription)")
        return nil
    }

    private mutating func identifier(_ value: JSONValue, _ path: String) -> String? {
        if case .string(let text) = value, !text.allSatisfy(\.isWhitespace) { return text }
        defect(path, "must be a non-empty string id")
        return nil
    }

    private mutating func boolean(_ value: JSONValue, _ path: String) -> Bool? {
        if case .bool(let flag) = value { return flag }
        defect(path, "must be true or false, found \(value.typeDescription)")
        return nil
    }

    private mutating func integer(_ value: JSONValue, _ path: String) -> Int? {
        if case .integer(let number) = value { return number }
        defect(path, "must be an integer, found \(value.typeDescription)")
        return nil
    }

    private mutating func count(_ value: JSONValue, _ path: String) -> Int? {
        guard let number = integer(value, path) else { return nil }
        if number < 0 {
            defect(path, "is negative (\(number))")
            return nil
        }
        return number
    }

    private mutating func weight(_ value: JSONValue, _ path: String) -> Int? {
        guard let number = integer(value, path) else { return nil }
        if number < 0 {
            defect(path, "weight is negative (\(number))")
            return nil
        }
        return number
    }

    private mutating func time(_ value: JSONValue, _ path: String) -> LocalDateTime? {
        if case .string(let text) = value, let time = LocalDateTime(exact: text) { return time }
        defect(path, "not a time written YYYY-MM-DDTHH:MM (found \(value.jsonText))")
        return nil
    }

    private mutating func list(_ value: JSONValue, _ path: String) -> [JSONValue]? {
        if case .array(let items) = value { return items }
        defect(path, "must be a list, found \(value.typeDescription)")
        return nil
    }

    private mutating func object(_ value: JSONValue, _ path: String) -> [String: JSONValue]? {
        if case .object(let fields) = value { return fields }
        defect(path, "must be an object, found \(value.typeDescription)")
        return nil
    }

    /// The items that parse; defects are recorded for the others.
    private mutating func list<T>(
        _ value: JSONValue, _ path: String, _ parse: (inout ProblemValidator, JSONValue, String) -> T?
    ) -> [T]? {
        guard let items = list(value, path) else { return nil }
        return items.enumerated().compactMap { index, item in parse(&self, item, "\(path)[\(index)]") }
    }

    private mutating func identifiers(_ value: JSONValue, _ path: String) -> [String]? {
        list(value, path) { $0.identifier($1, $2) }
    }

    private mutating func interval(_ value: JSONValue, _ path: String) -> TimeOption? {
        guard let fields = object(value, path) else { return nil }
        let start = field(fields, "start", path, default: nil) { $0.time($1, $2) }
        let end = field(fields, "end", path, default: nil) { $0.time($1, $2) }
        guard let start, let end else { return nil }
        if end < start {
            defect("\(path).end", "ends before it starts (\(end) < \(start))")
            return nil
        }
        if end == start {
            defect("\(path).end", "ends when it starts (\(end)): empty interval")
            return nil
        }
        return TimeOption(start: start, end: end)
    }

    private mutating func intervals(_ value: JSONValue, _ path: String) -> [TimeOption]? {
        list(value, path) { $0.interval($1, $2) }
    }

    // MARK: Sections

    private mutating func member(_ value: JSONValue, _ path: String) -> Member? {
        guard let fields = object(value, path) else { return nil }
        let id = field(fields, "id", path, default: nil) { $0.identifier($1, $2) }
        let name = field(fields, "name", path, default: nil) { $0.string($1, $2) }
        let maxPerDay = field(fields, "maxPerDay", path, default: 2) { $0.count($1, $2) }
        let busy = field(fields, "busy", path, default: []) { $0.intervals($1, $2) }
        guard let id, let name, let maxPerDay, let busy else { return nil }
        return Member(id: id, name: name, maxPerDay: maxPerDay, busy: busy)
    }

    private mutating func team(_ value: JSONValue, _ path: String) -> Team? {
        guard let fields = object(value, path) else { return nil }
        let id = field(fields, "id", path, default: nil) { $0.identifier($1, $2) }
        let name = field(fields, "name", path, default: nil) { $0.string($1, $2) }
        let maxPerDay = field(fields, "maxPerDay", path, default: 2) { $0.count($1, $2) }
        let busy = field(fields, "busy", path, default: []) { $0.intervals($1, $2) }
        let blocs = field(fields, "blocs", path, default: nil) { $0.identifiers($1, $2) }
        guard let id, let name, let maxPerDay, let busy, let blocs else { return nil }
        return Team(id: id, name: name, blocs: blocs, maxPerDay: maxPerDay, busy: busy)
    }

    private mutating func request(_ value: JSONValue, _ path: String) -> Request? {
        guard let fields = object(value, path) else { return nil }
        let id = field(fields, "id", path, default: nil) { $0.identifier($1, $2) }
        let unit = field(fields, "unit", path, default: nil) { $0.string($1, $2) }
        let bloc = field(fields, "bloc", path, default: nil) { $0.identifier($1, $2) }
        let location = field(fields, "location", path, default: nil) { $0.identifier($1, $2) }
        let needsMember = field(fields, "needsMember", path, default: true) { $0.boolean($1, $2) }
        let inCharge = field(fields, "inCharge", path, default: []) { $0.identifiers($1, $2) }
        let weight = field(fields, "weight", path, default: 1) { $0.weight($1, $2) }
        // An absent notBefore is a valid "none": wrap it so that `nil` can still mean "reported as a defect".
        let notBefore: LocalDateTime?? = field(fields, "notBefore", path, default: .some(nil)) { $0.time($1, $2).map { .some($0) } }
        let after = field(fields, "after", path, default: []) { $0.identifiers($1, $2) }
        var options = field(fields, "options", path, default: nil) { $0.intervals($1, $2) }
        if case .array(let raw) = fields["options"] {
            if raw.isEmpty {
                defect("\(path).options", "has no option (at least one is required)")
                options = nil
            } else if options?.count != raw.count {
                options = nil
            }
        }
        guard let id, let unit, let bloc, let location, let needsMember, let inCharge, let weight, let notBefore, let after,
            let options
        else { return nil }
        return Request(
            id: id, unit: unit, bloc: bloc, location: location, needsMember: needsMember, inCharge: inCharge, weight: weight,
            notBefore: notBefore, after: after, options: options)
    }

    private mutating func pin(_ value: JSONValue, _ path: String) -> Pin? {
        guard let fields = object(value, path) else { return nil }
        let request = field(fields, "request", path, default: nil) { $0.identifier($1, $2) }
        let option = field(fields, "option", path, default: nil) { $0.integer($1, $2) }
        var member: String??
        switch fields["member"] {
        case nil:
            defect("\(path).member", "is missing (use null for no member)")
        case .null?:
            member = .some(nil)
        case let value?:
            member = identifier(value, "\(path).member").map { .some($0) }
        }
        let team = field(fields, "team", path, default: nil) { $0.identifier($1, $2) }
        guard let request, let option, let member, let team else { return nil }
        return Pin(request: request, option: option, member: member, team: team)
    }

    private mutating func weights(_ value: JSONValue, _ path: String) -> Weights? {
        guard let fields = object(value, path) else { return nil }
        let defaults = Weights()
        let unscheduled = field(fields, "unscheduled", path, default: defaults.unscheduled) { $0.weight($1, $2) }
        let rank = field(fields, "rank", path, default: defaults.rank) { $0.weight($1, $2) }
        let notInCharge = field(fields, "notInCharge", path, default: defaults.notInCharge) { $0.weight($1, $2) }
        let noMember = field(fields, "noMember", path, default: defaults.noMember) { $0.weight($1, $2) }
        let sameDay = field(fields, "sameDay", path, default: defaults.sameDay) { $0.weight($1, $2) }
        guard let unscheduled, let rank, let notInCharge, let noMember, let sameDay else { return nil }
        return Weights(unscheduled: unscheduled, rank: rank, notInCharge: notInCharge, noMember: noMember, sameDay: sameDay)
    }

    private mutating func travel(_ value: JSONValue, _ path: String) -> TravelMinutes? {
        guard let fields = object(value, path) else { return nil }
        let fallback = field(fields, "default", path, default: 0) { $0.count($1, $2) }
        let rawPairs = field(fields, "pairs", path, default: []) { $0.list($1, $2) }
        guard let fallback, let rawPairs else { return nil }
        var pairs: [TravelPair] = []
        var firstSeen: [String: (index: Int, minutes: Int)] = [:]
        var valid = true
        for (index, item) in rawPairs.enumerated() {
            let pairPath = "\(path).pairs[\(index)]"
            guard let pairFields = object(item, pairPath) else {
                valid = false
                continue
            }
            let a = field(pairFields, "a", pairPath, default: nil) { $0.identifier($1, $2) }
            let b = field(pairFields, "b", pairPath, default: nil) { $0.identifier($1, $2) }
            let minutes = field(pairFields, "minutes", pairPath, default: nil) { $0.count($1, $2) }
            guard let a, let b, let minutes else {
                valid = false
                continue
            }
            pairs.append(TravelPair(a: a, b: b, minutes: minutes))
            if a == b { continue }
            let key = a < b ? "\(a)\u{0}\(b)" : "\(b)\u{0}\(a)"
            if let first = firstSeen[key] {
                if first.minutes != minutes {
                    defect(pairPath, "pair '\(a)'/'\(b)' repeats \(path).pairs[\(first.index)] with different minutes (\(minutes) vs \(first.minutes))")
                    valid = false
                }
            } else {
                firstSeen[key] = (index, minutes)
            }
        }
        return valid ? TravelMinutes(defaultMinutes: fallback, pairs: pairs) : nil
    }

    // MARK: Document

    mutating func problem(_ document: JSONValue) -> Problem? {
        guard case .object(let doc) = document else {
            defect("problem", "must be a JSON object, found \(document.typeDescription)")
            return nil
        }
        switch doc["version"] {
        case nil: defect("version", "is missing (required, must be 1)")
        case .integer(1)?: break
        case let other?: defect("version", "must be 1, found \(other.jsonText)")
        }
        let timezone = field(doc, "timezone", "", default: nil) { $0.identifier($1, $2) }
        let week = field(doc, "week", "", default: nil) { $0.string($1, $2) }
        var bounds: (start: LocalDateTime, end: LocalDateTime)?
        if let week {
            bounds = ISOWeek(iso: week).map { ($0.bounds.lowerBound, $0.bounds.upperBound) }
            if bounds == nil { defect("week", "not an ISO week written YYYY-Www (found \(JSONValue.quoted(week)))") }
        }
        let members = people(doc, "members") { $0.member($1, $2) }
        let teams = people(doc, "teams") { $0.team($1, $2) }
        let requests = requestList(doc)
        let travel = field(doc, "travelMinutes", "", default: TravelMinutes()) { $0.travel($1, $2) }
        let weights = field(doc, "weights", "", default: Weights()) { $0.weights($1, $2) }
        var pins: [(index: Int, pin: Pin?)]?
        if let rawPins = field(doc, "pinned", "", default: [], { $0.list($1, $2) }) {
            pins = rawPins.enumerated().map { index, item in (index, pin(item, "pinned[\(index)]")) }
        }
        if let requests, let week, let bounds { checkOptionsInWeek(requests, week, bounds) }
        if let requests {
            checkReferences(requests, members: members?.map(\.id))
            checkCycles(requests)
            if let pins { checkPins(pins, requests, members: members?.map(\.id), teams: teams?.map(\.id)) }
        }
        guard defects.isEmpty, let timezone, let week, let members, let teams, let requests, let travel, let weights, let pins
        else { return nil }
        return Problem(
            version: 1, timezone: timezone, week: week, members: members, teams: teams, travelMinutes: travel,
            requests: requests.map(\.request), pinned: pins.compactMap(\.pin), weights: weights)
    }

    private mutating func people<T: Identified>(
        _ doc: [String: JSONValue], _ key: String, _ parse: (inout ProblemValidator, JSONValue, String) -> T?
    ) -> [T]? {
        guard let items = field(doc, key, "", default: nil, { $0.list($1, $2) }) else { return nil }
        var found: [T] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let person = parse(&self, item, "\(key)[\(index)]") else { continue }
            if let first = seen[person.id] {
                defect("\(key)[\(index)].id", "id '\(person.id)' repeats \(key)[\(first)]")
                continue
            }
            seen[person.id] = index
            found.append(person)
        }
        return found
    }

    private mutating func requestList(_ doc: [String: JSONValue]) -> [(index: Int, request: Request)]? {
        guard let items = field(doc, "requests", "", default: nil, { $0.list($1, $2) }) else { return nil }
        var found: [(index: Int, request: Request)] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let request = request(item, "requests[\(index)]") else { continue }
            if let first = seen[request.id] {
                defect("requests[\(index)].id", "id '\(request.id)' repeats requests[\(first)]")
                continue
            }
            seen[request.id] = index
            found.append((index, request))
        }
        return found
    }

    private mutating func checkOptionsInWeek(
        _ requests: [(index: Int, request: Request)], _ week: String, _ bounds: (start: LocalDateTime, end: LocalDateTime)
    ) {
        let span = "week \(week) is \(bounds.start) to \(bounds.end)"
        for (index, request) in requests {
            for (j, option) in request.options.enumerated() {
                let path = "requests[\(index)].options[\(j)]"
                if !(bounds.start <= option.start && option.start < bounds.end) {
                    defect("\(path).start", "\(option.start) is not inside the week (\(span))")
                } else if option.end > bounds.end {
                    defect("\(path).end", "\(option.end) is not inside the week (\(span))")
                }
            }
        }
    }

    private mutating func checkReferences(_ requests: [(index: Int, request: Request)], members: [String]?) {
        let requestIds = Set(requests.map(\.request.id))
        let memberIds = members.map(Set.init)
        for (index, request) in requests {
            if let memberIds {
                for (j, id) in request.inCharge.enumerated() where !memberIds.contains(id) {
                    defect("requests[\(index)].inCharge[\(j)]", "unknown member '\(id)'")
                }
            }
            for (j, id) in request.after.enumerated() where !requestIds.contains(id) {
                defect("requests[\(index)].after[\(j)]", "unknown request '\(id)'")
            }
        }
    }

    /// Reports each cycle of the `after` graph once, as the reference checker's depth-first walk finds them.
    private mutating func checkCycles(_ requests: [(index: Int, request: Request)]) {
        var position: [String: Int] = [:]
        for (k, entry) in requests.enumerated() { position[entry.request.id] = k }
        let predecessors = requests.map { $0.request.after.compactMap { position[$0] } }
        var colour = [UInt8](repeating: 0, count: requests.count)
        for root in requests.indices where colour[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            var trail = [root]
            colour[root] = 1
            while let (node, next) = stack.last {
                if next < predecessors[node].count {
                    stack[stack.count - 1].next += 1
                    let target = predecessors[node][next]
                    if colour[target] == 1 {
                        let cycle = trail[trail.firstIndex(of: target)!...] + [target]
                        defect(
                            "requests[\(requests[cycle.first!].index)].after",
                            "cycle in 'after': " + cycle.map { requests[$0].request.id }.joined(separator: " -> "))
                    } else if colour[target] == 0 {
                        colour[target] = 1
                        stack.append((target, 0))
                        trail.append(target)
                    }
                } else {
                    colour[node] = 2
                    stack.removeLast()
                    trail.removeLast()
                }
            }
        }
    }

    private mutating func checkPins(
        _ pins: [(index: Int, pin: Pin?)], _ requests: [(index: Int, request: Request)], members: [String]?, teams: [String]?
    ) {
        let byId = Dictionary(requests.map { ($0.request.id, $0.request) }, uniquingKeysWith: { first, _ in first })
        let memberIds = members.map(Set.init)
        let teamIds = teams.map(Set.init)
        var pinnedAt: [String: Int] = [:]
        for (index, pin) in pins {
            guard let pin else { continue }
            let path = "pinned[\(index)]"
            if let request = byId[pin.request] {
                if let first = pinnedAt[pin.request] {
                    defect("\(path).request", "request '\(pin.request)' is pinned twice (also pinned[\(first)])")
                } else {
                    pinnedAt[pin.request] = index
                    if !(0..<request.options.count).contains(pin.option) {
                        defect(
                            "\(path).option",
                            "option index \(pin.option) is out of range (request '\(request.id)' has \(request.options.count) options)")
                    }
                    if pin.member == nil && request.needsMember {
                        defect("\(path).member", "is null but request '\(request.id)' needs a member")
                    }
                }
            } else {
                defect("\(path).request", "unknown request '\(pin.request)'")
            }
            if let member = pin.member, let memberIds, !memberIds.contains(member) {
                defect("\(path).member", "unknown member '\(member)'")
            }
            if let teamIds, !teamIds.contains(pin.team) {
                defect("\(path).team", "unknown team '\(pin.team)'")
            }
        }
    }
}

/// Members and teams, which share the duplicate-id check.
protocol Identified {
    var id: String { get }
}

extension Member: Identified {}
extension Team: Identified {}
