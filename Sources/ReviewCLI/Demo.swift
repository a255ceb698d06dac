import CellCommands
import Foundation
import ReviewCore
import ReviewService

/// The sample week that `serve --demo` registers, schedules and publishes on an empty database.
enum Demo {
    /// The demo office account's login.
    static let demoLogin = "van-phong"

    static func seed(_ service: ReviewService, actor: String, baseURL: String) async throws {
        let office = Principal.office("demo")
        let existing = try await service.list(for: office)
        let links = try await service.ensureFeedTokens(by: actor)
        if existing.isEmpty {
            let now = service.clock.now()
            let district = service.district
            let week = (district.campaign(covering: district.zone.date(of: now)) ?? district.campaigns.last!).cutoff.firstOpenWeek(at: now)
            let draft = district.zone.date(of: now)
            let slots = [("07:30", "11:30"), ("13:30", "17:00")]
            var registered = 0
            for (i, unit) in district.units.prefix(16).enumerated() {
                var options: [OptionInput] = []
                for k in 0..<2 {
                    let day = week.monday.adding(days: (i + k * 2) % 5 + 1)
                    let slot = slots[(i + k) % 2]
                    options.append(OptionInput(start: "\(day.iso)T\(slot.0)", end: "\(day.iso)T\(slot.1)"))
                }
                // The unit's main collective review: the first kind its unit kind may register.
                guard let kind = district.kinds(registrableBy: unit.kind).first else { continue }
                let input = RegistrationInput(
                    unit: unit.id, kind: kind.rawValue, options: options, draftSent: draft.iso, contactName: "Văn phòng \(unit.name)",
                    contactPhone: "0290 3800 \(100 + i)", contactEmail: "\(unit.id)@donvi-senhong.example.vn")
                do {
                    _ = try await service.register(input, by: office, idempotencyKey: "demo-\(unit.id)", admitLate: true)
                    registered += 1
                } catch let f as ReviewError {
                    say("Tuần mẫu: bỏ qua \(unit.name): \(f.message)")
                }
            }
            let result = try await service.runSchedule(week: week, by: actor)
            try await service.publish(week: week, by: actor)
            say("Tuần mẫu \(week.vietnamese): \(registered) đăng ký, \(result.scheduled) buổi đã xếp và công bố.")
        }
        let (_, officeToken) = try await service.issueToken(unit: nil, label: "demo", by: actor)
        say("Mã truy cập Văn phòng (demo): \(officeToken)")
        // A fresh password on every start: the demo account is for trying the pages, never kept.
        let password = Secrets.token(prefix: "", bits: 60)
        if try await service.user(demoLogin) == nil {
            _ = try await service.addUser(login: demoLogin, name: "Văn phòng (tài khoản mẫu)", role: .office, password: password, by: actor)
        } else {
            try await service.setPassword(demoLogin, password: password, by: actor)
        }
        say("Trang Văn phòng: \(baseURL)/office — đăng nhập mẫu: \(demoLogin) / \(password)")
        for link in links.filter({ $0.kind == .member }).prefix(3) + links.filter({ $0.kind == .district }) {
            say("Lịch của \(link.ownerName): \(baseURL)\(link.path)")
        }
    }
}
