import Foundation
import ReviewCore
import ReviewService

/// The printed week schedule as an HTML document, the same the office's print page shows: for
/// `reviewcal schedule print`.
public func printedWeekHTML(service: ReviewService, week: ISOWeek, draft: Bool) async throws -> String {
    let kit = OfficeKit(service: service, pages: Pages.load(), office: OfficeConfiguration())
    let board = try await service.weekBoard(week: week)
    return kit.pages.text("print", OutputsController(kit: kit).printPage(board, draft: draft))
}

/// The heading of the printed schedule in the Party's document format (Hướng dẫn 36-HD/VPTW): the issuing body with
/// a "*" under it and the document's number at top left; "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date at top right.
struct PrintLetterhead {
    /// The issuing body in capitals, e.g. "HUYỆN ỦY SEN HỒNG": the district's configured name, with "HUYỆN ỦY" before
    /// it when the name does not already name a Party body.
    var issuer: String
    /// The place of issue, e.g. "Sen Hồng": the district's name without the body's words.
    var place: String
    /// The year of issue; the day and month are written by hand when the schedule is signed.
    var year: Int
    /// The number field, its number left blank for the registry: "Số      -LT/HU".
    var number = "Số\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}-LT/HU"

    /// Words that start the name of a Party body, compared in lower case with both spellings of "ủy".
    static let bodies = ["ban thường vụ huyện ủy", "huyện ủy", "ban thường vụ", "thị ủy", "thành ủy", "quận ủy", "đảng bộ huyện", "đảng bộ"]

    init(districtName: String, year: Int) {
        let name = districtName.trimmingCharacters(in: .whitespacesAndNewlines)
        let folded = name.lowercased().replacingOccurrences(of: "uỷ", with: "ủy")
        let body = Self.bodies.first { folded.hasPrefix($0 + " ") || folded == $0 }
        issuer = (body == nil ? "Huyện ủy " + name : name).uppercased()
        if let body {
            let rest = name.dropFirst(body.count).trimmingCharacters(in: .whitespaces)
            place = rest.isEmpty ? name : rest
        } else {
            let lower = name.lowercased()
            place = lower.hasPrefix("huyện ") ? String(name.dropFirst("huyện ".count)) : name
        }
        self.year = year
    }
}
