import Foundation
import Hummingbird
import Logging
import NIOCore
import ReviewServer
import ReviewService
import ReviewTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Slow and idle clients cannot hold the server's connections: heads and bodies sent too slowly and kept-alive
/// connections left idle are closed, and the connections over the cap wait until one closes.
///
/// The server runs the way `reviewcal serve` runs it (HummingbirdTesting's live server would drop the connection
/// cap), on a free port, and is spoken to over plain sockets.
@Suite(.serialized) struct SlowClientTests {
    @Test func halfSentHeadsAreClosedWhileOtherClientsAreServed() async throws {
        RawConnection.raiseDescriptorLimit()
        let limits = ServerLimits(headerTimeout: .seconds(5), bodyTimeout: .seconds(30), keepAliveTimeout: .seconds(60))
        try await withServer(limits: limits) { port in
            let opened = ContinuousClock.now
            var slow: [RawConnection] = []
            for _ in 0..<500 {
                let connection = try RawConnection(port: port)
                try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
                slow.append(connection)
            }
            // A normal client is served while the 500 are open.
            let normal = try RawConnection(port: port)
            try normal.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let response = try #require(await normal.readResponse(within: .seconds(4)))
            #expect(response.hasPrefix("HTTP/1.1 200"), "\(response)")
            #expect(response.hasSuffix("ok\n"))
            let served = ContinuousClock.now - opened
            if served < .seconds(4) {
                var closedEarly = 0
                for connection in slow { if await connection.isClosed(within: .zero) { closedEarly += 1 } }
                #expect(closedEarly == 0, "served \(served) after the first slow connection")
            }
            // Then the server closes them all once their header deadline has passed.
            let deadline = opened + .seconds(5 + 6)
            var stillOpen = 0
            for connection in slow { if await !connection.isClosed(within: deadline - ContinuousClock.now) { stillOpen += 1 } }
            #expect(stillOpen == 0, "\(stillOpen) of 500 slow connections still open")
        }
    }

    @Test func aHeadTrickledByteByByteIsClosedAtItsDeadline() async throws {
        let limits = ServerLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(30), keepAliveTimeout: .seconds(60))
        try await withServer(limits: limits) { port in
            let connection = try RawConnection(port: port)
            let start = ContinuousClock.now
            var closed = false
            for byte in "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + String(repeating: "a", count: 40) {
                var gone = (try? connection.send(String(byte))) == nil
                if !gone { gone = await connection.isClosed(within: .milliseconds(200)) }
                if gone {
                    closed = true
                    break
                }
            }
            let elapsed = ContinuousClock.now - start
            #expect(closed, "still open after \(elapsed)")
            #expect(elapsed < .seconds(5), "closed after \(elapsed)")
        }
    }

    @Test func aBodySentTooSlowlyIsClosed() async throws {
        let limits = ServerLimits(headerTimeout: .seconds(30), bodyTimeout: .seconds(1), keepAliveTimeout: .seconds(60))
        try await withServer(limits: limits) { port in
            let connection = try RawConnection(port: port)
            let start = ContinuousClock.now
            try connection.send("POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(await connection.isClosed(within: .seconds(6)))
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(900), "closed after \(elapsed)")
            #expect(elapsed < .seconds(6), "closed after \(elapsed)")
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterItsOwnTimeout() async throws {
        let limits = ServerLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(1), keepAliveTimeout: .seconds(3))
        try await withServer(limits: limits) { port in
            let connection = try RawConnection(port: port)
            try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await connection.readResponse(within: .seconds(4))?.hasPrefix("HTTP/1.1 200") == true)
            // Idle longer than the header timeout: still open, the header deadline waits for the next request's first byte.
            #expect(await !connection.isClosed(within: .milliseconds(1800)))
            try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await connection.readResponse(within: .seconds(4))?.hasPrefix("HTTP/1.1 200") == true)
            let idle = ContinuousClock.now
            #expect(await connection.isClosed(within: .seconds(3 + 4)))
            let elapsed = ContinuousClock.now - idle
            #expect(elapsed >= .milliseconds(2500), "closed after \(elapsed) idle")
        }
    }

    @Test func connectionsOverTheCapWaitUntilOneCloses() async throws {
        let limits = ServerLimits(headerTimeout: .seconds(30), bodyTimeout: .seconds(30), keepAliveTimeout: .seconds(60), maxConnections: 20)
        try await withServer(limits: limits) { port in
            var held: [RawConnection] = []
            for _ in 0..<20 {
                let connection = try RawConnection(port: port)
                try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(await connection.readResponse(within: .seconds(4))?.hasPrefix("HTTP/1.1 200") == true)
                held.append(connection)
            }
            // The 21st is not served while the 20 are open …
            let waiting = try RawConnection(port: port)
            try waiting.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await waiting.readResponse(within: .milliseconds(1500)) == nil)
            // … and is once they close; so is a new one.
            held.removeAll()
            #expect(await waiting.readResponse(within: .seconds(5))?.hasPrefix("HTTP/1.1 200") == true)
            let next = try RawConnection(port: port)
            try next.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await next.readResponse(within: .seconds(4))?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    /// Runs the server with `limits` on a free port, as `reviewcal serve` runs it, around `body`.
    func withServer(limits: ServerLimits, _ body: (Int) async throws -> Void) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        var logger = Logger(label: "slow-clients")
        // Cancelling the server at the end of a test logs the cancellation as errors.
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            service: world.service, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, limits: limits), logger: logger,
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                defer { group.cancelAll() }
                var next = ports.makeAsyncIterator()
                let port = try #require(await next.next())
                try await body(port)
            }
        } catch {
            await world.close()
            throw error
        }
        await world.close()
    }
}

/// A client connection over a plain blocking socket, for sending a request a piece at a time.
/// The waits run on a thread of their own (``isClosed(within:)``, ``readResponse(within:)``): the server under test
/// answers on the concurrency pool, which a test blocked in poll(2) would otherwise hold.
final class RawConnection: @unchecked Sendable {
    // @unchecked: one test uses a connection, one call at a time.
    private let socket: Int32
    private var received: [UInt8] = []

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw RawConnectionError(what: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(socket)
            throw RawConnectionError(what: "connect", code: code)
        }
    }

    deinit {
        close(socket)
    }

    /// Sends text.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            let n = bytes[sent...].withUnsafeBytes { Darwin.send(socket, $0.baseAddress, $0.count, 0) }
            #endif
            guard n > 0 else { throw RawConnectionError(what: "send", code: errno) }
            sent += n
        }
    }

    /// Whether the server closes the connection within `timeout` (reading and keeping whatever it sends before).
    func isClosed(within timeout: Duration) async -> Bool {
        await Self.offPool { self.waitUntilClosed(within: timeout) }
    }

    private func waitUntilClosed(within timeout: Duration) -> Bool {
        let end = ContinuousClock.now + timeout
        while true {
            switch readSome(until: end) {
            case .closed: return true
            case .silent: return false
            case .data: continue
            }
        }
    }

    /// The first whole response (head, and a body as long as its Content-Length) the server sends within `timeout`.
    func readResponse(within timeout: Duration) async -> String? {
        await Self.offPool { self.waitForResponse(within: timeout) }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread { continuation.resume(returning: body()) }.start() }
    }

    private func waitForResponse(within timeout: Duration) -> String? {
        let end = ContinuousClock.now + timeout
        while true {
            if let response = takeResponse() { return response }
            switch readSome(until: end) {
            case .closed, .silent: return nil
            case .data: continue
            }
        }
    }

    private enum ReadOutcome { case data, closed, silent }

    /// Waits until `end` for something from the server.
    private func readSome(until end: ContinuousClock.Instant) -> ReadOutcome {
        let left = end - ContinuousClock.now
        let milliseconds = max(0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return ready == 0 ? .silent : .closed }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return .closed }
        received += buffer[..<n]
        return .data
    }

    /// A whole response from what has been received, removed from it.
    private func takeResponse() -> String? {
        let text = String(decoding: received, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound]
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let headBytes = text[..<headEnd.upperBound].utf8.count
        guard received.count >= headBytes + length else { return nil }
        let response = String(decoding: received[..<(headBytes + length)], as: UTF8.self)
        received.removeFirst(headBytes + length)
        return response
    }

    /// Raises the soft limit on open files to the hard one: the test holds 500 client sockets and the server 500 more.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }
}

/// A socket call that failed.
struct RawConnectionError: Error, CustomStringConvertible {
    let what: String
    let code: Int32
    var description: String { "\(what): \(String(cString: strerror(code)))" }
}
