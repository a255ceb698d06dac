/// One way a solution differs from a problem's published week (``Problem/published``), for one published request.
///
/// A request scheduled at another option, with another member and another team has three changes (`time`, `member`,
/// `team`); a published request left unscheduled has one (`dropped`).
public struct BaselineChange: Sendable, Hashable, Codable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Another option (time) than published: `from` and `to` are the option indexes, as strings ("0", "2").
        case time
        /// Another member than published: `from` and `to` are member ids, `nil` for no member.
        case member
        /// Another team than published: `from` and `to` are team ids.
        case team
        /// Published, now unscheduled: `from` is the published option index (a string), `to` is `nil`.
        case dropped
    }

    /// The request's id.
    public var request: String
    /// What changed.
    public var kind: Kind
    /// The published value (see ``Kind``).
    public var from: String?
    /// The new value (see ``Kind``).
    public var to: String?

    /// A change.
    public init(request: String, kind: Kind, from: String?, to: String?) {
        self.request = request
        self.kind = kind
        self.from = from
        self.to = to
    }
}

/// How a solution differs from a problem's published week: every change, in the order of ``Problem/published``
/// (per request: time, member, team), and the counts the reference checker `score_solution.py` prints.
public struct BaselineChanges: Sendable, Equatable {
    /// Every change, published entry by published entry.
    public var changes: [BaselineChange]
    /// Published requests with at least one change (each counted once).
    public var changedSessions: Int
    /// Published requests scheduled at another option.
    public var moved: Int { count(.time) }
    /// Published requests scheduled with another member.
    public var memberChanged: Int { count(.member) }
    /// Published requests scheduled with another team.
    public var teamChanged: Int { count(.team) }
    /// Published requests left unscheduled.
    public var dropped: Int { count(.dropped) }

    /// The changes of one kind.
    public func count(_ kind: BaselineChange.Kind) -> Int {
        changes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }

    /// The requests with at least one change, in the order of ``Problem/published``.
    public var changedRequests: [String] {
        var seen = Set<String>()
        return changes.compactMap { seen.insert($0.request).inserted ? $0.request : nil }
    }

    /// The given changes; `changedSessions` counts their distinct requests.
    public init(changes: [BaselineChange]) {
        self.changes = changes
        changedSessions = Set(changes.map(\.request)).count
    }
}

extension Problem {
    /// How `solution` differs from this problem's ``published`` week: for every published entry, `dropped` when its
    /// request is not scheduled (an assignment with an option index out of range counts as not scheduled, as in the
    /// score), else `time`, `member` and `team` for each of them that differs. Empty when there is no baseline.
    ///
    /// The score's baseline terms are these changes at ``Weights/moved``, ``Weights/memberChanged``,
    /// ``Weights/teamChanged`` and ``Weights/dropped`` (times the request's weight).
    public func changes(in solution: Solution) -> BaselineChanges {
        guard !published.isEmpty else { return BaselineChanges(changes: []) }
        var chosen: [String: Assignment] = [:]
        for a in solution.assignments where chosen[a.request] == nil { chosen[a.request] = a }
        var optionCounts: [String: Int] = [:]
        for request in requests where optionCounts[request.id] == nil { optionCounts[request.id] = request.options.count }
        var changes: [BaselineChange] = []
        for entry in published {
            guard let a = chosen[entry.request], a.option >= 0, a.option < optionCounts[entry.request] ?? 0 else {
                changes.append(BaselineChange(request: entry.request, kind: .dropped, from: String(entry.option), to: nil))
                continue
            }
            if a.option != entry.option {
                changes.append(BaselineChange(request: entry.request, kind: .time, from: String(entry.option), to: String(a.option)))
            }
            if a.member != entry.member {
                changes.append(BaselineChange(request: entry.request, kind: .member, from: entry.member, to: a.member))
            }
            if a.team != entry.team {
                changes.append(BaselineChange(request: entry.request, kind: .team, from: entry.team, to: a.team))
            }
        }
        return BaselineChanges(changes: changes)
    }
}
