import Foundation
import ReviewCore
import ReviewStore
import Scheduling

extension ReviewService {
    /// A request as a clerk knows it: "Đảng ủy xã An Bình — Kiểm điểm đảng viên, Thứ Ba 15/12/2026"
    /// (the day of its options, or its week when they lie on several days).
    public func requestLabel(_ r: ReviewRequest) -> String {
        let unit = district.unit(r.unitId)?.name ?? r.unitId
        let days = Set(r.options.map(\.start.date))
        let when: String
        if days.count == 1, let day = days.first {
            when = "\(day.vietnameseWeekday) \(day.vietnamese)"
        } else {
            when = r.week.vietnamese
        }
        return "\(unit) — \(r.kind.vietnamese), \(when)"
    }

    /// What the reasons of a run call the requests of `requests` and the district's blocs.
    func labels(for requests: [ReviewRequest]) -> Labels {
        Labels(
            requests: Dictionary(requests.map { ($0.id, requestLabel($0)) }, uniquingKeysWith: { a, _ in a }),
            blocs: Dictionary(district.blocs.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The labels of every request of the district, by id (for the audit and messages).
    public func requestLabels() async throws -> [String: String] {
        let requests = try await store.read { tx in try await tx.requests(district: self.district.id) }
        return Dictionary(requests.map { ($0.id, requestLabel($0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// The label of one request, or its id when there is no such request.
    public func requestLabel(id: String) async throws -> String {
        guard let r = try await store.read({ tx in try await tx.request(id: id, district: self.district.id) }) else { return id }
        return requestLabel(r)
    }
}
