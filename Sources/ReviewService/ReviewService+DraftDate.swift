import Foundation
import ReviewCore
import ReviewStore

extension ReviewService {
    /// How long before its campaign starts a draft report may have been sent: an earlier date is taken for a typing
    /// mistake (a wrong year or month).
    public static let draftDaysBeforeCampaign = 60

    /// Records or corrects the date a request's draft report was sent, as the office learns it (by telephone, on
    /// paper), at any time, also after the week closed. Refused, nothing stored, when the date is not a date, is in
    /// the future, lies more than ``draftDaysBeforeCampaign`` days before the campaign, leaves no time option of the
    /// request its lead time, or would make the session already placed too early. A stored reason that the draft was
    /// missing is cleared, so that the board tells the office to run the scheduler again. Returns the request.
    @discardableResult
    public func setDraftSent(request id: String, date text: String, expectedVersion: String? = nil, by actor: String) async throws -> ReviewRequest {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw ReviewError(.invalidDate, "Cần chọn ngày đơn vị gửi dự thảo báo cáo kiểm điểm.")
        }
        guard let date = LocalDate(iso: trimmed) else {
            throw ReviewError(.invalidDate, "Ngày gửi dự thảo '\(Text.clip(trimmed))' không đúng dạng năm-tháng-ngày (ví dụ 2026-12-08).")
        }
        let now = clock.now()
        let today = district.zone.date(of: now)
        if date > today {
            throw ReviewError(.futureDate, "Ngày gửi dự thảo \(date.vietnamese) ở tương lai (hôm nay là \(today.vietnamese)). Chỉ ghi khi đơn vị đã gửi.")
        }
        defer { feedCache.invalidate() }
        return try await store.write(serializedOn: district.id) { tx in
            guard let old = try await tx.request(id: id, district: self.district.id) else { throw ReviewError.requestNotFound(id) }
            let label = self.requestLabel(old)
            guard old.status == .open else { throw ReviewError(.withdrawn, "Đăng ký \(label) đã rút: không cần ghi ngày gửi dự thảo.") }
            try await self.checkVersion(expectedVersion, week: old.week, tx: tx)
            guard let campaign = self.district.campaign(old.campaignId) else {
                throw ReviewError(.unknownCampaign, "Đợt kiểm điểm của đăng ký \(label) không còn trong cấu hình của huyện.")
            }
            let first = campaign.starts.adding(days: -Self.draftDaysBeforeCampaign)
            if date < first {
                throw ReviewError(
                    .invalidDate,
                    "Ngày gửi dự thảo \(date.vietnamese) quá sớm: đợt \(campaign.name) bắt đầu ngày \(campaign.starts.vietnamese), nên ngày gửi không trước \(first.vietnamese). Kiểm tra lại năm và tháng.")
            }
            let earliest = campaign.earliestStart(draftSent: date)
            let latest = old.options.map { campaign.latestDraftDate(forSessionOn: $0.start.date) }.max()
            if !old.options.contains(where: { $0.start >= earliest }), let latest {
                throw ReviewError(
                    .invalidDate,
                    "Dự thảo gửi ngày \(date.vietnamese) không đủ \(campaign.leadDays) ngày trước phương án nào của đăng ký (sớm nhất ngày \(earliest.date.vietnamese)); để kịp phương án muộn nhất, dự thảo phải gửi chậm nhất ngày \(latest.vietnamese). Đơn vị cần đăng ký thời gian khác.")
            }
            let session = try await tx.session(request: id, district: self.district.id)
            let placed = session?.proposal ?? session?.published.flatMap { $0.cancelled ? nil : $0.placement }
            if let placed, placed.start < earliest {
                throw ReviewError(
                    .invalidDate,
                    "Buổi đã xếp lúc \(placed.start.vietnamese), sớm hơn \(campaign.leadDays) ngày sau ngày gửi dự thảo \(date.vietnamese) (sớm nhất \(earliest.date.vietnamese)). Chuyển hoặc đổi lịch buổi sang phương án muộn hơn trước, rồi ghi ngày gửi.")
            }
            var new = old
            new.draftSent = date
            new.updatedAt = now
            new.version += 1
            try await tx.updateRequest(new)
            if var s = session, s.proposal == nil, s.cancellation == nil, s.reason != nil {
                // The reason was read off the week as it stood (the draft missing, or too late for an option).
                s.reason = nil
                try await tx.saveSession(s)
            }
            try await tx.bumpRevision(district: self.district.id)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "request.draft-sent", entity: "request", id: id, before: StoreTransaction.json(old), after: StoreTransaction.json(new)))
            return new
        }
    }
}
