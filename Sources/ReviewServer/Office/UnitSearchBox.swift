import Foundation
import Hummingbird
import ReviewCore
import ReviewService

/// The search by unit name on the week, registrations and campaign pages: a GET form (`tim`) whose words filter the
/// rows shown, accents and case aside.
struct UnitSearchBox {
    /// Where the form goes (the page itself).
    var action: String
    /// What was typed, shown back in the field.
    var value: String
    /// "Không có đơn vị nào khớp «sen hồng»", when nothing matched.
    var noMatch: String?
    /// "3 đơn vị khớp «sen»", when something did.
    var found: String?
    /// The page without the search.
    var clearHref: String?

    /// The box of a page, with what its search found (`found` rows).
    init(_ search: NameSearch?, action: String, found: Int) {
        self.action = action
        value = search?.text ?? ""
        clearHref = search == nil ? nil : action
        noMatch = search.flatMap { found == 0 ? "Không có đơn vị nào khớp «\($0.text)»." : nil }
        self.found = search.flatMap { found > 0 ? "\(found) kết quả khớp «\($0.text)»." : nil }
    }

    /// The query's search (`tim`), if it holds anything to look for. Read from the raw query: a GET form sends a
    /// space as "+", which the router's query parameters keep.
    static func search(_ request: Request) -> NameSearch? {
        for pair in (request.uri.query ?? "").split(separator: "&") where pair.hasPrefix("tim=") {
            let text = String(pair.dropFirst(4)).replacingOccurrences(of: "+", with: " ")
            return NameSearch(text.removingPercentEncoding ?? text)
        }
        return nil
    }

    /// `tim=…` for a link that keeps the search.
    static func query(_ search: NameSearch) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "tim=" + (search.text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }
}

extension WeekPageController.WeekPage {
    /// Keeps only the rows of units whose name matches `search` (the counts stay the week's).
    mutating func filter(_ search: NameSearch?) {
        defer { self.search = UnitSearchBox(search, action: "/office/weeks/\(week)", found: found(search)) }
        guard let search else { return }
        days = days.compactMap { day in
            var d = day
            d.halves = d.halves.compactMap { half in
                var h = half
                h.sessions = h.sessions.filter { search.matches($0.unit) }
                return h.sessions.isEmpty ? nil : h
            }
            return d.halves.isEmpty ? nil : d
        }
        unscheduled = unscheduled.filter { search.matches($0.unit) }
        changes = changes.filter { search.matches($0.unit) }
        if var table = requestTable {
            table.requests = table.requests.filter { search.matches($0.unit) }
            requestTable = table
        }
    }

    private func found(_ search: NameSearch?) -> Int {
        guard search != nil else { return 0 }
        var units = Set(unscheduled.map(\.unit)).union(changes.map(\.unit))
        for day in days { for half in day.halves { units.formUnion(half.sessions.map(\.unit)) } }
        units.formUnion(requestTable?.requests.map(\.unit) ?? [])
        return units.count
    }
}

extension WeekPageController {
    /// "Sẽ công bố: 2 buổi mới, 1 buổi đổi, 1 buổi hủy", beside the publish button.
    func publishSummary(_ board: WeekBoard) -> String? {
        var added = 0
        var moved = 0
        var cancelled = 0
        for row in board.changes {
            switch row.change! {
            case .add: added += 1
            case .move: moved += 1
            case .cancel: cancelled += 1
            }
        }
        let parts = [(added, "buổi mới"), (moved, "buổi đổi giờ, người dự hoặc tổ"), (cancelled, "buổi hủy")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        guard !parts.isEmpty else { return nil }
        return "Công bố sẽ đưa lên lịch của các đồng chí UVBTV, tổ công tác và đơn vị: " + parts.joined(separator: ", ") + "."
    }
}
