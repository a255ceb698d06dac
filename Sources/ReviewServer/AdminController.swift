import Foundation
import Hummingbird
import ReviewCore
import ReviewService

/// `/v1/admin/…`: office-only actions over HTTP.
struct AdminController {
    let service: ReviewService
    let rehearsalClock: AdjustableClock?

    struct ClockBody: Codable, StrictJSONBody {
        /// Local wall-clock time, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM`.
        var now: String
        static var knownKeys: [String: Set<String>] { ["": ["now"]] }
    }

    func register(on routes: Routes) {
        routes.on(.post, "/v1/admin/clock") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                guard who.isOffice else { throw ReviewError.officeOnly }
                guard let rehearsalClock else {
                    throw ReviewError(
                        .clockLocked, "Máy chủ đang chạy với đồng hồ thật; chỉ đặt được giờ khi máy chủ được khởi động cho diễn tập (reviewcal serve --rehearsal-clock …).")
                }
                let body = try await APIResponse.decode(ClockBody.self, from: request)
                guard let instant = LocalClockText.parse(body.now, zone: service.district.zone) else {
                    throw ReviewError(.invalidTime, "Giờ '\(Text.clip(body.now))' không đúng dạng YYYY-MM-DDTHH:MM:SS (giờ Việt Nam).", status: 400)
                }
                try await service.setRehearsalClock(rehearsalClock, to: instant, by: who.actor)
                context.logger.notice("rehearsal clock set to \(body.now)")
                return APIResponse.json(service.whoAmI(.office("clock")))
            }
        }
    }
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` as a local time of the campaign's zone.
public enum LocalClockText {
    /// The instant, or nil when malformed.
    public static func parse(_ text: String, zone: CampaignZone) -> Date? {
        let minutePart = String(text.prefix(16))
        guard let local = LocalDateTime(iso: minutePart) else { return nil }
        var seconds = 0.0
        let rest = text.dropFirst(16)
        if !rest.isEmpty {
            guard rest.first == ":", let s = Double(rest.dropFirst()), s >= 0, s < 60 else { return nil }
            seconds = s
        }
        return zone.instant(local).addingTimeInterval(seconds)
    }
}
