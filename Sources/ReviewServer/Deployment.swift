import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import Prometheus
import ReviewCore
import ReviewService
import ReviewStore
import ServiceLifecycle
import UnixSignals

/// One district served by a deployment.
public struct DistrictSite: Sendable {
    /// The district's service (its config, over the deployment's store and feed key).
    public var service: ReviewService
    /// The host names that reach it (lower case, no port). Empty: every host (a deployment of one district).
    public var hosts: [String]
    /// Its office workspace.
    public var office: OfficeConfiguration
    /// The rehearsal clock, when the server was started with one.
    public var rehearsalClock: AdjustableClock?

    public init(service: ReviewService, hosts: [String] = [], office: OfficeConfiguration, rehearsalClock: AdjustableClock? = nil) {
        self.service = service
        self.hosts = hosts.map { $0.lowercased() }
        self.office = office
        self.rehearsalClock = rehearsalClock
    }
}

/// Whether the instance should be sent traffic: `/readyz` answers 200 only when the configuration is loaded, every
/// store answers with its migrations applied and can write (no write stalled in its queue; after writes failed because
/// of the database, a probe write goes through), and the server is not shutting down.
public final class Readiness: Sendable {
    private let stopping = NIOLockedValueBoxShim(false)
    let stores: [ReviewStore]

    public init(stores: [ReviewStore]) {
        self.stores = stores
    }

    /// Marks the instance as going away: `/readyz` answers 503 from now on.
    public func stop() { stopping.set(true) }

    /// Why the instance is not ready, or nil when it is.
    func problem() async -> String? {
        if stopping.get() { return "máy chủ đang dừng" }
        for store in stores {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await store.check() }
                    group.addTask {
                        try await Task.sleep(for: .seconds(3))
                        throw StoreError.cannotOpen(store.location, underlying: "không trả lời trong 3 giây")
                    }
                    try await group.next()
                    group.cancelAll()
                }
            } catch {
                return "cơ sở dữ liệu: \(error)"
            }
            if let problem = await store.writeProblem() { return "cơ sở dữ liệu: \(problem)" }
        }
        return nil
    }
}

/// A value behind a lock.
final class NIOLockedValueBoxShim<T: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.withLock { value } }
    func set(_ new: T) { lock.withLock { value = new } }
}

/// Sends each request to its district, chosen by the request's host name; `/healthz`, `/readyz` and `/metrics` are
/// the instance's own, whatever the host.
struct DeploymentResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let byHost: [String: RouterResponder<BasicRequestContext>]
    let anyHost: RouterResponder<BasicRequestContext>?
    let operations: RouterResponder<BasicRequestContext>

    func respond(to request: Request, context: Context) async throws -> Response {
        switch request.uri.path {
        case "/healthz", "/readyz", "/metrics":
            return try await operations.respond(to: request, context: context)
        default:
            break
        }
        if let anyHost { return try await anyHost.respond(to: request, context: context) }
        if let host = Self.host(of: request), let responder = byHost[host] {
            return try await responder.respond(to: request, context: context)
        }
        var response = Response(
            status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "Máy chủ này không phục vụ huyện nào ở địa chỉ này. Kiểm tra lại địa chỉ do Văn phòng Huyện ủy gửi.\n")))
        response.headers[.requestID] = RequestID.accepted(request.headers[.requestID]) ?? RequestID.next()
        SecurityHeadersMiddleware<Context>.add(to: &response.headers, path: request.uri.path)
        Counter(label: "reviewcal_http_requests_total", dimensions: [("district", "none"), ("route", "unmatched"), ("method", request.method.rawValue), ("status", "421")]).increment()
        return response
    }

    /// The request's host name, lower case, without its port.
    static func host(of request: Request) -> String? {
        guard var host = request.head.authority else { return nil }
        if host.hasPrefix("[") {
            if let end = host.firstIndex(of: "]") { host = String(host[...end]) }
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return host.lowercased()
    }
}

/// The routes of the instance itself: liveness, readiness and metrics.
func operationsRouter(readiness: Readiness) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ObservationMiddleware(district: "none"))
    router.add(middleware: SecurityHeadersMiddleware())
    router.get("/healthz") { _, _ in FeedController.plain(.ok, "ok\n") }
    router.get("/readyz") { _, _ in
        if let problem = await readiness.problem() { return FeedController.plain(.serviceUnavailable, "chưa sẵn sàng: \(problem)\n") }
        return FeedController.plain(.ok, "ready\n")
    }
    router.get("/metrics") { _, _ in
        var seen = Set<ObjectIdentifier>()
        for store in readiness.stores where seen.insert(ObjectIdentifier(store)).inserted {
            Gauge(label: "reviewcal_db_pool_connections_in_use").record(store.connectionsInUse)
            Gauge(label: "reviewcal_db_pool_connections_max").record(store.poolSize)
            let waited = store.oldestWriteWait ?? .zero
            Gauge(label: "reviewcal_db_write_queue_oldest_seconds")
                .record(Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18)
        }
        let text = Observability.withHelp(Observability.registry.emitToString())
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    return router
}

/// Builds the Hummingbird application of a deployment: each district's API, feeds and office workspace, chosen by
/// host name (or every host when there is one district without hosts), and the instance's `/healthz`, `/readyz` and
/// `/metrics`, with the limits of ``ServerConfiguration/limits``.
public func buildDeployment(
    sites: [DistrictSite], configuration: ServerConfiguration, readiness: Readiness? = nil, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Observability.bootstrapMetrics()
    var byHost: [String: RouterResponder<BasicRequestContext>] = [:]
    var anyHost: RouterResponder<BasicRequestContext>?
    for site in sites {
        let responder = buildRouter(service: site.service, rehearsalClock: site.rehearsalClock, office: site.office).buildResponder()
        if site.hosts.isEmpty { anyHost = responder }
        for host in site.hosts { byHost[host] = responder }
    }
    let readiness = readiness ?? Readiness(stores: sites.map(\.service.store))
    let responder = DeploymentResponder(byHost: byHost, anyHost: anyHost, operations: operationsRouter(readiness: readiness).buildResponder())
    let limits = configuration.limits
    // Hummingbird closes kept-alive connections left idle and holds back connections over the cap (they wait in the
    // system's queue until one closes); SlowRequestGuard closes those whose client sends a request's head or body too slowly.
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [SlowRequestGuard(limits: limits, logger: logger), ClientAddressHandler(trustedProxies: configuration.trustedProxies)],
        idleTimeout: TimeAmount(limits.keepAliveTimeout))
    return Application(
        responder: responder,
        server: .http1(configuration: http1),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "reviewcal",
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
        onServerRunning: onServerRunning,
        logger: logger)
}

/// Runs the cutoff job of each district when a week's registration closes (see ``ReviewService/runCutoffJob(instance:options:)``):
/// it looks every `interval`, and stops looking when the server shuts down, after the run in progress.
public struct CutoffJobService: Service {
    let services: [ReviewService]
    let instance: String
    let interval: Duration
    let logger: Logger

    public init(services: [ReviewService], instance: String, interval: Duration = .seconds(30), logger: Logger) {
        self.services = services
        self.instance = instance
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for service in services where !Task.isShuttingDownGracefully {
                _ = await service.runCutoffJob(instance: instance)
            }
            // Wakes each second to notice a shutdown.
            let until = ContinuousClock.now + interval
            while ContinuousClock.now < until && !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Delivers the outbox of every district: at once when this server queued messages, else every `interval`; each
/// message once whatever the number of servers (``ReviewService/deliverOutbox(transport:instance:retryAfter:lease:concurrency:maxRounds:)``).
public struct OutboxService: Service {
    let services: [ReviewService]
    let transport: any MailTransport
    let instance: String
    let interval: Duration
    let retryAfter: Double
    let concurrency: Int
    let maxRounds: Int
    let logger: Logger

    /// `maxRounds`: the rounds of one district's delivery before the next district's turn (each round claims
    /// `concurrency` × 4 messages); a district with more due is served again at once, not after `interval`.
    public init(
        services: [ReviewService], transport: any MailTransport, instance: String, interval: Duration = .seconds(10), retryAfter: Double = 30,
        concurrency: Int = 4, maxRounds: Int = 50, logger: Logger
    ) {
        self.services = services
        self.transport = transport
        self.instance = instance
        self.interval = interval
        self.retryAfter = retryAfter
        self.concurrency = concurrency
        self.maxRounds = maxRounds
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for service in services where !Task.isShuttingDownGracefully {
                _ = service.outboxBell.take()
                do {
                    let round = try await service.deliverOutbox(
                        transport: transport, instance: instance, retryAfter: retryAfter, concurrency: concurrency, maxRounds: maxRounds,
                        keepGoing: { !Task.isShuttingDownGracefully })
                    if round.sent + round.retrying + round.failed > 0 {
                        logger.info(
                            "mail: \(round.sent) sent, \(round.retrying) to retry, \(round.failed) failed", metadata: ["district": .string(service.district.id)])
                    }
                    // Messages still due: their turn comes again right after the other districts', not after `interval`.
                    if round.more { service.outboxBell.ring() }
                } catch {
                    // The database is away: the messages wait in it, and the next round tries again.
                    logger.warning("mail: delivery round failed: \(error)", metadata: ["district": .string(service.district.id)])
                }
            }
            // Wakes each quarter second to notice a shutdown or messages this server just queued.
            let until = ContinuousClock.now + interval
            while ContinuousClock.now < until && !Task.isShuttingDownGracefully && !Task.isCancelled {
                if services.contains(where: { $0.outboxBell.peek() }) { break }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}

/// How a server stopped.
public enum StopOutcome: Sendable, Equatable {
    /// Everything in flight finished within the grace period.
    case clean
    /// The grace period ended first: what was still running was cancelled.
    case cut
}

/// Runs `app` and the background `jobs` until SIGTERM or SIGINT; then stops accepting connections and lets requests in
/// flight and the job in progress finish. What has not finished when the grace period is nearly over (at `gracePeriod`
/// less a margin of a tenth of it, at most 1 second, left for closing) is cancelled, and the outcome says so.
/// `onShutdown` is called as the shutdown starts (the server arms its last-resort timer there). SIGHUP is logged and
/// otherwise ignored: the configuration is read at start only.
public func runUntilStopped(
    _ app: some ApplicationProtocol & Service, jobs: [any Service], readiness: Readiness?, gracePeriod: Duration, logger: Logger,
    onShutdown: @escaping @Sendable () -> Void = {}
) async throws -> StopOutcome {
    let started = NIOLockedValueBoxShim<ContinuousClock.Instant?>(nil)
    let margin = min(gracePeriod / 10, .seconds(1))
    let hangup = await UnixSignalsSequence(trapping: .sighup)
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: app)] + jobs.map { .init(service: $0) } + [
            .init(service: HangupLogger(signals: hangup, logger: logger)),
            .init(service: ReadinessGuard(readiness: readiness) {
                started.set(ContinuousClock.now)
                onShutdown()
            }),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod - margin
    var cut: Bool { started.get().map { ContinuousClock.now - $0 >= gracePeriod - margin } ?? false }
    do {
        try await ServiceGroup(configuration: configuration).run()
    } catch {
        // A service cancelled at the end of the grace period may throw on its way out: the outcome is the cut.
        if cut { return .cut }
        throw error
    }
    return cut ? .cut : .clean
}

/// Turns `/readyz` to 503 as soon as the shutdown starts (it is shut down first: services stop in reverse order).
struct ReadinessGuard: Service {
    let readiness: Readiness?
    let onShutdown: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        onShutdown()
        readiness?.stop()
    }
}

/// Logs each SIGHUP instead of letting it end the process (its default action): the server reads its configuration
/// at start only.
struct HangupLogger: Service {
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice("SIGHUP received and ignored: the configuration is read at start only; restart the server to apply a change (systemctl restart reviewcal@PORT)")
            }
        }
    }
}
