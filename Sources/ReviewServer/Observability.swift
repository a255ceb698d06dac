import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The id of the request being served, for every log line it causes (through ``Observability/metadataProvider``) and
/// for its `X-Request-Id` response header.
public enum RequestID {
    /// The current request's id, set for the time a request is served.
    @TaskLocal public static var current: String?

    /// Ids of this process: a random prefix and a counter.
    private static let prefix: String = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private static let counter = NIOLockedValueBox<UInt64>(0)

    /// A new id, unique within the process and unlikely to repeat across instances.
    static func next() -> String {
        let n = counter.withLockedValue { value -> UInt64 in
            value &+= 1
            return value
        }
        return prefix + "-" + String(n, radix: 16)
    }

    /// The id a proxy sent (nginx's `$request_id`), when it looks like one: 1–64 letters, digits, `-`, `_` or `.`.
    static func accepted(_ given: String?) -> String? {
        guard let given, (1...64).contains(given.utf8.count),
            given.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E })
        else { return nil }
        return given
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Logging and metrics of the server.
public enum Observability {
    /// Adds `request_id` to every line logged while a request is served.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let id = RequestID.current else { return [:] }
        return ["request_id": .string(id)]
    }

    /// The registry `/metrics` shows. swift-metrics is bootstrapped with it once per process, on first use.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// What each metric measures, written as `# HELP` lines before its `# TYPE` line.
    static let help: [String: String] = [
        "reviewcal_http_requests_total": "HTTP requests answered, by district, route, method and status.",
        "reviewcal_http_request_duration_seconds": "Time to answer an HTTP request, by district and route.",
        "reviewcal_registrations_total": "Registrations accepted, and refused by the refusal's code.",
        "reviewcal_solver_runs_total": "Scheduler runs, by district and outcome (solved or infeasible).",
        "reviewcal_solver_duration_seconds": "Time of one scheduler run, by district.",
        "reviewcal_solver_score": "Score of the district's last schedule (lower is better).",
        "reviewcal_feed_requests_total": "Calendar feed answers by status: 200 served, 304 unchanged, 404 unknown, 410 revoked.",
        "reviewcal_cutoff_job_runs_total": "Runs of the weekly cutoff job (scheduling of the week that closed), by district and outcome.",
        "reviewcal_cutoff_job_last_success_timestamp_seconds": "When the district's cutoff job last ended without failing (Unix time).",
        "reviewcal_db_pool_connections_in_use": "Database connections of this instance in use at the time of the scrape.",
        "reviewcal_db_pool_connections_max": "Database connections this instance opens at most.",
        "reviewcal_db_errors_total": "Database calls that failed because of the database, by kind: connection (lost or refused), timeout (no answer within the store's deadline), busy (concurrent writes after the retries), disk_full, read_only, io.",
        "reviewcal_db_write_transactions_total": "Write transactions committed, and failed because of the database.",
        "reviewcal_db_write_queue_oldest_seconds": "How long the oldest write waiting for its transaction has waited, at the time of the scrape (0: none waits).",
        "reviewcal_mail_queued_total": "E-mail messages queued in the outbox by published changes, by district.",
        "reviewcal_mail_messages_total": "Attempts to hand a message to the sendmail command, by district and outcome: sent, retry (it waits for another attempt) or failed (given up).",
    ]

    /// `text` in the exposition format, with a `# HELP` line before each `# TYPE` line whose metric has help.
    static func withHelp(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2048)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first, let help = help[String(name)] {
                out += "# HELP \(name) \(help)\n"
            }
            out += line
            out += "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// Makes sure the metrics backend is in place before the first metric is made.
    public static func bootstrapMetrics() {
        _ = registry
    }

    /// The log output format.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// Lines for people: time, level, message, metadata.
        case text
        /// One JSON object per line, for journald and log collectors.
        case json
    }

    /// Bootstraps swift-log once per process: lines to standard error in `format`, each with the request id.
    public static func bootstrapLogging(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap(
            { label, provider in
                var handler: any LogHandler
                switch format {
                case .text: handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                case .json: handler = JSONLogHandler(label: label, metadataProvider: provider)
                }
                handler.logLevel = level
                return handler
            }, metadataProvider: metadataProvider)
    }
}

/// Writes each log line to standard error as one JSON object: `{"time", "level", "label", "message", …metadata}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    /// A handler writing to standard error, or to `write` (tests).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write ?? { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var all = self.metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit { all.merge(explicit) { $1 } }
        var object: [String: Any] = [
            "time": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": level.rawValue, "label": label, "message": message.description,
        ]
        for (key, value) in all where object[key] == nil { object[key] = Self.plain(value) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): a.map(plain)
        case .dictionary(let d): d.mapValues(plain)
        }
    }
}

/// The first middleware of every route: gives the request its id (the proxy's when it sent a valid one), serves it
/// with that id in every log line and in the `X-Request-Id` header, counts it by route and status, times it, and
/// logs it at debug level with feed tokens hidden.
struct ObservationMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let district: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.accepted(request.headers[.requestID]) ?? RequestID.next()
        let started = ContinuousClock.now
        return try await RequestID.$current.withValue(id) {
            var context = context
            context.logger[metadataKey: "request_id"] = .string(id)
            do {
                var response = try await next(request, context)
                response.headers[.requestID] = id
                record(request, context, status: response.status.code, started: started)
                return response
            } catch {
                let status = (error as? any HTTPResponseError)?.status.code ?? 500
                record(request, context, status: status, started: started)
                // The error becomes the response further up: its id goes with it.
                throw IdentifiedError(base: error, id: id)
            }
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let elapsed = ContinuousClock.now - started
        Counter(
            label: "reviewcal_http_requests_total",
            dimensions: [("district", district), ("route", route), ("method", request.method.rawValue), ("status", String(status))]
        ).increment()
        Metrics.Timer(label: "reviewcal_http_request_duration_seconds", dimensions: [("district", district), ("route", route)])
            .recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + Int64(elapsed.components.attoseconds / 1_000_000_000))
        context.logger.debug("\(request.method) \(RedactingLogMiddleware.redact(request.uri.path)) \(status)")
    }
}

/// An error on its way to becoming a response, with the request's id added to that response.
struct IdentifiedError: HTTPResponseError {
    let base: any Error
    let id: String

    var status: HTTPResponse.Status { (base as? any HTTPResponseError)?.status ?? .internalServerError }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response: Response
        if let base = base as? any HTTPResponseError {
            response = try base.response(from: request, context: context)
        } else {
            response = Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "Lỗi máy chủ.\n")))
            SecurityHeadersMiddleware<BasicRequestContext>.add(to: &response.headers, path: request.uri.path)
        }
        response.headers[.requestID] = id
        return response
    }
}
