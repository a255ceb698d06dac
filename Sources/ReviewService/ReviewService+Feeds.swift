import Foundation
import ICalKit
import ReviewCore
import ReviewStore

extension ReviewService {
    /// The outcome of looking up a feed URL.
    public enum FeedLookup: Sendable {
        /// The feed.
        case feed(RenderedFeed)
        /// The token was revoked or rotated: 410, so calendar apps stop polling.
        case gone
        /// No such token: 404.
        case notFound
    }

    /// One feed of the district: whose, and its URL token.
    public struct FeedLink: Sendable, Hashable {
        /// Whose feed.
        public var kind: FeedToken.Kind
        /// Member, team or unit id, or the district id.
        public var subject: String
        /// Display name of the owner.
        public var ownerName: String
        /// The token.
        public var token: String
        /// The readable last path segment, e.g. `nguyen-van-an.ics`.
        public var fileName: String
        /// The path under the server: `/feeds/members/<token>/<name>.ics`.
        public var path: String
    }

    /// Days of past sessions kept in a feed.
    static let feedDaysBack = 90
    /// Days of future sessions in a feed.
    static let feedDaysAhead = 365

    /// Issues a token for every member, team and unit feed and the district feed that has none.
    public func ensureFeedTokens(by actor: String) async throws -> [FeedLink] {
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            let live = Set(try await tx.liveFeedTokens(district: self.district.id).map { "\($0.kind.rawValue)/\($0.subject)" })
            for (kind, subject) in self.feedSubjects() where !live.contains("\(kind.rawValue)/\(subject)") {
                try await tx.insertFeedToken(FeedToken(
                    token: Secrets.token(prefix: "", bits: 160), districtId: self.district.id, kind: kind, subject: subject, createdAt: now, revokedAt: nil))
            }
        }
        return try await feedLinks()
    }

    /// Every live feed URL of the district.
    public func feedLinks() async throws -> [FeedLink] {
        let tokens = try await store.read { tx in try await tx.liveFeedTokens(district: self.district.id) }
        return tokens.map { t in
            let name = ownerName(kind: t.kind, subject: t.subject)
            let file = Slug.make(name) + ".ics"
            return FeedLink(kind: t.kind, subject: t.subject, ownerName: name, token: t.token, fileName: file, path: "/feeds/\(Self.segment(t.kind))/\(t.token)/\(file)")
        }
    }

    /// Every feed of the district (members, teams, units, then the district) with its live link, if it has one.
    public func feedDirectory() async throws -> [(kind: FeedToken.Kind, subject: String, ownerName: String, link: FeedLink?)] {
        let links = Dictionary(try await feedLinks().map { ("\($0.kind.rawValue)/\($0.subject)", $0) }, uniquingKeysWith: { a, _ in a })
        return feedSubjects().map { kind, subject in
            (kind, subject, ownerName(kind: kind, subject: subject), links["\(kind.rawValue)/\(subject)"])
        }
    }

    /// Rotates a feed's URL: the old token answers 410 from now on; returns the new link.
    public func rotateFeed(kind: FeedToken.Kind, subject: String, by actor: String) async throws -> FeedLink {
        guard feedSubjects().contains(where: { $0 == (kind, subject) }) else {
            throw ServiceFailure(404, "unknown-feed", "Không có lịch '\(kind.rawValue)/\(Text.clip(subject))' trong huyện.")
        }
        let now = clock.now()
        let token = Secrets.token(prefix: "", bits: 160)
        try await store.write(serializedOn: district.id) { tx in
            _ = try await tx.revokeFeedTokens(district: self.district.id, kind: kind, subject: subject, at: now)
            try await tx.insertFeedToken(FeedToken(token: token, districtId: self.district.id, kind: kind, subject: subject, createdAt: now, revokedAt: nil))
            try await tx.audit(self.auditEntry(actor: actor, action: "feed.rotate", entity: "feed", id: "\(kind.rawValue)/\(subject)", before: nil, after: nil))
            try await tx.bumpRevision(district: self.district.id)
        }
        feedCache.invalidate()
        return try await feedLinks().first { $0.token == token }!
    }

    /// Revokes a feed's URL without a new one.
    public func revokeFeed(kind: FeedToken.Kind, subject: String, by actor: String) async throws {
        let now = clock.now()
        let n = try await store.write(serializedOn: district.id) { tx in
            let n = try await tx.revokeFeedTokens(district: self.district.id, kind: kind, subject: subject, at: now)
            if n > 0 {
                try await tx.audit(self.auditEntry(actor: actor, action: "feed.revoke", entity: "feed", id: "\(kind.rawValue)/\(subject)", before: nil, after: nil))
                try await tx.bumpRevision(district: self.district.id)
            }
            return n
        }
        feedCache.invalidate()
        if n == 0 { throw ServiceFailure(404, "unknown-feed", "Lịch '\(kind.rawValue)/\(Text.clip(subject))' không có đường dẫn nào đang hiệu lực.") }
    }

    /// The feed behind a URL token, rendered once per change and served from memory.
    public func feed(token: String) async throws -> FeedLookup {
        let bytes = token.utf8
        guard bytes.count >= 26, bytes.count <= 64, bytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }) else { return .notFound }
        let now = clock.now()
        let revision: Int
        if let fresh = feedCache.freshRevision(now: now) {
            revision = fresh
        } else {
            revision = try await store.read { tx in try await tx.revision(district: self.district.id) }
            feedCache.setRevision(revision, now: now)
        }
        var cached = feedCache.token(token, revision: revision)
        if cached == nil {
            let record = try await store.read { tx in try await tx.feedToken(token) }
            let entry: FeedCache.CachedToken =
                if let record, record.districtId == district.id {
                    record.revokedAt == nil ? .live(kind: record.kind.rawValue, subject: record.subject) : .revoked
                } else { .unknown }
            feedCache.putToken(token, revision: revision, entry)
            cached = entry
        }
        guard case .live(let kindText, let subject) = cached, let kind = FeedToken.Kind(rawValue: kindText) else {
            if case .revoked = cached { return .gone }
            return .notFound
        }
        let stamp = "\(revision)/\(feedCache.dayText(now, zone: district.zone))"
        if let hit = feedCache.get(token, stamp: stamp) { return .feed(hit) }
        let sessions = try await store.read { tx in try await tx.sessions(district: self.district.id) }
        let requests = try await store.read { tx in try await tx.requests(district: self.district.id) }
        let rendered = try render(kind: kind, subject: subject, sessions: sessions, requests: requests, now: now)
        feedCache.put(token, stamp: stamp, rendered)
        return .feed(rendered)
    }

    /// Writes every feed as a file under `directory` (`members/`, `teams/`, `units/`, `district.ics`); returns the paths written.
    /// Unchanged data gives byte-identical files; files whose bytes did not change are not rewritten.
    public func exportFeeds(to directory: URL) async throws -> [String] {
        let now = clock.now()
        let sessions = try await store.read { tx in try await tx.sessions(district: self.district.id) }
        let requests = try await store.read { tx in try await tx.requests(district: self.district.id) }
        var written: [String] = []
        for (kind, subject) in feedSubjects() {
            let feed = try render(kind: kind, subject: subject, sessions: sessions, requests: requests, now: now)
            let relative = kind == .district ? feed.fileName : "\(Self.segment(kind))/\(feed.fileName)"
            let url = directory.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let bytes = Data(feed.body)
            if (try? Data(contentsOf: url)) != bytes {
                try bytes.write(to: url, options: .atomic)
            }
            written.append(relative)
        }
        return written
    }

    static func segment(_ kind: FeedToken.Kind) -> String {
        switch kind {
        case .member: "members"
        case .team: "teams"
        case .unit: "units"
        case .district: "district"
        }
    }

    func feedSubjects() -> [(FeedToken.Kind, String)] {
        district.members.map { (.member, $0.id) } + district.teams.map { (.team, $0.id) } + district.units.map { (.unit, $0.id) }
            + [(.district, district.id)]
    }

    func ownerName(kind: FeedToken.Kind, subject: String) -> String {
        switch kind {
        case .member: district.member(subject)?.name ?? subject
        case .team: district.team(subject)?.name ?? subject
        case .unit: district.unit(subject)?.name ?? subject
        case .district: district.name
        }
    }

    /// Renders one feed: the published sessions of its owner inside the rolling window, and the campaign's deadlines.
    func render(kind: FeedToken.Kind, subject: String, sessions: [Session], requests: [ReviewRequest], now: Date) throws -> RenderedFeed {
        let today = district.zone.date(of: now)
        let nowLocal = district.zone.local(now).dateTime
        let from = today.adding(days: -Self.feedDaysBack), to = today.adding(days: Self.feedDaysAhead)
        let requestById = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        var events: [FeedEvent] = []
        for s in sessions {
            guard let p = s.published, let r = requestById[s.requestId] else { continue }
            let place = p.placement
            let mine: Bool =
                switch kind {
                case .member: place.member == subject
                case .team: place.team == subject
                case .unit: r.unitId == subject
                case .district: true
                }
            guard mine, place.start.date >= from, place.start.date <= to else { continue }
            // A cancelled session stays until its original end, so that clients show it struck through, then goes.
            if p.cancelled && place.end <= nowLocal { continue }
            events.append(sessionEvent(r, p))
            if kind == .unit, !p.cancelled {
                events.append(draftDeadlineEvent(r, p))
            }
        }
        for c in district.campaigns {
            for d in c.deadlines where d.date >= from && d.date <= to {
                events.append(FeedEvent(
                    uid: "dl-\(c.id)-\(d.id)@\(district.id)", timing: .allDay(first: stamp(d.date), lastInclusive: stamp(d.date)),
                    summary: "Hạn chót: \(d.title)", description: "\(c.name)\nHạn chót: \(d.date.vietnameseWeekday) \(d.date.vietnamese).",
                    categories: ["Hạn chót", "Kiểm điểm"], status: .confirmed, sequence: 0,
                    lastModified: district.zone.startOfDay(c.starts)))
            }
        }
        let name = "Lịch kiểm điểm – " + ownerName(kind: kind, subject: subject)
        let body = try FeedRenderer.render(FeedCalendar(name: name, events: events))
        let lastModified = events.map(\.lastModified).max() ?? Date(timeIntervalSince1970: 0)
        let etag = "\"" + Secrets.sha256(String(decoding: body, as: UTF8.self)).prefix(32) + "\""
        return RenderedFeed(body: body, etag: etag, lastModified: lastModified, fileName: Slug.make(ownerName(kind: kind, subject: subject)) + ".ics")
    }

    private func stamp(_ d: LocalDate) -> DateStamp { DateStamp(year: d.year, month: d.month, day: d.day) }

    private func stamp(_ t: ReviewCore.LocalDateTime) -> LocalStamp {
        LocalStamp(year: t.date.year, month: t.date.month, day: t.date.day, hour: t.time.hour, minute: t.time.minute)
    }

    func sessionEvent(_ r: ReviewRequest, _ p: PublishedSession) -> FeedEvent {
        let place = p.placement
        let unit = district.unit(r.unitId)
        let unitName = unit?.name ?? r.unitId
        var lines = ["Nội dung: \(r.kind.vietnamese)", "Đơn vị: \(unitName)"]
        if let m = place.member.flatMap({ district.member($0) }) {
            lines.append("UVBTV dự, chỉ đạo: đồng chí \(m.name) – \(m.title)")
        } else {
            lines.append("UVBTV dự: chưa phân công")
        }
        if let t = district.team(place.team) {
            lines.append("Tổ công tác: \(t.name) – tổ trưởng \(t.leader)" + (t.leaderPhone.map { " (\($0))" } ?? ""))
        }
        lines.append(r.draftSent.map { "Dự thảo báo cáo: đã gửi ngày \($0.vietnamese)" } ?? "Dự thảo báo cáo: chưa gửi")
        let contact = [r.contactName, r.contactPhone].compactMap { $0 }.joined(separator: " – ")
        if !contact.isEmpty { lines.append("Liên hệ đơn vị: \(contact)") }
        if let why = p.reason { lines.insert(p.cancelled ? "Lý do hủy: \(why)" : "Văn phòng đã đổi lịch. Lý do: \(why)", at: 0) }
        if p.cancelled { lines.insert("BUỔI KIỂM ĐIỂM ĐÃ HỦY.", at: 0) }
        let location = district.location(r.location).map { l in [l.name, l.address].compactMap { $0 }.joined(separator: ", ") } ?? r.location
        let title = "Kiểm điểm: \(unitName)"
        return FeedEvent(
            uid: "\(r.id)@\(district.id)", timing: .local(start: stamp(place.start), end: stamp(place.end)),
            summary: p.cancelled ? "ĐÃ HỦY: \(title)" : title, location: location, description: lines.joined(separator: "\n"),
            categories: ["Kiểm điểm", unit.flatMap { district.bloc($0.bloc)?.name } ?? "Khác"],
            status: p.cancelled ? .cancelled : .confirmed, sequence: p.sequence, lastModified: p.lastModified, alarmMinutesBefore: 60)
    }

    func draftDeadlineEvent(_ r: ReviewRequest, _ p: PublishedSession) -> FeedEvent {
        let lead = district.campaign(r.campaignId)?.leadDays ?? 2
        let last = p.placement.start.date.adding(days: -lead)
        let sent = r.draftSent.map { "Đã khai báo gửi ngày \($0.vietnamese)." } ?? "Chưa khai báo đã gửi."
        return FeedEvent(
            uid: "draft-\(r.id)@\(district.id)", timing: .allDay(first: stamp(last), lastInclusive: stamp(last)),
            summary: "Gửi dự thảo báo cáo kiểm điểm (hạn \(last.vietnamese))",
            description: "Gửi dự thảo báo cáo kiểm điểm và văn bản liên quan cho đồng chí UVBTV phụ trách và tổ trưởng tổ công tác chậm nhất ngày \(last.vietnamese), trước buổi kiểm điểm \(p.placement.start.vietnamese) ít nhất \(lead) ngày. \(sent)",
            categories: ["Hạn chót", "Kiểm điểm"], status: .confirmed, sequence: p.sequence, lastModified: p.lastModified)
    }
}
