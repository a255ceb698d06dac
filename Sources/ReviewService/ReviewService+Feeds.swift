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

    /// The server's feed key, or a refusal naming the missing key file.
    func requireFeedKey() throws -> FeedKey {
        guard let feedKey else {
            throw ReviewError(.noFeedKey, "Máy chủ chưa có khóa lịch (tệp --feed-key) nên không tính được đường dẫn lịch. Xem docs/security.md.")
        }
        return feedKey
    }

    /// Issues the first token of every member, team and unit feed and of the district feed that never had one.
    /// A revoked feed stays revoked: only ``rotateFeed(kind:subject:by:)`` gives it a new link.
    public func ensureFeedTokens(by actor: String) async throws -> [FeedLink] {
        _ = try requireFeedKey()
        let now = clock.now()
        let issued = try await store.write(serializedOn: district.id) { tx in
            let known = Set(try await tx.feedTokens(district: self.district.id).map { "\($0.kind.rawValue)/\($0.subject)" })
            var issued = 0
            for (kind, subject) in self.feedSubjects() where !known.contains("\(kind.rawValue)/\(subject)") {
                try await tx.insertFeedToken(FeedToken(districtId: self.district.id, kind: kind, subject: subject, generation: 1, createdAt: now, revokedAt: nil))
                issued += 1
            }
            if issued > 0 { try await tx.bumpRevision(district: self.district.id) }
            return issued
        }
        if issued > 0 { feedCache.invalidate() }
        return try await feedLinks()
    }

    /// Every live feed URL of the district.
    public func feedLinks() async throws -> [FeedLink] {
        let key = try requireFeedKey()
        let records = try await store.read { tx in try await tx.feedTokens(district: self.district.id) }
        return records.filter { $0.revokedAt == nil }.map { t in
            let name = ownerName(kind: t.kind, subject: t.subject)
            let file = Slug.make(name) + ".ics"
            let token = key.token(district: district.id, kind: t.kind, subject: t.subject, generation: t.generation)
            return FeedLink(kind: t.kind, subject: t.subject, ownerName: name, token: token, fileName: file, path: "/feeds/\(Self.segment(t.kind))/\(token)/\(file)")
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
            throw ReviewError(.unknownFeed, "Không có lịch '\(kind.rawValue)/\(Text.clip(subject))' trong huyện.")
        }
        _ = try requireFeedKey()
        let now = clock.now()
        let generation = try await store.write(serializedOn: district.id) { tx in
            let last = try await tx.feedTokens(district: self.district.id).filter { $0.kind == kind && $0.subject == subject }.map(\.generation).max() ?? 0
            _ = try await tx.revokeFeedTokens(district: self.district.id, kind: kind, subject: subject, at: now)
            try await tx.insertFeedToken(FeedToken(districtId: self.district.id, kind: kind, subject: subject, generation: last + 1, createdAt: now, revokedAt: nil))
            try await tx.audit(self.auditEntry(actor: actor, action: "feed.rotate", entity: "feed", id: "\(kind.rawValue)/\(subject)", before: nil, after: nil))
            try await tx.bumpRevision(district: self.district.id)
            return last + 1
        }
        feedCache.invalidate()
        let token = try requireFeedKey().token(district: district.id, kind: kind, subject: subject, generation: generation)
        guard let link = try await feedLinks().first(where: { $0.token == token }) else {
            throw ReviewError(.feedChanged, "Đường dẫn lịch vừa được đổi lần nữa ở nơi khác; xem lại danh sách: reviewcal feeds list")
        }
        return link
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
        if n == 0 { throw ReviewError(.unknownFeed, "Lịch '\(kind.rawValue)/\(Text.clip(subject))' không có đường dẫn nào đang hiệu lực.") }
    }

    /// The feed behind a URL, rendered once per change and served from memory.
    ///
    /// The token opens only its own feed: when `segment` (`members`, `teams`, `units`, `district`) or `name` (the
    /// `.ics` file name) is given, it must be the token's own, else the answer is `.notFound`. Tokens are recognised
    /// without a database query: every token of the district, live and past, is derived once per revision.
    public func feed(token: String, segment: String? = nil, name: String? = nil) async throws -> FeedLookup {
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
        var directory = feedCache.directory(revision: revision)
        if directory == nil {
            let key = try requireFeedKey()
            let records = try await store.read { tx in try await tx.feedTokens(district: self.district.id) }
            var map: [String: FeedCache.CachedToken] = [:]
            for t in records {
                let file = Slug.make(ownerName(kind: t.kind, subject: t.subject)) + ".ics"
                map[key.token(district: district.id, kind: t.kind, subject: t.subject, generation: t.generation)] =
                    t.revokedAt == nil ? .live(kind: t.kind, subject: t.subject, segment: Self.segment(t.kind), fileName: file) : .revoked(segment: Self.segment(t.kind))
            }
            feedCache.setDirectory(map, revision: revision)
            directory = map
        }
        switch directory?[token] {
        case nil:
            return .notFound
        case .revoked(let own):
            if let segment, segment != own { return .notFound }
            return .gone
        case .live(let kind, let subject, let own, let fileName):
            if let segment, segment != own { return .notFound }
            if let name, name != fileName { return .notFound }
            let stamp = "\(revision)/\(feedCache.dayText(now, zone: district.zone))"
            if let hit = feedCache.get(token, stamp: stamp) { return .feed(hit) }
            let (sessions, requests) = try await store.read { tx in
                (try await tx.sessions(district: self.district.id), try await tx.requests(district: self.district.id))
            }
            let rendered = try await renderTracked(kind: kind, subject: subject, sessions: sessions, requests: requests, now: now, revision: revision)
            feedCache.put(token, stamp: stamp, rendered)
            return .feed(rendered)
        }
    }

    /// Writes every feed as a file under `directory` (`members/`, `teams/`, `units/`, `district.ics`); returns the paths written.
    /// Unchanged data gives byte-identical files; files whose bytes did not change are not rewritten.
    public func exportFeeds(to directory: URL) async throws -> [String] {
        let now = clock.now()
        let (sessions, requests, revision) = try await store.read { tx in
            (try await tx.sessions(district: self.district.id), try await tx.requests(district: self.district.id), try await tx.revision(district: self.district.id))
        }
        var written: [String] = []
        for (kind, subject) in feedSubjects() {
            let feed = try await renderTracked(kind: kind, subject: subject, sessions: sessions, requests: requests, now: now, revision: revision)
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

    /// Renders one feed with each event's SEQUENCE and LAST-MODIFIED and the feed's Last-Modified taken from what the
    /// feed and its events last looked like (`feed_items`): an event whose content changed in any way — a phone
    /// number, a member's name in the configuration, a reason — gets SEQUENCE + 1 and a newer LAST-MODIFIED; a feed
    /// whose bytes changed, an event leaving it included, gets a newer Last-Modified, which never goes backwards.
    /// States are read once per revision; the first instance to see a change records it, under the district's write
    /// lock, and every instance then renders the same bytes.
    func renderTracked(kind: FeedToken.Kind, subject: String, sessions: [Session], requests: [ReviewRequest], now: Date, revision: Int) async throws -> RenderedFeed {
        let drafts = draftEvents(kind: kind, subject: subject, sessions: sessions, requests: requests, now: now)
        var states = feedCache.itemStates(revision: revision)
        if states == nil {
            let read = try await store.read { tx in try await tx.feedItems(district: self.district.id) }
            feedCache.setItemStates(read, revision: revision)
            states = read
        }
        var outcome = try track(drafts, kind: kind, subject: subject, states: states ?? [:], now: now)
        if !outcome.changes.isEmpty {
            outcome = try await store.write(serializedOn: district.id) { tx in
                let fresh = try await tx.feedItems(district: self.district.id)
                let final = try self.track(drafts, kind: kind, subject: subject, states: fresh, now: now)
                if !final.changes.isEmpty { try await tx.saveFeedItems(district: self.district.id, final.changes) }
                return final
            }
            feedCache.mergeItemStates(outcome.changes, revision: revision)
        }
        return outcome.feed
    }

    /// The rendered feed and the item states to record.
    struct Tracked: Sendable {
        var feed: RenderedFeed
        var changes: [String: FeedItemState]
    }

    /// Gives each drafted event its SEQUENCE and LAST-MODIFIED from `states`, renders, and dates the feed.
    func track(_ drafts: [FeedEvent], kind: FeedToken.Kind, subject: String, states: [String: FeedItemState], now: Date) throws -> Tracked {
        let second = Date(timeIntervalSince1970: floor(now.timeIntervalSince1970))
        func later(_ previous: Date) -> Date { max(second, Date(timeIntervalSince1970: floor(previous.timeIntervalSince1970) + 1)) }
        var changes: [String: FeedItemState] = [:]
        var events: [FeedEvent] = []
        events.reserveCapacity(drafts.count)
        for draft in drafts {
            let item = "event:" + draft.uid
            let (event, change) = Self.tracked(draft, known: states[item] ?? changes[item], now: now)
            if let change { changes[item] = change }
            events.append(event)
        }
        let name = "Lịch kiểm điểm – " + ownerName(kind: kind, subject: subject)
        let body = try FeedRenderer.render(FeedCalendar(name: name, events: events))
        let bodyHash = Secrets.sha256(bytes: body)
        let item = "feed:\(kind.rawValue)/\(subject)"
        let lastModified: Date
        if let known = states[item] {
            if known.hash == bodyHash {
                lastModified = known.modifiedAt
            } else {
                lastModified = later(known.modifiedAt)
                changes[item] = FeedItemState(hash: bodyHash, sequence: 0, modifiedAt: lastModified)
            }
        } else {
            lastModified = events.map(\.lastModified).max() ?? second
            changes[item] = FeedItemState(hash: bodyHash, sequence: 0, modifiedAt: lastModified)
        }
        let etag = "\"" + bodyHash.prefix(32) + "\""
        return Tracked(
            feed: RenderedFeed(body: body, etag: etag, lastModified: lastModified, fileName: Slug.make(ownerName(kind: kind, subject: subject)) + ".ics"),
            changes: changes)
    }

    /// One drafted event with the SEQUENCE and LAST-MODIFIED it gets against its last recorded state, and the state
    /// to record when it changed (or was never seen). The feeds and the e-mailed invitations both go through here, so
    /// that an invitation carries exactly the SEQUENCE the feeds show.
    static func tracked(_ draft: FeedEvent, known: FeedItemState?, now: Date) -> (FeedEvent, FeedItemState?) {
        let second = Date(timeIntervalSince1970: floor(now.timeIntervalSince1970))
        let hash = draft.contentHash
        var event = draft
        if let known {
            if known.hash == hash {
                event.sequence = known.sequence
                event.lastModified = known.modifiedAt
                return (event, nil)
            }
            event.sequence = max(known.sequence + 1, draft.sequence)
            event.lastModified = max(second, Date(timeIntervalSince1970: floor(known.modifiedAt.timeIntervalSince1970) + 1))
        } else {
            // First seen: the published session's own sequence and time, as feeds showed before states were kept.
            event.lastModified = min(Date(timeIntervalSince1970: floor(draft.lastModified.timeIntervalSince1970)), second)
        }
        return (event, FeedItemState(hash: hash, sequence: event.sequence, modifiedAt: event.lastModified))
    }

    /// The events of one feed — the published sessions of its owner inside the rolling window, and the campaign's
    /// deadlines — with the published sessions' own SEQUENCE and time, before ``track(_:kind:subject:states:now:)``.
    func draftEvents(kind: FeedToken.Kind, subject: String, sessions: [Session], requests: [ReviewRequest], now: Date) -> [FeedEvent] {
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
                if let draft = draftDeadlineEvent(r, p) { events.append(draft) }
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
        return events
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
        if let note = r.note { lines.append("Ghi chú của đơn vị: \(note)") }
        if let why = Self.changeReason(r, p) { lines.insert(p.cancelled ? "Lý do hủy: \(why)" : "Văn phòng đã đổi lịch. Lý do: \(why)", at: 0) }
        if p.cancelled { lines.insert("BUỔI KIỂM ĐIỂM ĐÃ HỦY.", at: 0) }
        let location = district.location(r.location).map { l in [l.name, l.address].compactMap { $0 }.joined(separator: ", ") } ?? r.location
        let title = "Kiểm điểm: \(unitName)"
        return FeedEvent(
            uid: "\(r.id)@\(district.id)", timing: .local(start: stamp(place.start), end: stamp(place.end)),
            summary: p.cancelled ? "ĐÃ HỦY: \(title)" : title, location: location, description: lines.joined(separator: "\n"),
            categories: ["Kiểm điểm", unit.flatMap { district.bloc($0.bloc)?.name } ?? "Khác"],
            status: p.cancelled ? .cancelled : .confirmed, sequence: p.sequence, lastModified: p.lastModified,
            alarmMinutesBefore: p.cancelled ? nil : 60)
    }

    /// The day the draft report is due for a published session (rule IV.1), or nil when the request's campaign is no
    /// longer in the configuration.
    func draftDeadlineEvent(_ r: ReviewRequest, _ p: PublishedSession) -> FeedEvent? {
        guard let campaign = district.campaign(r.campaignId) else { return nil }
        let lead = campaign.leadDays
        let last = campaign.latestDraftDate(forSessionOn: p.placement.start.date)
        let sent = r.draftSent.map { "Đã khai báo gửi ngày \($0.vietnamese)." } ?? "Chưa khai báo đã gửi."
        return FeedEvent(
            uid: "draft-\(r.id)@\(district.id)", timing: .allDay(first: stamp(last), lastInclusive: stamp(last)),
            summary: "Gửi dự thảo báo cáo kiểm điểm (hạn \(last.vietnamese))",
            description: "Gửi dự thảo báo cáo kiểm điểm và văn bản liên quan cho đồng chí UVBTV phụ trách và tổ trưởng tổ công tác chậm nhất ngày \(last.vietnamese), trước buổi kiểm điểm \(p.placement.start.vietnamese) ít nhất \(lead) ngày. \(sent)",
            categories: ["Hạn chót", "Kiểm điểm"], status: .confirmed, sequence: p.sequence, lastModified: p.lastModified)
    }
}

extension FeedEvent {
    /// A hash of everything the event shows but its SEQUENCE and stamps: two renderings with the same hash are the
    /// same to a calendar client.
    var contentHash: String {
        var text = uid + "\u{1F}"
        switch timing {
        case .local(let start, let end): text += "L\(start)\u{1F}\(end)"
        case .allDay(let first, let last): text += "D\(first)\u{1F}\(last)"
        }
        text += "\u{1F}" + summary + "\u{1F}" + (location ?? "\u{0}") + "\u{1F}" + (description ?? "\u{0}")
        text += "\u{1F}" + categories.joined(separator: "\u{1E}") + "\u{1F}"
        switch status {
        case .confirmed: text += "C"
        case .tentative: text += "T"
        case .cancelled: text += "X"
        }
        text += "\u{1F}" + (alarmMinutesBefore.map(String.init) ?? "-")
        return Secrets.sha256(text)
    }
}
