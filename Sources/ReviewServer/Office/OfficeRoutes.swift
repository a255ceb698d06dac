import Foundation
import Hummingbird
import HummingbirdAuth
import ReviewService

/// Adds the District Office's workspace under `/office` and its assets under `/static`.
func addOfficeWorkspace(to router: Router<BasicRequestContext>, service: ReviewService, office: OfficeConfiguration) {
    let pages = Pages.load()
    router.get("/static/:name") { _, context in
        pages.asset(context.parameters.get("name") ?? "") ?? Response(status: .notFound)
    }
    addOfficeIcon(to: router, pages: pages)
    router.add(middleware: OfficeNotFoundMiddleware(service: service, pages: pages))
    let sessions = SessionMiddleware<OfficeRequestContext>(
        storage: StorePersistDriver(service: service),
        configuration: .init(
            sessionCookieParameters: .init(name: "rc_office", path: "/office", secure: office.secure, sameSite: .lax), keyPrefix: "office.",
            defaultSessionExpiration: .seconds(Int64(office.idleTimeout))))
    let group = router.group("office", context: OfficeRequestContext.self)
        .add(middleware: sessions)
        .add(middleware: OfficeAuthMiddleware(service: service, office: office, pages: pages))
        .add(middleware: OfficeErrorMiddleware(kit: OfficeKit(service: service, pages: pages, office: office)))
    let kit = OfficeKit(service: service, pages: pages, office: office)
    SignInController(kit: kit).register(on: group)
    WeekPageController(kit: kit).register(on: group)
    RepairPageController(kit: kit).register(on: group)
    OutputsController(kit: kit).register(on: group)
    CampaignPageController(kit: kit).register(on: group)
    FeedsPageController(kit: kit).register(on: group)
    OutboxPageController(kit: kit).register(on: group)
    AuditPageController(kit: kit).register(on: group)
    DistrictPageController(kit: kit).register(on: group)
    registerOfficeNotFound(on: group)
}
