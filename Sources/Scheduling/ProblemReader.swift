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
        do {
            return try JSONDecoder().decode(Problem.self, from: data)
        } catch let defects as ProblemDefects {
            throw defects
        } catch {
            throw ProblemDefects(defects: ["problem: is not valid JSON: \(syntaxError(in: data, decoding: error))"])
        }
    }

    /// Where the text stops being JSON: `JSONDecoder` only says that it does, `JSONSerialization` says where.
    private static func syntaxError(in data: Data, decoding error: any Error) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return String(describing: error)
    }
}

extension Problem: Decodable {
    /// Decodes a problem document and validates it: every default applied, every defect of the spec's list found.
    ///
    /// - Throws: ``ProblemDefects`` listing every defect, each with its path from the problem's root; a
    ///   `DecodingError` when a value is not JSON at all.
    public init(from decoder: any Decoder) throws {
        var reader = DocumentReader()
        let problem = reader.problem(decoder)
        if let path = reader.unreadable {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(path): not a JSON value"))
        }
        guard let problem, reader.rules.defects.isEmpty else { throw ProblemDefects(defects: reader.rules.defects) }
        let conflicts = SolutionChecker.pinConflicts(problem)
        guard conflicts.isEmpty else { throw ProblemDefects(defects: conflicts) }
        self = problem
    }
}

/// Walks a document through its `Decoder`, part by part, reporting what is missing or of the wrong JSON type and
/// applying ``ProblemValidator``'s rules to what it reads; a `nil` result means "reported as a defect".
private struct DocumentReader {
    /// A JSON value of the document and its path (`requests[3].options[1]`).
    struct Value {
        let decoder: any Decoder
        let path: String
    }

    /// A JSON object of the document.
    struct Fields {
        let container: KeyedDecodingContainer<FieldKey>
        let path: String

        func has(_ key: String) -> Bool { container.contains(FieldKey(key)) }

        func isNull(_ key: String) -> Bool { (try? container.decodeNil(forKey: FieldKey(key))) ?? false }

        func value(_ key: String) -> Value? {
            guard let decoder = try? container.superDecoder(forKey: FieldKey(key)) else { return nil }
            return Value(decoder: decoder, path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    var rules = ProblemValidator()
    /// The first value that `JSONDecoder` cannot read as any JSON type: the text is not JSON there.
    private(set) var unreadable: String?

    private mutating func defect(_ path: String, _ message: String) {
        rules.defect(path, message)
    }

    // MARK: JSON types

    /// A field; `fallback` is the default when the key is absent or null, `nil` for a required field.
    private mutating func field<T>(_ fields: Fields, _ key: String, default fallback: T?, _ parse: (inout DocumentReader, Value) -> T?) -> T? {
        guard fields.has(key), !(fallback != nil && fields.isNull(key)), let value = fields.value(key) else {
            if let fallback { return fallback }
            defect(fields.path.isEmpty ? key : "\(fields.path).\(key)", "is missing (required)")
            return nil
        }
        return parse(&self, value)
    }

    /// The value as `type`, or nil when it is another JSON type.
    private mutating func decode<T: Decodable>(_ type: T.Type, _ value: Value) -> T? {
        if let decoded = try? value.decoder.singleValueContainer().decode(type) { return decoded }
        if Self.kind(value.decoder) == nil { unreadable = unreadable ?? value.path }
        return nil
    }

    private mutating func string(_ value: Value) -> String? {
        if let text = decode(String.self, value) { return text }
        defect(value.path, "must be a string, found \(describe(value))")
        return nil
    }

    private mutating func identifier(_ value: Value) -> String? {
        rules.identifier(decode(String.self, value), value.path)
    }

    private mutating func boolean(_ value: Value) -> Bool? {
        if let flag = decode(Bool.self, value) { return flag }
        defect(value.path, "must be true or false, found \(describe(value))")
        return nil
    }

    private mutating func integer(_ value: Value) -> Int? {
        if let number = decode(Int.self, value) { return number }
        defect(value.path, "must be an integer, found \(describe(value))")
        return nil
    }

    private mutating func count(_ value: Value) -> Int? {
        integer(value).flatMap { rules.count($0, value.path) }
    }

    private mutating func weight(_ value: Value) -> Int? {
        integer(value).flatMap { rules.weight($0, value.path) }
    }

    private mutating func time(_ value: Value) -> LocalDateTime? {
        if let text = decode(String.self, value), let time = LocalDateTime(exact: text) { return time }
        defect(value.path, "not a time written YYYY-MM-DDTHH:MM (found \(written(value)))")
        return nil
    }

    private mutating func object(_ value: Value) -> Fields? {
        if let container = try? value.decoder.container(keyedBy: FieldKey.self) { return Fields(container: container, path: value.path) }
        defect(value.path, "must be an object, found \(describe(value))")
        return nil
    }

    private mutating func isList(_ value: Value) -> Bool {
        if (try? value.decoder.unkeyedContainer()) != nil { return true }
        defect(value.path, "must be a list, found \(describe(value))")
        return false
    }

    /// Each element parsed with its index, nil where it was reported; nil when the value is not a list.
    private mutating func elements<T>(_ value: Value, _ parse: (inout DocumentReader, Value, Int) -> T?) -> [T?]? {
        guard isList(value), var list = try? value.decoder.unkeyedContainer() else { return nil }
        var parsed: [T?] = []
        while !list.isAtEnd {
            guard let element = try? list.superDecoder() else {
                unreadable = unreadable ?? "\(value.path)[\(parsed.count)]"
                return nil
            }
            parsed.append(parse(&self, Value(decoder: element, path: "\(value.path)[\(parsed.count)]"), parsed.count))
        }
        return parsed
    }

    /// The elements that parse; defects are recorded for the others.
    private mutating func list<T>(_ value: Value, _ parse: (inout DocumentReader, Value) -> T?) -> [T]? {
        elements(value) { reader, element, _ in parse(&reader, element) }?.compactMap { $0 }
    }

    private mutating func identifiers(_ value: Value) -> [String]? {
        list(value) { $0.identifier($1) }
    }

    private mutating func interval(_ value: Value) -> TimeOption? {
        guard let fields = object(value) else { return nil }
        let start = field(fields, "start", default: nil) { $0.time($1) }
        let end = field(fields, "end", default: nil) { $0.time($1) }
        guard let start, let end else { return nil }
        return rules.interval(TimeOption(start: start, end: end), value.path)
    }

    private mutating func intervals(_ value: Value) -> [TimeOption]? {
        list(value) { $0.interval($1) }
    }

    // MARK: Sections

    private mutating func member(_ value: Value) -> Member? {
        guard let fields = object(value) else { return nil }
        let id = field(fields, "id", default: nil) { $0.identifier($1) }
        let name = field(fields, "name", default: nil) { $0.string($1) }
        let maxPerDay = field(fields, "maxPerDay", default: 2) { $0.count($1) }
        let busy = field(fields, "busy", default: []) { $0.intervals($1) }
        guard let id, let name, let maxPerDay, let busy else { return nil }
        return Member(id: id, name: name, maxPerDay: maxPerDay, busy: busy)
    }

    private mutating func team(_ value: Value) -> Team? {
        guard let fields = object(value) else { return nil }
        let id = field(fields, "id", default: nil) { $0.identifier($1) }
        let name = field(fields, "name", default: nil) { $0.string($1) }
        let maxPerDay = field(fields, "maxPerDay", default: 2) { $0.count($1) }
        let busy = field(fields, "busy", default: []) { $0.intervals($1) }
        let blocs = field(fields, "blocs", default: nil) { $0.identifiers($1) }
        guard let id, let name, let maxPerDay, let busy, let blocs else { return nil }
        return Team(id: id, name: name, blocs: blocs, maxPerDay: maxPerDay, busy: busy)
    }

    private mutating func request(_ value: Value) -> Request? {
        guard let fields = object(value) else { return nil }
        let id = field(fields, "id", default: nil) { $0.identifier($1) }
        let unit = field(fields, "unit", default: nil) { $0.string($1) }
        let bloc = field(fields, "bloc", default: nil) { $0.identifier($1) }
        let location = field(fields, "location", default: nil) { $0.identifier($1) }
        let needsMember = field(fields, "needsMember", default: true) { $0.boolean($1) }
        let inCharge = field(fields, "inCharge", default: []) { $0.identifiers($1) }
        let weight = field(fields, "weight", default: 1) { $0.weight($1) }
        // An absent notBefore is a valid "none": wrap it so that `nil` can still mean "reported as a defect".
        let notBefore: LocalDateTime?? = field(fields, "notBefore", default: .some(nil)) { $0.time($1).map { .some($0) } }
        let after = field(fields, "after", default: []) { $0.identifiers($1) }
        let options = field(fields, "options", default: nil) { reader, list in
            reader.elements(list) { reader, option, _ in reader.interval(option) }.flatMap { reader.rules.options($0, list.path) }
        }
        guard let id, let unit, let bloc, let location, let needsMember, let inCharge, let weight, let notBefore, let after,
            let options
        else { return nil }
        return Request(
            id: id, unit: unit, bloc: bloc, location: location, needsMember: needsMember, inCharge: inCharge, weight: weight,
            notBefore: notBefore, after: after, options: options)
    }

    private mutating func pin(_ value: Value) -> Assignment? {
        guard let fields = object(value) else { return nil }
        let request = field(fields, "request", default: nil) { $0.identifier($1) }
        let option = field(fields, "option", default: nil) { $0.integer($1) }
        var member: String??
        if !fields.has("member") {
            defect("\(value.path).member", "is missing (use null for no member)")
        } else if fields.isNull("member") {
            member = .some(nil)
        } else if let written = fields.value("member") {
            member = identifier(written).map { .some($0) }
        }
        let team = field(fields, "team", default: nil) { $0.identifier($1) }
        guard let request, let option, let member, let team else { return nil }
        return Assignment(request: request, option: option, member: member, team: team)
    }

    private mutating func weights(_ value: Value) -> Weights? {
        guard let fields = object(value) else { return nil }
        let defaults = Weights()
        let unscheduled = field(fields, "unscheduled", default: defaults.unscheduled) { $0.weight($1) }
        let rank = field(fields, "rank", default: defaults.rank) { $0.weight($1) }
        let notInCharge = field(fields, "notInCharge", default: defaults.notInCharge) { $0.weight($1) }
        let noMember = field(fields, "noMember", default: defaults.noMember) { $0.weight($1) }
        let sameDay = field(fields, "sameDay", default: defaults.sameDay) { $0.weight($1) }
        let moved = field(fields, "moved", default: defaults.moved) { $0.weight($1) }
        let memberChanged = field(fields, "memberChanged", default: defaults.memberChanged) { $0.weight($1) }
        let teamChanged = field(fields, "teamChanged", default: defaults.teamChanged) { $0.weight($1) }
        let dropped = field(fields, "dropped", default: defaults.dropped) { $0.weight($1) }
        guard let unscheduled, let rank, let notInCharge, let noMember, let sameDay, let moved, let memberChanged, let teamChanged,
            let dropped
        else { return nil }
        return Weights(
            unscheduled: unscheduled, rank: rank, notInCharge: notInCharge, noMember: noMember, sameDay: sameDay, moved: moved,
            memberChanged: memberChanged, teamChanged: teamChanged, dropped: dropped)
    }

    private mutating func travel(_ value: Value) -> TravelMinutes? {
        guard let fields = object(value) else { return nil }
        let fallback = field(fields, "default", default: 0) { $0.count($1) }
        guard let fallback else {
            _ = field(fields, "pairs", default: true) { $0.isList($1) }
            return nil
        }
        var firstSeen: [String: (index: Int, minutes: Int)] = [:]
        var valid = true
        let pairs = field(fields, "pairs", default: []) { reader, list in
            reader.elements(list) { reader, item, index -> TravelPair? in
                guard let pairFields = reader.object(item) else {
                    valid = false
                    return nil
                }
                let a = reader.field(pairFields, "a", default: nil) { $0.identifier($1) }
                let b = reader.field(pairFields, "b", default: nil) { $0.identifier($1) }
                let minutes = reader.field(pairFields, "minutes", default: nil) { $0.count($1) }
                guard let a, let b, let minutes else {
                    valid = false
                    return nil
                }
                let pair = TravelPair(a: a, b: b, minutes: minutes)
                if !reader.rules.admit(pair, at: index, of: value.path, firstSeen: &firstSeen) { valid = false }
                return pair
            }?.compactMap { $0 }
        }
        guard valid, let pairs else { return nil }
        return TravelMinutes(defaultMinutes: fallback, pairs: pairs)
    }

    // MARK: Document

    mutating func problem(_ decoder: any Decoder) -> Problem? {
        let root = Value(decoder: decoder, path: "")
        guard let container = try? decoder.container(keyedBy: FieldKey.self) else {
            defect("problem", "must be a JSON object, found \(describe(root))")
            return nil
        }
        let doc = Fields(container: container, path: "")
        if doc.has("version"), let version = doc.value("version") {
            let number = decode(Int.self, version)
            rules.version(number, written: number == 1 ? "1" : written(version))
        } else {
            defect("version", "is missing (required, must be 1)")
        }
        let timezone = field(doc, "timezone", default: nil) { $0.identifier($1) }
        var week: ISOWeek?
        if let text = field(doc, "week", default: nil, { $0.string($1) }) {
            week = ISOWeek(iso: text)
            if week == nil { defect("week", "not an ISO week written YYYY-Www (found \(Self.quoted(text)))") }
        }
        let members = people(doc, "members") { $0.member($1) }
        let teams = people(doc, "teams") { $0.team($1) }
        var seen: [String: Int] = [:]
        let requests = field(doc, "requests", default: nil) { reader, list in
            reader.elements(list) { reader, item, index -> (index: Int, request: Request)? in
                guard let request = reader.request(item), reader.rules.admit(request.id, at: index, of: "requests", seen: &seen) else { return nil }
                return (index, request)
            }?.compactMap { $0 }
        }
        let travel = field(doc, "travelMinutes", default: TravelMinutes()) { $0.travel($1) }
        let weights = field(doc, "weights", default: Weights()) { $0.weights($1) }
        let pins = field(doc, "pinned", default: []) { reader, list in
            reader.elements(list) { reader, item, _ in reader.pin(item) }?.enumerated().map { (index: $0, pin: $1) }
        }
        // The baseline of a repair has the shape of the pins; only its references are checked (``ProblemValidator``).
        let published = field(doc, "published", default: []) { reader, list in
            reader.elements(list) { reader, item, _ in reader.pin(item) }?.enumerated().map { (index: $0, entry: $1) }
        }
        rules.relations(
            week: week, members: members?.map(\.id), teams: teams?.map(\.id), requests: requests, pins: pins, published: published)
        guard rules.defects.isEmpty, let timezone, let week, let members, let teams, let requests, let travel, let weights, let pins,
            let published
        else { return nil }
        return Problem(
            version: 1, timezone: timezone, week: week, members: members, teams: teams, travelMinutes: travel,
            requests: requests.map(\.request), pinned: pins.compactMap(\.pin), published: published.compactMap(\.entry), weights: weights)
    }

    /// Members or teams, whose ids must not repeat within their list.
    private mutating func people<T: Identified>(_ doc: Fields, _ key: String, _ parse: (inout DocumentReader, Value) -> T?) -> [T]? {
        var seen: [String: Int] = [:]
        return field(doc, key, default: nil) { reader, list in
            reader.elements(list) { reader, item, index in
                guard let person = parse(&reader, item), reader.rules.admit(person.id, at: index, of: key, seen: &seen) else { return nil }
                return person
            }?.compactMap { $0 }
        }
    }

    // MARK: Describing values

    /// How the reference checker names a value's type ("a string", "the number 1.5" …); marks the document
    /// unreadable when the value is no JSON type.
    private mutating func describe(_ value: Value) -> String {
        if let kind = Self.kind(value.decoder) { return kind }
        unreadable = unreadable ?? value.path
        return "a value that is not JSON"
    }

    /// The value written back as compact JSON, to quote it in a message.
    private mutating func written(_ value: Value) -> String {
        if let text = Self.text(value.decoder) { return text }
        unreadable = unreadable ?? value.path
        return "a value that is not JSON"
    }

    private static func kind(_ decoder: any Decoder) -> String? {
        guard let single = try? decoder.singleValueContainer() else { return nil }
        if single.decodeNil() { return "null" }
        if (try? single.decode(Bool.self)) != nil { return "a boolean" }
        if let number = try? single.decode(Int.self) { return "the number \(number)" }
        if let number = try? single.decode(Double.self) { return "the number \(number)" }
        if (try? single.decode(String.self)) != nil { return "a string" }
        if (try? decoder.unkeyedContainer()) != nil { return "a list" }
        if (try? decoder.container(keyedBy: FieldKey.self)) != nil { return "an object" }
        return nil
    }

    private static func text(_ decoder: any Decoder) -> String? {
        guard let single = try? decoder.singleValueContainer() else { return nil }
        if single.decodeNil() { return "null" }
        if let flag = try? single.decode(Bool.self) { return flag ? "true" : "false" }
        if let number = try? single.decode(Int.self) { return String(number) }
        if let number = try? single.decode(Double.self) { return String(number) }
        if let string = try? single.decode(String.self) { return quoted(string) }
        if var list = try? decoder.unkeyedContainer() {
            var items: [String] = []
            while !list.isAtEnd {
                guard let item = try? list.superDecoder(), let text = text(item) else { return nil }
                items.append(text)
            }
            return "[" + items.joined(separator: ", ") + "]"
        }
        if let object = try? decoder.container(keyedBy: FieldKey.self) {
            var items: [String] = []
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                guard let value = try? object.superDecoder(forKey: key), let text = text(value) else { return nil }
                items.append(quoted(key.stringValue) + ": " + text)
            }
            return "{" + items.joined(separator: ", ") + "}"
        }
        return nil
    }

    /// A JSON string literal of `text`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A key of a JSON object, by name.
private struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) {
        stringValue = name
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        nil
    }
}

/// Members and teams, which share the duplicate-id check.
protocol Identified {
    var id: String { get }
}

extension Member: Identified {}
extension Team: Identified {}
