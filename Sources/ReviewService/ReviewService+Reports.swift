import Foundation
import ReviewCore
import ReviewStore

extension WeekBoard.Row {
    /// The row's state in a few Vietnamese words.
    public var statusText: String {
        if isWithdrawn { return "Đã rút" }
        if session?.cancellation != nil { return "Đã hủy" }
        guard let p = proposal else {
            if isLateUnrun { return "Nhận muộn, chưa xếp — chạy xếp lịch lại" }
            if request.draftSent == nil { return "Chưa có ngày gửi dự thảo" }
            if session?.reason == nil { return "Chưa xếp — chạy xếp lịch lại" }
            return "Chưa xếp được"
        }
        if let pub = published, !pub.cancelled, pub.placement == p { return "Đã công bố" }
        return "Dự kiến, chưa công bố"
    }

    /// The placement the row shows: the proposal, else what was published.
    public var shownPlacement: Placement? { proposal ?? published?.placement }
}

extension Placement {
    /// `Sáng` before noon, `Chiều` after.
    public var halfDay: String { start.time.hour < 12 ? "Sáng" : "Chiều" }
}

extension WeekBoard {
    /// The week as a table: one row per request, withdrawn ones included.
    public func csv(district: District, separator: CSVText.Separator = .comma) -> CSVText {
        var table = CSVText(separator: separator)
        table.append([
            "Mã đăng ký", "Đơn vị", "Khối", "Loại kiểm điểm", "Trạng thái", "Ngày", "Thứ", "Buổi", "Bắt đầu", "Kết thúc", "Địa điểm", "UVBTV dự",
            "Tổ công tác", "Người liên hệ", "Điện thoại", "Đăng ký muộn", "Lý do",
        ])
        let ordered = rows.sorted { a, b in
            switch (a.shownPlacement, b.shownPlacement) {
            case (let x?, let y?): (x.start, a.unitName) < (y.start, b.unitName)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.unitName < b.unitName
            }
        }
        for row in ordered {
            let r = row.request
            let p = row.shownPlacement
            let location = district.location(r.location).map(\.name) ?? r.location
            table.append([
                r.id, row.unitName, row.unit.flatMap { district.bloc($0.bloc)?.name } ?? "", r.kind.vietnamese, row.statusText,
                p?.start.date.vietnamese ?? "", p?.start.date.vietnameseWeekday ?? "", p?.halfDay ?? "", p.map { "\($0.start.time)" } ?? "",
                p.map { "\($0.end.time)" } ?? "", location, p?.member.flatMap { district.member($0)?.name } ?? "",
                p.map { district.team($0.team)?.name ?? $0.team } ?? "", r.contactName ?? "", r.contactPhone ?? "", r.admittedLate ? "có" : "",
                row.published?.reason ?? row.session?.reason ?? "",
            ])
        }
        return table
    }
}

extension CampaignProgress {
    /// The campaign's progress as a table: one row per unit.
    public func csv(district: District, separator: CSVText.Separator = .comma) -> CSVText {
        var table = CSVText(separator: separator)
        table.append([
            "Mã đơn vị", "Đơn vị", "Khối", "UVBTV phụ trách", "Tình trạng", "Số đăng ký", "Lịch kiểm điểm", "Ngày đã kiểm điểm", "Ngày nhận hồ sơ",
            "Ghi chú",
        ])
        for u in units {
            let inCharge = u.unit.inCharge.compactMap { district.member($0)?.name }.joined(separator: "; ")
            let scheduled = u.sessions.compactMap { s in s.placement.map { "\($0.start.date.vietnamese) \($0.start.time)–\($0.end.time)" } }
            table.append([
                u.unit.id, u.unit.name, u.blocName, inCharge, u.stage.vietnamese, String(u.sessions.count), scheduled.joined(separator: "; "),
                u.sessions.compactMap { $0.session?.held?.date.vietnamese }.joined(separator: "; "),
                u.sessions.compactMap { $0.session?.dossier?.date.vietnamese }.joined(separator: "; "),
                u.notes.map(\.text).joined(separator: " | "),
            ])
        }
        return table
    }
}
