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
