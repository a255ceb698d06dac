/// The spec's rules for a valid problem ("A problem is invalid when …") over typed values, each defect named by its
/// JSON path, in the words of the reference checker `shared/tools/score_solution.py`.
///
/// Both ways a problem arrives share them: ``ProblemReader`` applies them field by field while it decodes a
/// document, and ``Problem/defects()`` applies them in the same order to a problem built in Swift, such as the
/// service's week. A rule returns nil when it reported a defect; the caller then leaves the value out, as the
/// reference checker does (a request that is broken is unknown to the requests that name it).
struct ProblemValidator {
    private(set) var defects: [String] = []

    mutating func defect(_ path: String, _ message: String) {
        defects.append("\(path): \(message)")
    }

    // MARK: Values

    /// The document's version must be 1; `written` is how the document wrote it.
    mutating func version(_ version: Int?, written: String) {
        if version != 1 { defect("version", "must be 1, found \(written)") }
    }

    /// An id: a string with something else than white space; `nil` text is a value that is not a string.
    mutating func identifier(_ text: String?, _ path: String) -> String? {
        if let text, !text.allSatisfy(\.isWhitespace) { return text }
        defect(path, "must be a non-empty string id")
        return nil
    }

    /// A `maxPerDay` or a travel time.
    mutating func count(_ number: Int, _ path: String) -> Int? {
        if number < 0 {
            defect(path, "is negative (\(number))")
            return nil
        }
        return number
    }

    /// A request's `weight` or one of `weights`.
    mutating func weight(_ number: Int, _ path: String) -> Int? {
        if number < 0 {
            defect(path, "weight is negative (\(number))")
            return nil
        }
        return number
    }

    /// An option or a busy interval, which must end after it starts.
    mutating func interval(_ span: TimeOption, _ path: String) -> TimeOption? {
        if span.end < span.start {
            defect("\(path).end", "ends before it starts (\(span.end) < \(span.start))")
            return nil
        }
        if span.end == span.start {
            defect("\(path).end", "ends when it starts (\(span.end)): empty interval")
            return nil
        }
        return span
    }

    /// A request's options, each already checked (nil where it was broken); at least one is required.
    mutating func options(_ options: [TimeOption?], _ path: String) -> [TimeOption]? {
        if options.isEmpty {
            defect(path, "has no option (at least one is required)")
            return nil
        }
        let valid = options.compactMap { $0 }
        return valid.count == options.count ? valid : nil
    }

    /// Whether the id of `list[index]` is new; a repeat is reported and left out.
    mutating func admit(_ id: String, at index: Int, of list: String, seen: inout [String: Int]) -> Bool {
        if let first = seen[id] {
            defect("\(list)[\(index)].id", "id '\(id)' repeats \(list)[\(first)]")
            return false
        }
        seen[id] = index
        return true
    }

    /// Whether travel pair `index` agrees with an earlier pair of the same two places; `path` is the travel table's.
    mutating func admit(
        _ pair: TravelPair, at index: Int, of path: String, firstSeen: inout [String: (index: Int, minutes: Int)]
    ) -> Bool {
        if pair.a == pair.b { return true }
        let key = pair.a < pair.b ? "\(pair.a)\u{0}\(pair.b)" : "\(pair.b)\u{0}\(pair.a)"
        guard let first = firstSeen[key] else {
            firstSeen[key] = (index, pair.minutes)
            return true
        }
        if first.minutes == pair.minutes { return true }
        defect(
            "\(path).pairs[\(index)]",
            "pair '\(pair.a)'/'\(pair.b)' repeats \(path).pairs[\(first.index)] with different minutes (\(pair.minutes) vs \(first.minutes))")
        return false
    }

    // MARK: Relations

    /// The rules between parts: options inside the week, references, cycles of `after`, pins. A part that could not
    /// be read is nil and its rules are skipped; `requests` and `pins` keep their index in the document.
    mutating func relations(
        week: ISOWeek?, members: [String]?, teams: [String]?, requests: [(index: Int, request: Request)]?,
        pins: [(index: Int, pin: Assignment?)]?, published: [(index: Int, entry: Assignment?)]?
    ) {
        guard let requests else { return }
        if let week { optionsInWeek(requests, week) }
        references(requests, members: members)
        cycles(requests)
        if let pins { self.pins(pins, requests, members: members, teams: teams) }
        if let published { self.published(published, requests, members: members, teams: teams) }
    }

    private mutating func optionsInWeek(_ requests: [(index: Int, request: Request)], _ week: ISOWeek) {
        let bounds = week.bounds
        let span = "week \(week.iso) is \(bounds.lowerBound) to \(bounds.upperBound)"
        for (index, request) in requests {
            for (j, option) in request.options.enumerated() {
                let path = "requests[\(index)].options[\(j)]"
                if !bounds.contains(option.start) {
                    defect("\(path).start", "\(option.start) is not inside the week (\(span))")
                } else if option.end > bounds.upperBound {
                    defect("\(path).end", "\(option.end) is not inside the week (\(span))")
                }
            }
        }
    }

    private mutating func references(_ requests: [(index: Int, request: Request)], members: [String]?) {
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
    private mutating func cycles(_ requests: [(index: Int, request: Request)]) {
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
                    if colour[target] == 1, let start = trail.firstIndex(of: target) {
                        let cycle = trail[start...] + [target]
                        defect(
                            "requests[\(requests[target].index)].after",
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

    private mutating func pins(
        _ pins: [(index: Int, pin: Assignment?)], _ requests: [(index: Int, request: Request)], members: [String]?, teams: [String]?
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
                    if !request.options.indices.contains(pin.option) {
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

    /// The baseline's references only: a published session may break the hard rules of the problem as it is now
    /// (that is why the week is repaired), and a null member is allowed even where one is needed.
    private mutating func published(
        _ entries: [(index: Int, entry: Assignment?)], _ requests: [(index: Int, request: Request)], members: [String]?, teams: [String]?
    ) {
        let byId = Dictionary(requests.map { ($0.request.id, $0.request) }, uniquingKeysWith: { first, _ in first })
        let memberIds = members.map(Set.init)
        let teamIds = teams.map(Set.init)
        var publishedAt: [String: Int] = [:]
        for (index, entry) in entries {
            guard let entry else { continue }
            let path = "published[\(index)]"
            if let request = byId[entry.request] {
                if let first = publishedAt[entry.request] {
                    defect("\(path).request", "request '\(entry.request)' is published twice (also published[\(first)])")
                } else {
                    publishedAt[entry.request] = index
                    if !request.options.indices.contains(entry.option) {
                        defect(
                            "\(path).option",
                            "option index \(entry.option) is out of range (request '\(request.id)' has \(request.options.count) options)")
                    }
                }
            } else {
                defect("\(path).request", "unknown request '\(entry.request)'")
            }
            if let member = entry.member, let memberIds, !memberIds.contains(member) {
                defect("\(path).member", "unknown member '\(member)'")
            }
            if let teamIds, !teamIds.contains(entry.team) {
                defect("\(path).team", "unknown team '\(entry.team)'")
            }
        }
    }

    // MARK: A problem built in Swift

    /// Every defect of `p`: the rules in the order ``ProblemReader`` applies them to the same problem written as JSON,
    /// then the pins against the hard rules when nothing else is wrong.
    static func defects(in p: Problem) -> [String] {
        var v = ProblemValidator()
        v.version(p.version, written: String(p.version))
        _ = v.identifier(p.timezone, "timezone")

        var seen: [String: Int] = [:]
        var members: [String] = []
        for (i, member) in p.members.enumerated() {
            let path = "members[\(i)]"
            let id = v.identifier(member.id, "\(path).id")
            let maxPerDay = v.count(member.maxPerDay, "\(path).maxPerDay")
            for (j, block) in member.busy.enumerated() { _ = v.interval(block, "\(path).busy[\(j)]") }
            if let id, maxPerDay != nil, v.admit(id, at: i, of: "members", seen: &seen) { members.append(id) }
        }

        seen = [:]
        var teams: [String] = []
        for (i, team) in p.teams.enumerated() {
            let path = "teams[\(i)]"
            let id = v.identifier(team.id, "\(path).id")
            let maxPerDay = v.count(team.maxPerDay, "\(path).maxPerDay")
            for (j, block) in team.busy.enumerated() { _ = v.interval(block, "\(path).busy[\(j)]") }
            for (j, bloc) in team.blocs.enumerated() { _ = v.identifier(bloc, "\(path).blocs[\(j)]") }
            if let id, maxPerDay != nil, v.admit(id, at: i, of: "teams", seen: &seen) { teams.append(id) }
        }

        seen = [:]
        var requests: [(index: Int, request: Request)] = []
        for (i, request) in p.requests.enumerated() {
            let path = "requests[\(i)]"
            let id = v.identifier(request.id, "\(path).id")
            let bloc = v.identifier(request.bloc, "\(path).bloc")
            let location = v.identifier(request.location, "\(path).location")
            let inCharge = request.inCharge.enumerated().compactMap { j, member in v.identifier(member, "\(path).inCharge[\(j)]") }
            let weight = v.weight(request.weight, "\(path).weight")
            let after = request.after.enumerated().compactMap { j, other in v.identifier(other, "\(path).after[\(j)]") }
            let options = v.options(request.options.enumerated().map { j, option in v.interval(option, "\(path).options[\(j)]") }, "\(path).options")
            guard let id, bloc != nil, location != nil, weight != nil, let options else { continue }
            guard v.admit(id, at: i, of: "requests", seen: &seen) else { continue }
            var kept = request
            kept.inCharge = inCharge
            kept.after = after
            kept.options = options
            requests.append((i, kept))
        }

        // As in the reader, the pairs are only looked at when the default is valid.
        if v.count(p.travelMinutes.defaultMinutes, "travelMinutes.default") != nil {
            var firstSeen: [String: (index: Int, minutes: Int)] = [:]
            for (i, pair) in p.travelMinutes.pairs.enumerated() {
                let path = "travelMinutes.pairs[\(i)]"
                let a = v.identifier(pair.a, "\(path).a")
                let b = v.identifier(pair.b, "\(path).b")
                let minutes = v.count(pair.minutes, "\(path).minutes")
                if a != nil, b != nil, minutes != nil { _ = v.admit(pair, at: i, of: "travelMinutes", firstSeen: &firstSeen) }
            }
        }
        let w = p.weights
        let weights = [
            ("unscheduled", w.unscheduled), ("rank", w.rank), ("notInCharge", w.notInCharge), ("noMember", w.noMember), ("sameDay", w.sameDay),
            ("moved", w.moved), ("memberChanged", w.memberChanged), ("teamChanged", w.teamChanged), ("dropped", w.dropped),
        ]
        for (key, value) in weights { _ = v.weight(value, "weights.\(key)") }

        let pins = p.pinned.enumerated().map { i, pin -> (index: Int, pin: Assignment?) in
            let path = "pinned[\(i)]"
            let request = v.identifier(pin.request, "\(path).request")
            let member = pin.member.map { v.identifier($0, "\(path).member") }
            let team = v.identifier(pin.team, "\(path).team")
            guard request != nil, member != .some(nil), team != nil else { return (i, nil) }
            return (i, pin)
        }

        let published = p.published.enumerated().map { i, entry -> (index: Int, entry: Assignment?) in
            let path = "published[\(i)]"
            let request = v.identifier(entry.request, "\(path).request")
            let member = entry.member.map { v.identifier($0, "\(path).member") }
            let team = v.identifier(entry.team, "\(path).team")
            guard request != nil, member != .some(nil), team != nil else { return (i, nil) }
            return (i, entry)
        }

        v.relations(week: p.week, members: members, teams: teams, requests: requests, pins: pins, published: published)
        return v.defects.isEmpty ? SolutionChecker.pinConflicts(p) : v.defects
    }
}

extension Problem {
    /// Every defect of this problem, as ``ProblemReader`` would list them for the same problem written as JSON; empty
    /// when the problem is valid. Each defect names its JSON path.
    public func defects() -> [String] {
        ProblemValidator.defects(in: self)
    }
}
