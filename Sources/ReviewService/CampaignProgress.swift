import Foundation
import ReviewCore
import ReviewStore

/// The campaign's control task (plan IV.6): for every unit, how far it got — registered, scheduled, held, dossier
/// received — the deadlines and the units behind each, and counts per bloc and per work team. Built by
/// ``ReviewService/campaignProgress(campaign:)``; the campaign page, its CSV and `reviewcal progress` read it.
public struct CampaignProgress: Sendable {
    /// The campaign.
    public var campaign: Campaign
    /// Today, in the campaign's zone.
    public var today: LocalDate
    /// Every configured unit, in configuration order.
    public var units: [UnitProgress]
    /// Every deadline of the campaign, with who is behind it.
    public var deadlines: [DeadlineProgress]
    /// Counts per bloc.
    public var blocs: [Tally]
    /// Counts per work team.
    public var teams: [Tally]

    /// How far a unit, or one of its sessions, got.
    public enum Stage: Int, Sendable, Hashable, Comparable, CaseIterable {
        /// Nothing registered in the campaign.
        case notRegistered
        /// Registered, not yet in the published schedule.
        case registered
        /// In the published schedule.
        case scheduled
        /// Held, as the office recorded.
        case held
        /// Its dossier received by the office.
        case dossier

        /// A stable code for filters and CSV: `chua-dang-ky` …
        public var code: String {
            switch self {
            case .notRegistered: "chua-dang-ky"
            case .registered: "da-dang-ky"
            case .scheduled: "da-xep-lich"
            case .held: "da-kiem-diem"
            case .dossier: "da-nop-ho-so"
            }
        }

        /// In Vietnamese.
        public var vietnamese: String {
            switch self {
            case .notRegistered: "Chưa đăng ký"
            case .registered: "Đã đăng ký, chưa có lịch"
            case .scheduled: "Đã xếp lịch"
            case .held: "Đã kiểm điểm"
            case .dossier: "Đã nộp hồ sơ"
            }
        }

        /// The stage of a code, if any.
        public init?(code: String) {
            guard let s = Self.allCases.first(where: { $0.code == code }) else { return nil }
            self = s
        }

        public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
    }

    /// One unit's progress.
    public struct UnitProgress: Sendable {
        /// The unit.
        public var unit: ReviewUnit
        /// Its bloc's name.
        public var blocName: String
        /// Its open requests of the campaign, each with how far it got.
        public var sessions: [SessionProgress]
        /// The office's notes on it, oldest first.
        public var notes: [UnitNote]
        /// The least advanced of its sessions; not registered when it has none.
        public var stage: Stage { sessions.map(\.stage).min() ?? .notRegistered }
        /// Its stage in words, saying why a registered unit has no session yet: cancelled, or no draft date.
        public var stageText: String {
            let behind = sessions.filter { $0.stage == stage }
            guard stage == .registered else { return stage.vietnamese }
            if behind.contains(where: \.isCancelled) { return "Đã hủy buổi kiểm điểm, chưa tổ chức lại" }
            if behind.contains(where: { $0.request.draftSent == nil }) { return "Đã đăng ký, chưa có ngày gửi dự thảo" }
            return stage.vietnamese
        }
    }

    /// One open request's progress.
    public struct SessionProgress: Sendable {
        /// The request.
        public var request: ReviewRequest
        /// Its session, if any.
        public var session: Session?
        /// The published, not cancelled placement, if any.
        public var placement: Placement? { session?.published.flatMap { $0.cancelled ? nil : $0.placement } }
        /// Cancelled by the office and not held again.
        public var isCancelled: Bool { session?.cancellation != nil }
        /// What keeps it from the calendars, in words, when it has no published session: the cancellation and its
        /// reason, or the missing draft date, each with what the office does on the session's page; nil otherwise.
        public var blockedText: String? {
            guard placement == nil else { return nil }
            if let why = session?.cancellation { return "Đã hủy (lý do: \(why)). Tổ chức lại trên trang của buổi." }
            if request.draftSent == nil { return "Chưa có ngày gửi dự thảo báo cáo: ghi ngày trên trang của buổi khi đơn vị đã gửi." }
            return nil
        }
        /// How far it got.
        public var stage: Stage {
            if session?.dossier != nil { return .dossier }
            if session?.held != nil { return .held }
            return placement != nil ? .scheduled : .registered
        }
    }

    /// A deadline and the units behind it.
    public struct DeadlineProgress: Sendable {
        /// The deadline.
        public var deadline: Deadline
        /// Days from today to the deadline (negative once passed).
        public var daysLeft: Int
        /// What it asks of the units, in Vietnamese.
        public var expects: String
        /// The units that have not done it yet, with how far they got.
        public var behind: [UnitProgress]
        /// Units it concerns.
        public var concerned: Int
        /// Behind and due within a week, or already passed with units behind.
        public var atRisk: Bool { !behind.isEmpty && daysLeft <= ReviewService.riskDays }
    }

    /// Counts of units (per bloc) or sessions (per team) at each stage.
    public struct Tally: Sendable {
        /// Bloc or team id.
        public var id: String
        /// Its name.
        public var name: String
        /// Units of the bloc, or units followed by the team.
        public var units: Int
        /// Units (bloc) with at least one registration, or sessions (team) registered by its units.
        public var registered: Int
        /// Published sessions.
        public var scheduled: Int
        /// Sessions held.
        public var held: Int
        /// Dossiers received.
        public var dossiers: Int
    }

    /// The units that pass every filter given: bloc id, work team id (units of its blocs or sessions it attends),
    /// member id (units in his or her charge or sessions attended) and stage.
    public func filtered(bloc: String? = nil, team: String? = nil, member: String? = nil, stage: Stage? = nil, district: District) -> [UnitProgress] {
        units.filter { u in
            if let bloc, u.unit.bloc != bloc { return false }
            if let team {
                let follows = district.team(team)?.blocs.contains(u.unit.bloc) == true
                if !follows && !u.sessions.contains(where: { $0.placement?.team == team }) { return false }
            }
            if let member, !u.unit.inCharge.contains(member) && !u.sessions.contains(where: { $0.placement?.member == member }) { return false }
            if let stage, u.stage != stage { return false }
            return true
        }
    }
}

extension ReviewService {
    /// Days before a deadline from which units behind it are shown at risk.
    public static let riskDays = 7

    /// The campaign's progress (`campaign` nil: the campaign of today, else the latest).
    public func campaignProgress(campaign id: String? = nil) async throws -> CampaignProgress {
        let campaign = try campaignNamed(id)
        let today = district.zone.date(of: clock.now())
        let (requests, sessions, notes) = try await store.read { tx in
            (
                try await tx.requests(district: self.district.id, status: .open), try await tx.sessions(district: self.district.id),
                try await tx.unitNotes(district: self.district.id, campaign: campaign.id)
            )
        }
        let sessionOf = Dictionary(uniqueKeysWithValues: sessions.map { ($0.requestId, $0) })
        let byUnit = Dictionary(grouping: requests.filter { $0.campaignId == campaign.id }, by: \.unitId)
        let notesByUnit = Dictionary(grouping: notes, by: \.unitId)
        let units = district.units.map { u in
            CampaignProgress.UnitProgress(
                unit: u, blocName: district.bloc(u.bloc)?.name ?? u.bloc,
                sessions: (byUnit[u.id] ?? []).map { CampaignProgress.SessionProgress(request: $0, session: sessionOf[$0.id]) },
                notes: notesByUnit[u.id] ?? [])
        }
        let homeUnits = Set(district.members.compactMap(\.homeUnit))
        let deadlines = campaign.deadlines.map { d -> CampaignProgress.DeadlineProgress in
            var concerned: [CampaignProgress.UnitProgress] = []
            var behind: [CampaignProgress.UnitProgress] = []
            let expects: String
            if !d.appliesTo.isEmpty {
                let kinds = Set(d.appliesTo)
                concerned = units.filter { u in
                    kinds.contains { k in
                        switch k {
                        case .standingCommittee: u.unit.kind == .standingCommittee
                        case .individual: homeUnits.contains(u.unit.id)
                        default: u.unit.kind != .standingCommittee
                        }
                    }
                }
                behind = concerned.filter { u in !u.sessions.contains { kinds.contains($0.request.kind) && $0.stage >= .held } }
                expects = "Đã kiểm điểm: " + d.appliesTo.map(\.vietnamese).joined(separator: "; ")
            } else if d.tracks == .dossiers {
                concerned = units.filter { $0.unit.kind != .standingCommittee }
                behind = concerned.filter { $0.stage < .dossier }
                expects = "Văn phòng đã nhận hồ sơ kiểm điểm của đơn vị"
            } else {
                expects = "Mốc của Ban Thường vụ, Văn phòng (không theo dõi theo đơn vị)"
            }
            return CampaignProgress.DeadlineProgress(
                deadline: d, daysLeft: today.days(until: d.date), expects: expects, behind: behind, concerned: concerned.count)
        }
        let blocs = district.blocs.map { b in
            let mine = units.filter { $0.unit.bloc == b.id }
            let all = mine.flatMap(\.sessions)
            return CampaignProgress.Tally(
                id: b.id, name: b.name, units: mine.count, registered: mine.filter { !$0.sessions.isEmpty }.count,
                scheduled: all.filter { $0.stage >= .scheduled }.count, held: all.filter { $0.stage >= .held }.count,
                dossiers: all.filter { $0.stage == .dossier }.count)
        }
        // Counted once per unit and session, then looked up per team: a province has hundreds of teams.
        var perBloc: [String: (units: Int, sessions: Int)] = [:]
        for u in units { perBloc[u.unit.bloc, default: (0, 0)].units += 1; perBloc[u.unit.bloc, default: (0, 0)].sessions += u.sessions.count }
        var perTeam: [String: [CampaignProgress.Stage]] = [:]
        for u in units {
            for s in u.sessions { if let team = s.placement?.team { perTeam[team, default: []].append(s.stage) } }
        }
        let teams = district.teams.map { t in
            let stages = perTeam[t.id] ?? []
            return CampaignProgress.Tally(
                id: t.id, name: t.name, units: t.blocs.reduce(0) { $0 + (perBloc[$1]?.units ?? 0) },
                registered: t.blocs.reduce(0) { $0 + (perBloc[$1]?.sessions ?? 0) }, scheduled: stages.count, held: stages.filter { $0 >= .held }.count,
                dossiers: stages.filter { $0 == .dossier }.count)
        }
        return CampaignProgress(campaign: campaign, today: today, units: units, deadlines: deadlines, blocs: blocs, teams: teams)
    }

    /// Records the day a session was held (`date` nil: the day it was scheduled; `clear`: forget it).
    public func setHeld(request id: String, on date: LocalDate?, clear: Bool = false, by actor: String) async throws {
        let today = district.zone.date(of: clock.now())
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            var s = try await self.publishedSession(id, tx: tx)
            let before = StoreTransaction.json(s)
            if clear {
                guard s.dossier == nil else {
                    throw ReviewError(.dossierRecorded, "Đã ghi nhận hồ sơ của buổi \(id); bỏ ghi nhận hồ sơ trước.")
                }
                s.held = nil
            } else {
                let scheduled = s.published!.placement.start.date
                let day = date ?? scheduled
                if day > today { throw ReviewError(.futureDate, "Ngày \(day.vietnamese) chưa đến (hôm nay \(today.vietnamese)).") }
                if day < scheduled {
                    throw ReviewError(
                        .beforeScheduled, "Ngày \(day.vietnamese) trước ngày buổi kiểm điểm được xếp (\(scheduled.vietnamese)). Nếu buổi đã dời, đổi lịch buổi đó trước.")
                }
                s.held = ProgressMark(date: day, by: actor, at: now)
            }
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(
                actor: actor, action: clear ? "session.held-cleared" : "session.held", entity: "session", id: id, before: before, after: StoreTransaction.json(s)))
        }
    }

    /// Records the day the office received a held session's dossier (`clear`: forget it).
    public func setDossier(request id: String, receivedOn date: LocalDate?, clear: Bool = false, by actor: String) async throws {
        let today = district.zone.date(of: clock.now())
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            var s = try await self.publishedSession(id, tx: tx)
            let before = StoreTransaction.json(s)
            if clear {
                s.dossier = nil
            } else {
                guard let held = s.held else {
                    throw ReviewError(.notHeld, "Buổi \(id) chưa được ghi nhận là đã kiểm điểm; ghi nhận \"Đã kiểm điểm\" trước khi nhận hồ sơ.")
                }
                let day = date ?? today
                if day > today { throw ReviewError(.futureDate, "Ngày \(day.vietnamese) chưa đến (hôm nay \(today.vietnamese)).") }
                if day < held.date {
                    throw ReviewError(.beforeHeld, "Ngày nhận hồ sơ \(day.vietnamese) trước ngày kiểm điểm (\(held.date.vietnamese)).")
                }
                s.dossier = ProgressMark(date: day, by: actor, at: now)
            }
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(
                actor: actor, action: clear ? "session.dossier-cleared" : "session.dossier", entity: "session", id: id, before: before,
                after: StoreTransaction.json(s)))
        }
    }

    /// Adds a short note on a unit's progress in a campaign (`campaign` nil: the current one).
    @discardableResult
    public func addNote(unit: String, text: String, campaign id: String? = nil, by actor: String) async throws -> UnitNote {
        guard district.unit(unit) != nil else { throw ReviewError(.unknownUnit, "Không có đơn vị '\(Text.clip(unit))'.") }
        let campaign = try campaignNamed(id)
        let cleaned = Text.trimmed(text, newlines: true)
        if cleaned.isEmpty { throw ReviewError(.missingNote, "Ghi chú đang trống.") }
        if let bad = Text.forbiddenCharacter(in: cleaned, allowNewlines: false) {
            throw ReviewError(bad.code, bad.message(field: "Ghi chú"))
        }
        if cleaned.count > Self.maxReasonLength {
            throw ReviewError(.tooLong, "Ghi chú dài \(cleaned.count) ký tự, tối đa \(Self.maxReasonLength).")
        }
        let note = UnitNote(
            id: Secrets.identifier(prefix: "n-", length: 10), districtId: district.id, campaignId: campaign.id, unitId: unit, at: clock.now(),
            author: actor, text: Text.nfc(cleaned))
        try await store.write(serializedOn: district.id) { tx in
            try await tx.insertUnitNote(note)
            try await tx.audit(self.auditEntry(actor: actor, action: "unit.note", entity: "unit", id: unit, before: nil, after: StoreTransaction.json(note)))
        }
        return note
    }

    /// The campaign with an id, or the current one.
    func campaignNamed(_ id: String?) throws -> Campaign {
        if let id {
            guard let c = district.campaign(id) else {
                throw ReviewError(.unknownCampaign, "Không có đợt '\(Text.clip(id))'; các đợt: \(district.campaigns.map(\.id).joined(separator: ", ")).")
            }
            return c
        }
        guard let c = district.campaign(covering: district.zone.date(of: clock.now())) ?? district.campaigns.last else {
            throw ReviewError(.unknownCampaign, "Cấu hình chưa có đợt kiểm điểm nào.")
        }
        return c
    }

    private func publishedSession(_ id: String, tx: StoreTransaction) async throws -> Session {
        guard let r = try await tx.request(id: id, district: district.id) else { throw ReviewError.requestNotFound(id) }
        guard r.status == .open, let s = try await tx.session(request: id, district: district.id), let p = s.published, !p.cancelled else {
            throw ReviewError(.notPublished, "Buổi \(id) không có trong lịch đã công bố (chưa công bố, đã hủy hoặc đơn vị đã rút).")
        }
        return s
    }
}
