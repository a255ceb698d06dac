import Foundation
import ReviewCore
import ReviewStore

/// Which audit entries to show: every field given must match.
public struct AuditFilter: Sendable, Hashable {
    /// A unit id: its requests and sessions, notes on it, and what its token did.
    public var unit: String?
    /// An ISO week: the week's runs and publications, and its requests and sessions.
    public var week: ISOWeek?
    /// Who acted: an office login or name (`thu-ha`, `office:thu-ha`), or `unit:<id>`.
    public var user: String?
    /// What was done: an action (`session.move`) or its first part (`session`).
    public var action: String?
    /// Creates a filter.
    public init(unit: String? = nil, week: ISOWeek? = nil, user: String? = nil, action: String? = nil) {
        self.unit = unit
        self.week = week
        self.user = user
        self.action = action
    }
}

extension ReviewService {
    /// The audit entries that match `filter`, newest first.
    public func auditTrail(filter: AuditFilter) async throws -> [AuditEntry] {
        let (entries, requests) = try await store.read { tx in
            (try await tx.auditTrail(district: self.district.id), try await tx.requests(district: self.district.id))
        }
        let requestById = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        let user = filter.user?.trimmingCharacters(in: .whitespaces).lowercased()
        return entries.reversed().filter { e in
            let request = (e.entity == "request" || e.entity == "session") ? requestById[e.entityId] : nil
            if let unit = filter.unit, request?.unitId != unit && !(e.entity == "unit" && e.entityId == unit) && e.actor != "unit:\(unit)" {
                return false
            }
            if let week = filter.week, request?.week != week && !(e.entity == "week" && e.entityId == week.iso) { return false }
            if let user, !user.isEmpty, e.actor.lowercased() != user && e.actor.lowercased() != "office:\(user)" { return false }
            if let action = filter.action, !action.isEmpty, e.action != action && !e.action.hasPrefix(action + ".") { return false }
            return true
        }
    }

    /// What an audit action means, in Vietnamese.
    public static func describeAction(_ action: String) -> String {
        switch action {
        case "request.create": "Đăng ký"
        case "request.create-late": "Nhận đăng ký muộn"
        case "request.change": "Sửa đăng ký"
        case "request.draft-sent": "Ghi ngày gửi dự thảo"
        case "request.withdraw": "Rút đăng ký"
        case "request.allow-extra": "Cho thêm đăng ký"
        case "schedule.run": "Chạy xếp lịch"
        case "schedule.publish": "Công bố tuần"
        case "schedule.repair": "Đề xuất sửa lịch đã công bố"
        case "schedule.repair-choose": "Chọn phương án sửa lịch"
        case "absence.add": "Ghi lịch vắng"
        case "absence.remove": "Xóa lịch vắng"
        case "session.publish": "Công bố buổi"
        case "session.pin": "Ghim buổi"
        case "session.unpin": "Bỏ ghim"
        case "session.move": "Chuyển buổi"
        case "session.reschedule": "Đổi lịch đã công bố"
        case "session.cancel": "Hủy buổi"
        case "schedule.undo": "Hoàn tác công bố"
        case "session.undo": "Hoàn tác buổi"
        case "session.held": "Ghi nhận đã kiểm điểm"
        case "session.held-cleared": "Bỏ ghi nhận đã kiểm điểm"
        case "session.dossier": "Ghi nhận đã nhận hồ sơ"
        case "session.dossier-cleared": "Bỏ ghi nhận hồ sơ"
        case "unit.note": "Ghi chú đơn vị"
        case "token.issue": "Cấp mã truy cập"
        case "token.revoke": "Thu hồi mã truy cập"
        case "feed.rotate": "Đổi đường dẫn lịch"
        case "feed.revoke": "Thu hồi đường dẫn lịch"
        case "user.add": "Tạo tài khoản"
        case "user.disable": "Khóa tài khoản"
        case "user.enable": "Mở lại tài khoản"
        case "user.password": "Đặt mật khẩu"
        case "user.sign-in": "Đăng nhập"
        case "user.sign-in-failed": "Đăng nhập sai"
        case "user.locked": "Tạm khóa đăng nhập"
        case "clock.set": "Đặt đồng hồ diễn tập"
        case "mail.resend": "Gửi lại thư báo"
        default: action
        }
    }
}
