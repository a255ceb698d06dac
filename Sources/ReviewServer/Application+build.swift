import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ReviewCore
import ReviewService

/// How to run the server.
public struct ServerConfiguration: Sendable {
    /// Address to bind, e.g. `127.0.0.1`.
    public var host: String
    /// Port; 0 picks a free one.
    public var port: Int
    /// The clock the office can set for a rehearsal, when the server was started with one on purpose.
    public var rehearsalClock: AdjustableClock?
    /// The office's web workspace.
    public var office: OfficeConfiguration
    /// Timeouts for slow and idle clients, and the cap on open connections.
    public var limits: ServerLimits
    /// Addresses of the proxies in front of the server (e.g. `127.0.0.1` for the local nginx): for a request from one
    /// of them the client's address is the last one of `X-Forwarded-For`; otherwise it is the connection's peer.
    public var trustedProxies: Set<String>
    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, rehearsalClock: AdjustableClock? = nil, office: OfficeConfiguration? = nil,
        limits: ServerLimits = .standard, trustedProxies: Set<String> = []
    ) {
        self.trustedProxies = trustedProxies
        self.host = host
        self.port = port
        self.rehearsalClock = rehearsalClock
        self.office = office ?? OfficeConfiguration(publicURL: "http://\(host):\(port)")
        self.limits = limits
    }
}

/// Builds the Hummingbird application over one district's service: the JSON API, the feeds, the API document and
/// the office's workspace on every host name, and the instance's `/healthz`, `/readyz` and `/metrics`, with the
/// limits of ``ServerConfiguration/limits``.
///
/// `onServerRunning` is called with the listening channel once the server is up, e.g. to learn the port it was given.
public func buildApplication(
    service: ReviewService, configuration: ServerConfiguration, logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    buildDeployment(
        sites: [DistrictSite(service: service, office: configuration.office, rehearsalClock: configuration.rehearsalClock)],
        configuration: configuration, logger: logger ?? service.logger, onServerRunning: onServerRunning)
}

/// The routes, shared by the server and the tests.
public func buildRouter(service: ReviewService, rehearsalClock: AdjustableClock?, office: OfficeConfiguration = .init()) -> Router<BasicRequestContext> {
    let router = buildRoutes(service: service, rehearsalClock: rehearsalClock).router
    addOfficeWorkspace(to: router, service: service, office: office)
    return router
}

/// Every route the server answers, as `method /path/{param}`, for checking the API document.
public func routeList(service: ReviewService) -> [String] {
    buildRoutes(service: service, rehearsalClock: nil).openAPIForm
}

func buildRoutes(service: ReviewService, rehearsalClock: AdjustableClock?) -> Routes {
    Observability.bootstrapMetrics()
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ObservationMiddleware(district: service.district.id))
    router.add(middleware: SecurityHeadersMiddleware())
    let routes = Routes(router: router)
    FeedController(service: service).register(on: routes)
    routes.on(.get, "/health") { _, _ in FeedController.plain(.ok, "ok\n") }
    routes.on(.get, "/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
    RequestsController(service: service).register(on: routes)
    AdminController(service: service, rehearsalClock: rehearsalClock).register(on: routes)
    return routes
}
