import Foundation
import ReviewCore
import ReviewStore

/// One field an audited action changed, in words: its Vietnamese label and its value before and after ("—" when
/// absent).
public struct AuditChange: Sendable, Hashable {
    /// The field, e.g. "Ngày gửi dự thảo".
    public var field: String
    /// Its value before, in words.
    public var before: String
    /// Its value after, in words.
    public var after: String
    /// A change of `field` from `before` to `after`.
    public init(field: String, before: String, after: String) {
        self.field = field
        self.before = before
        self.after = after
    }
}

/// What the audit trail's words are read against: the requests' labels and the office users' names.
public struct AuditNames: Sendable {
    /// Request id → "<unit> — <kind>, <day>".
    public var requests: [String: String]
    /// Office login → the user's name.
    public var users: [String: String]
    /// Outbox message id → "Thư báo gửi <recipient>", for the entries shown (see ``ReviewService/mailLabels(ids:)``).
    public var mails: [String: String] = [:]
}

extension ReviewService {
    /// The names the audit trail is told in.
    public func auditNames() async throws -> AuditNames {
        let users = try await self.users()
        return AuditNames(
            requests: try await requestLabels(), users: Dictionary(users.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// What the audit calls the outbox messages `ids`: "Thư báo gửi <recipient's name>".
    public func mailLabels(ids: [String]) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await store.read { tx in
            var labels: [String: String] = [:]
            for id in Set(ids) {
                if let m = try await tx.outboxMessage(id: id, district: self.district.id) { labels[id] = "Thư báo gửi \(m.recipientName)" }
            }
            return labels
        }
    }

    /// A group of actions (the first part of their codes) in words, for the audit's filter.
    public static func describeActionGroup(_ group: String) -> String {
        switch group {
        case "request": "Đăng ký (mọi thao tác)"
        case "schedule": "Xếp lịch và công bố (mọi thao tác)"
        case "session": "Buổi kiểm điểm (mọi thao tác)"
        case "unit": "Đơn vị (mọi thao tác)"
        case "token": "Mã truy cập (mọi thao tác)"
        case "feed": "Đường dẫn lịch (mọi thao tác)"
        case "user": "Tài khoản (mọi thao tác)"
        case "absence": "Lịch vắng (mọi thao tác)"
        case "mail": "Thư báo (mọi thao tác)"
        default: describeAction(group)
        }
    }

    /// Who acted, in words: an office user by name, a unit by its name, the office's commands as such.
    public func auditActor(_ actor: String, names: AuditNames) -> String {
        if actor.hasPrefix("office:") {
            let login = String(actor.dropFirst("office:".count))
            if let name = names.users[login] { return "\(name) (\(login))" }
            return "Văn phòng: \(login) (dòng lệnh)"
        }
        if actor.hasPrefix("unit:") {
            let id = String(actor.dropFirst("unit:".count))
            return "\(district.unit(id)?.name ?? id) (mã truy cập đơn vị)"
        }
        return actor
    }

    /// What an entry acted on, in words: "Buổi: <unit> — <kind>, <day>", "Tuần 50/2026 (…)", "Lịch của đ/c <name>".
    public func auditTarget(_ e: AuditEntry, names: AuditNames) -> String {
        switch e.entity {
        case "request": return "Đăng ký: \(names.requests[e.entityId] ?? e.entityId)"
        case "session": return "Buổi: \(names.requests[e.entityId] ?? e.entityId)"
        case "week": return ISOWeek(iso: e.entityId).map { $0.vietnamese.capitalizedFirst } ?? "Tuần \(e.entityId)"
        case "unit": return "Đơn vị: \(district.unit(e.entityId)?.name ?? e.entityId)"
        case "user": return "Tài khoản: \(names.users[e.entityId].map { "\($0) (\(e.entityId))" } ?? e.entityId)"
        case "feed":
            let parts = e.entityId.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return "Lịch \(e.entityId)" }
            return "Lịch của " + subjectName(kind: parts[0], id: parts[1])
        case "token": return "Mã truy cập"
        case "absence": return "Lịch vắng"
        case "mail": return names.mails[e.entityId] ?? "Thư báo"
        case "clock": return "Đồng hồ diễn tập"
        default: return e.entity
        }
    }

    /// A member, team or unit by name: "đ/c Nguyễn Văn A", "Tổ công tác số 1", the unit's name.
    func subjectName(kind: String, id: String) -> String {
        switch kind {
        case "member": district.member(id).map { "đ/c \($0.name)" } ?? "đ/c \(id)"
        case "team": district.team(id)?.name ?? id
        case "unit": district.unit(id)?.name ?? id
        default: id
        }
    }

    /// The fields an entry changed, before and after, in words; for an entry that records only an outcome (a run,
    /// a publish), that outcome's fields with nothing before.
    public func auditChanges(_ e: AuditEntry, names: AuditNames) -> [AuditChange] {
        let before = e.before.map { flatten(parse($0), names: names) } ?? [:]
        let after = e.after.map { flatten(parse($0), names: names) } ?? [:]
        var keys: [String] = []
        for key in after.keys.sorted() + before.keys.sorted() where !keys.contains(key) { keys.append(key) }
        keys.sort { Self.fieldOrder($0) < Self.fieldOrder($1) }
        return keys.compactMap { key in
            let b = before[key] ?? "—", a = after[key] ?? "—"
            guard b != a else { return nil }
            return AuditChange(field: Self.fieldName(key), before: b, after: a)
        }
    }

    private func parse(_ text: String) -> AuditJSON? {
        try? JSONDecoder().decode(AuditJSON.self, from: Data(text.utf8))
    }

    /// Every field of `value` by its path ("published.cancelled"), each in words; placements, marks and time options
    /// read as one value each, and bookkeeping (ids, versions, secrets) is left out.
    private func flatten(_ value: AuditJSON?, names: AuditNames, path: String = "") -> [String: String] {
        guard let value else { return [:] }
        if case .object(let dict) = value {
            if dict["team"] != nil && dict["start"] != nil { return [path: placementWords(dict)] }
            if dict["date"] != nil && dict["by"] != nil { return [path: markWords(dict, names: names)] }
            var out: [String: String] = [:]
            for (key, v) in dict where !Self.hidden.contains(key) && !key.lowercased().contains("hash") && !key.lowercased().contains("secret") {
                let p = path.isEmpty ? key : "\(path).\(key)"
                out.merge(flatten(v, names: names, path: p)) { a, _ in a }
            }
            return out
        }
        if path.isEmpty { return ["": words(value, key: "", names: names)] }
        return [path: words(value, key: path, names: names)]
    }

    private func words(_ value: AuditJSON, key: String, names: AuditNames) -> String {
        let leaf = key.split(separator: ".").last.map(String.init) ?? key
        let text: String
        switch value {
        case .null: return "—"
        case .bool(let b): return b ? "có" : "không"
        case .number(let n):
            let whole = n.rounded() == n && abs(n) < 1e15
            if leaf == "option", whole { return "phương án \(Int(n) + 1)" }
            return whole ? String(Int(n)) : String(n)
        case .array(let array):
            if array.isEmpty { return "—" }
            return array.enumerated().map { i, item in
                if case .object(let option) = item, let s = option["start"]?.string, let e = option["end"]?.string {
                    return "\(i + 1). " + spanWords(s, e)
                }
                return words(item, key: key, names: names)
            }.joined(separator: "; ")
        case .object(let dict):
            return dict.keys.sorted().map { "\(Self.fieldName($0)): \(words(dict[$0]!, key: $0, names: names))" }.joined(separator: "; ")
        case .string(let s): text = s
        }
        switch leaf {
        case "unitId": return district.unit(text)?.name ?? text
        case "campaignId": return district.campaign(text)?.name ?? text
        case "kind": return ReviewKind(rawValue: text)?.vietnamese ?? text
        case "location": return district.location(text)?.name ?? text
        case "member", "subjectId" where district.member(text) != nil: return district.member(text).map { "đ/c \($0.name)" } ?? text
        case "team": return district.team(text)?.name ?? text
        case "subjectId": return district.team(text)?.name ?? text
        case "subject": return text == "member" ? "Đồng chí UVBTV" : text == "team" ? "Tổ công tác" : district.unit(text)?.name ?? text
        case "after", "released": return names.requests[text] ?? text
        case "status":
            switch text {
            case "open": return "đang mở"
            case "withdrawn": return "đã rút"
            case "queued": return "chờ gửi"
            case "sent": return "đã gửi"
            case "failed": return "gửi không được"
            default: return text
            }
        case "role": return text == "clerk" ? "Chuyên viên" : text == "viewer" ? "Chỉ xem" : text == "admin" ? "Quản trị" : text
        default: break
        }
        if let week = ISOWeek(iso: text), text.contains("-W") { return week.vietnamese }
        if text.count == 10, let date = LocalDate(iso: text) { return date.vietnamese }
        if text.count == 16, let time = LocalDateTime(iso: text) { return time.vietnamese }
        if text.count >= 20, let instant = Timestamp.date(text) { return district.zone.local(instant).dateTime.vietnamese }
        return text
    }

    private func spanWords(_ start: String, _ end: String) -> String {
        guard let s = LocalDateTime(iso: start), let e = LocalDateTime(iso: end) else { return "\(start)–\(end)" }
        return "\(s.date.vietnameseWeekday) \(s.date.vietnamese) \(s.time)–\(e.time)"
    }

    private func placementWords(_ p: [String: AuditJSON]) -> String {
        var parts = [spanWords(p["start"]?.string ?? "", p["end"]?.string ?? "")]
        if case .number(let o)? = p["option"] { parts[0] += " (phương án \(Int(o) + 1))" }
        parts.append(p["member"]?.string.map { id in district.member(id).map { "đ/c \($0.name)" } ?? id } ?? "chưa phân công UVBTV")
        if let t = p["team"]?.string { parts.append(district.team(t)?.name ?? t) }
        return parts.joined(separator: "; ")
    }

    private func markWords(_ m: [String: AuditJSON], names: AuditNames) -> String {
        let date = m["date"]?.string.flatMap { LocalDate(iso: $0) }?.vietnamese ?? (m["date"]?.string ?? "")
        let by = m["by"]?.string.map { auditActor($0, names: names) }
        return "ngày \(date)" + (by.map { " (ghi bởi \($0))" } ?? "")
    }

    /// Bookkeeping fields the table leaves out.
    static let hidden: Set<String> = ["id", "districtId", "requestId", "version", "updatedAt", "createdAt", "createdBy", "lastModified", "sequence", "generation"]

    /// Vietnamese labels of the fields the audit records.
    static let fieldNames: [String: String] = [
        "": "Giá trị",
        "unitId": "Đơn vị", "campaignId": "Đợt kiểm điểm", "kind": "Loại kiểm điểm", "week": "Tuần", "options": "Phương án thời gian",
        "location": "Địa điểm", "draftSent": "Ngày gửi dự thảo", "contactName": "Người liên hệ", "contactPhone": "Điện thoại",
        "contactEmail": "Thư điện tử", "note": "Ghi chú", "after": "Buổi phải tổ chức trước", "status": "Trạng thái", "admittedLate": "Đăng ký muộn",
        "proposal": "Lịch dự kiến", "reason": "Lý do", "pinned": "Đã ghim", "published": "Lịch đã công bố", "published.placement": "Lịch đã công bố", "placement": "Lịch đã công bố", "cancelled": "Đã hủy trên lịch",
        "published.cancelled": "Đã hủy trên lịch", "published.reason": "Lý do đổi, hủy (trên lịch)", "cancellation": "Lý do hủy",
        "held": "Đã kiểm điểm", "dossier": "Đã nhận hồ sơ", "pendingReason": "Lý do sẽ báo khi công bố",
        "score": "Điểm phạt", "scheduled": "Số buổi xếp được", "unscheduled": "Số buổi chưa xếp được", "released": "Buổi được phép dời",
        "changed": "Số buổi thay đổi", "mail": "Số thư báo", "alternative": "Phương án sửa lịch", "alternatives": "Các phương án sửa lịch",
        "changedSessions": "Số buổi đổi", "failures": "Số lần đăng nhập sai", "extra": "Số đăng ký thêm",
        "subject": "Loại", "subjectId": "Người hoặc tổ", "start": "Từ", "end": "Đến", "text": "Nội dung", "author": "Người ghi",
        "at": "Lúc", "login": "Tên đăng nhập", "name": "Họ tên", "role": "Quyền", "disabledAt": "Khóa từ", "passwordChangedAt": "Đổi mật khẩu lúc",
        "label": "Tên", "revokedAt": "Thu hồi lúc", "by": "Người ghi", "date": "Ngày",
    ]

    static func fieldName(_ key: String) -> String {
        if let name = fieldNames[key] { return name }
        let leaf = key.split(separator: ".").last.map(String.init) ?? key
        return fieldNames[leaf] ?? "Thông tin khác"
    }

    /// Fields in the order a clerk reads them: the session first, then the request, then the rest.
    static func fieldOrder(_ key: String) -> (Int, String) {
        let order = [
            "published.cancelled", "cancellation", "published.placement", "published.reason", "proposal", "pinned", "reason", "draftSent", "options",
            "location", "contactName", "contactPhone", "contactEmail", "note", "status",
        ]
        return (order.firstIndex(of: key) ?? order.count, key)
    }
}

/// A JSON value as the audit trail stores it, read without losing whether a value was a boolean or a number.
enum AuditJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AuditJSON])
    case object([String: AuditJSON])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([AuditJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: AuditJSON].self))
        }
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
