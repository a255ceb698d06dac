import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/feeds`: every member's, team's and unit's subscription link (https and webcal), a QR code to scan from
/// a phone, the rotate button, and how to subscribe on iPhone, Android and Outlook.
struct FeedsPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }

    struct FeedsPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var groups: [FeedGroup]
        var missing: Int?
        /// "https" or "http": the scheme of the links, as the server's public address has it.
        var scheme: String
    }
    struct FeedGroup {
        var id: String
        var title: String
        var feeds: [FeedRow]
    }
    struct FeedRow {
        var kind: String
        var subject: String
        var name: String
        var https: String?
        var webcal: String?
        var href: String
    }
    struct FeedPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var feed: FeedRow
        var kindText: String
        var webcalQR: String?
        var httpsQR: String?
        var scheme: String
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("feeds") { _, context in
            await kit.guarded(context) {
                kit.pages.page("feeds", try await listPage(context))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được", message: f.message)
            }
        }
        group.post("feeds/issue-missing") { _, context in
            await kit.guarded(context) {
                let before = try await service.feedLinks().count
                let after = try await service.ensureFeedTokens(by: context.identity!.actor).count
                return kit.redirect("/office/feeds", flash: "Đã cấp \(after - before) đường dẫn còn thiếu.", context)
            } onRefusal: { f in
                kit.pages.page("feeds", try await listPage(context, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
            }
        }
        group.get("feeds/:kind/:subject") { _, context in
            await kit.guarded(context) {
                kit.pages.page("feed", try await detailPage(context))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không có lịch này", message: f.message)
            }
        }
        group.post("feeds/:kind/:subject/rotate") { _, context in
            await kit.guarded(context) {
                let (kind, subject) = try parse(context)
                guard kit.confirmed(context) else { return try await confirmRotate(context, kind: kind, subject: subject) }
                _ = try await service.rotateFeed(kind: kind, subject: subject, by: context.identity!.actor)
                return kit.redirect(
                    "/office/feeds/\(kind.rawValue)/\(subject)",
                    flash: "Đã cấp đường dẫn mới. Đường dẫn cũ đã ngừng hoạt động: gửi đường dẫn hoặc mã QR mới cho người dùng lịch này.", context)
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không đổi được", message: f.message)
            }
        }
    }

    func parse(_ context: OfficeRequestContext) throws -> (FeedToken.Kind, String) {
        let kindText = context.parameters.get("kind") ?? ""
        let subject = context.parameters.get("subject") ?? ""
        guard let kind = FeedToken.Kind(rawValue: kindText) else {
            throw ReviewError(.unknownFeed, "Không có loại lịch '\(Text.clip(kindText))'.")
        }
        return (kind, subject)
    }

    func row(_ entry: (kind: FeedToken.Kind, subject: String, ownerName: String, link: ReviewService.FeedLink?)) -> FeedRow {
        FeedRow(
            kind: entry.kind.rawValue, subject: entry.subject, name: entry.ownerName, https: entry.link.map { kit.office.publicURL + $0.path },
            webcal: entry.link.map { kit.office.webcalURL + $0.path }, href: "/office/feeds/\(entry.kind.rawValue)/\(entry.subject)")
    }

    static func title(_ kind: FeedToken.Kind) -> String {
        switch kind {
        case .member: "Các đồng chí Ủy viên Ban Thường vụ"
        case .team: "Các tổ công tác"
        case .unit: "Các đơn vị"
        case .district: "Toàn huyện (Văn phòng)"
        }
    }

    func listPage(_ context: OfficeRequestContext, error: Chrome.ErrorBox? = nil) async throws -> FeedsPage {
        let directory = try await service.feedDirectory()
        let groups = FeedToken.Kind.allCases.map { kind in
            FeedGroup(id: "lich-\(kind.rawValue)", title: Self.title(kind), feeds: directory.filter { $0.kind == kind }.map(row))
        }
        let identity = context.identity
        return FeedsPage(
            chrome: kit.chrome(context, title: "Đường dẫn lịch", section: .feeds, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", groups: groups, missing: directory.filter { $0.link == nil }.count.nonZero,
            scheme: kit.office.linkScheme)
    }

    func detailPage(_ context: OfficeRequestContext) async throws -> FeedPage {
        let (kind, subject) = try parse(context)
        guard let entry = try await service.feedDirectory().first(where: { $0.kind == kind && $0.subject == subject }) else {
            throw ReviewError(.unknownFeed, "Không có lịch '\(kind.rawValue)/\(Text.clip(subject))' trong huyện.")
        }
        let feed = row(entry)
        let identity = context.identity
        return FeedPage(
            chrome: kit.chrome(context, title: "Lịch của \(entry.ownerName)", section: .feeds), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", feed: feed, kindText: Self.title(kind),
            webcalQR: feed.webcal.flatMap { QRCode($0)?.svg(title: "Mã QR đăng ký lịch của \(entry.ownerName) trên iPhone (webcal)") },
            httpsQR: feed.https.flatMap { QRCode($0)?.svg(title: "Mã QR đường dẫn \(kit.office.linkScheme) lịch của \(entry.ownerName)") },
            scheme: kit.office.linkScheme)
    }
}

extension Int {
    /// Nil for zero, so that a template section shows only a count that is there.
    var nonZero: Int? { self == 0 ? nil : self }
}

extension FeedsPageController {
    /// The confirmation of a new feed link: whose calendar, and that the old link stops at once.
    func confirmRotate(_ context: OfficeRequestContext, kind: FeedToken.Kind, subject: String) async throws -> Response {
        guard let entry = try await service.feedDirectory().first(where: { $0.kind == kind && $0.subject == subject }) else {
            throw ReviewError(.unknownFeed, "Không có lịch '\(kind.rawValue)/\(Text.clip(subject))' trong huyện.")
        }
        let href = "/office/feeds/\(kind.rawValue)/\(subject)"
        let old = entry.link.map { kit.office.publicURL + $0.path }
        let change = ConfirmPage.Change(
            id: "\(kind.rawValue)-\(subject)", unit: entry.ownerName, what: old == nil ? "Cấp đường dẫn" : "Đổi đường dẫn",
            before: old == nil ? "Chưa có đường dẫn" : "Đường dẫn hiện tại (ngừng hoạt động ngay)", after: "Đường dẫn mới và mã QR mới")
        return kit.pages.page(
            "confirm",
            ConfirmPage(
                chrome: kit.chrome(context, title: "Đổi đường dẫn lịch của \(entry.ownerName)", section: .feeds),
                heading: old == nil ? "Cấp đường dẫn lịch cho \(entry.ownerName)?" : "Đổi đường dẫn lịch của \(entry.ownerName)?",
                intro: old == nil
                    ? "Đường dẫn mới được cấp ngay; gửi đường dẫn hoặc mã QR cho người dùng lịch này."
                    : "Khi xác nhận, đường dẫn hiện tại ngừng hoạt động ngay: mọi điện thoại, máy tính đã đăng ký lịch bằng đường dẫn đó không nhận được cập nhật nữa. Cần gửi đường dẫn hoặc mã QR mới cho người dùng lịch này để đăng ký lại.",
                changes: [change],
                audience: [.init(title: Self.title(kind), names: entry.ownerName), .init(title: "Ai đã đăng ký lịch bằng đường dẫn cũ", names: "phải đăng ký lại")],
                mailText: nil, action: "\(href)/rotate", csrf: context.identity?.csrf ?? "", fields: [],
                confirmLabel: old == nil ? "Xác nhận cấp đường dẫn" : "Xác nhận đổi đường dẫn", danger: old != nil, backHref: href))
    }
}
