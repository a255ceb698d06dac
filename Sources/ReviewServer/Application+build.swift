import Foundation
import Hummingbird
import Logging
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
    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, rehearsalClock: AdjustableClock? = nil, office: OfficeConfiguration? = nil) {
        self.host = host
        self.port = port
        self.rehearsalClock = rehearsalClock
        self.office = office ?? OfficeConfiguration(publicURL: "http://\(host):\(port)")
    }
}

/// Builds the Hummingbird application over a service: the JSON API, the feeds, the API document and the office's
/// workspace.
public func buildApplication(service: ReviewService, configuration: ServerConfiguration, logger: Logger? = nil) -> some ApplicationProtocol {
    let logger = logger ?? service.logger
    let router = buildRouter(service: service, rehearsalClock: configuration.rehearsalClock, office: configuration.office)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "reviewcal"),
        logger: logger)
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
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RedactingLogMiddleware())
    let routes = Routes(router: router)
    // Feeds are added before the metrics middleware: calendar apps' polling is counted by FeedController itself,
    // without a timer and dimension set allocated per request.
    FeedController(service: service).register(on: routes)
    router.add(middleware: MetricsMiddleware())
    routes.on(.get, "/health") { _, _ in FeedController.plain(.ok, "ok\n") }
    routes.on(.get, "/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
    RequestsController(service: service).register(on: routes)
    AdminController(service: service, rehearsalClock: rehearsalClock).register(on: routes)
    return routes
}
