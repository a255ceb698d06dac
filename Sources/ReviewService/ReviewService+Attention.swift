import Foundation
import ReviewCore
import ReviewStore

extension ReviewService {
    /// The week the office should open: the nearest one, from `current` on and then back before it, that has an open
    /// request not yet scheduled or a difference between its proposal and what is published; `current` when none has.
    public func weekNeedingAttention(from current: ISOWeek) async throws -> ISOWeek {
        let (requests, sessions) = try await store.read { tx in
            (try await tx.requests(district: self.district.id), try await tx.sessions(district: self.district.id))
        }
        let byRequest = Dictionary(sessions.map { ($0.requestId, $0) }, uniquingKeysWith: { a, _ in a })
        var waiting = Set<ISOWeek>()
        for r in requests {
            let row = WeekBoard.Row(request: r, unit: district.unit(r.unitId), unitName: r.unitId, session: byRequest[r.id])
            let unscheduled = !row.isWithdrawn && row.proposal == nil && row.session?.cancellation == nil
            if unscheduled || row.change != nil { waiting.insert(r.week) }
        }
        if let ahead = waiting.filter({ $0 >= current }).min() { return ahead }
        return waiting.filter { $0 < current }.max() ?? current
    }
}
