/// How the command line prints a request (`reviewcal list`, `show`, `schedule show`).
extension RequestView {
    /// The request, what the office did about it and, to the office, what publishing would change — in Vietnamese.
    public var text: String {
        var lines = ["\(request.id)  \(unitName) — \(request.kind.vietnamese)"]
        lines.append("  Tuần: \(request.week.vietnamese)")
        for (i, o) in request.options.enumerated() { lines.append("  Phương án \(i + 1): \(o)") }
        lines.append("  Dự thảo báo cáo: " + (request.draftSent.map { "đã gửi ngày \($0.vietnamese)" } ?? "chưa gửi"))
        lines.append("  Trạng thái: \(stateText)")
        if let p = placement {
            let label = p.published ? (state == "da-huy" ? "Lịch đã hủy" : "Lịch đã công bố") : "Lịch dự kiến (chưa công bố)"
            lines.append("  \(label): \(TimeOption(start: p.start, end: p.end))")
            lines.append("  UVBTV dự: \(p.memberName ?? "chưa phân công"); tổ công tác: \(p.teamName)")
        }
        if let p = pending {
            lines.append("  Lịch dự kiến mới (chưa công bố): \(TimeOption(start: p.start, end: p.end))")
            lines.append("  UVBTV dự: \(p.memberName ?? "chưa phân công"); tổ công tác: \(p.teamName)")
        }
        if pendingCancellation == true {
            lines.append("  Lần xếp lịch mới nhất không xếp được buổi này: khi công bố, buổi đã công bố sẽ bị hủy trên lịch.")
        }
        if let r = changeReason {
            lines.append(state == "da-rut" ? "  Lý do hủy: \(r)" : "  Lý do Văn phòng \(state == "da-huy" ? "hủy" : "đổi lịch"): \(r)")
        }
        if let r = reason, changeReason == nil { lines.append("  Lý do: \(r)") }
        for w in warnings { lines.append("  Lưu ý: \(w)") }
        return lines.joined(separator: "\n")
    }
}
