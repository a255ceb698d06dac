import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The clients of the rush on swift-nio, one keep-alive HTTP/1.1 connection each: a client's own cost per
/// registration is small next to the server's, so on shared cores the benchmark times the server rather than the
/// client (URLSession on Linux spent about 0.9 ms of CPU per registration).
enum RushClient {
    /// One registration to send: its path, headers and body, prepared before the clock starts.
    struct Call: Sendable {
        var path: String
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// What came back for one call: the HTTP status (0 when the server could not be reached) and the body.
    struct Outcome: Sendable {
        var status: Int
        var body: ByteBuffer
        var seconds: Double
    }

    /// Sends `calls` one after another on one connection, reopened after a failure. A call whose connection fails
    /// or that is answered 503 is sent again with the same idempotency key, at most `attempts` times, after
    /// 0.5 s × attempt (as the cells' command does). `record` gets each call's outcome, timed from its first sending.
    static func run(host: String, port: Int, group: EventLoopGroup, calls: [Call], attempts: Int,
                    record: @Sendable (Int, Outcome) async -> Void) async {
        var index = 0
        var attempt = 1
        var started = ContinuousClock.now
        func seconds() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        while index < calls.count {
            do {
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                        }
                    }
                try await channel.executeThenClose { inbound, outbound in
                    var answers = inbound.makeAsyncIterator()
                    while index < calls.count {
                        let call = calls[index]
                        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: call.path, headers: call.headers)
                        head.headers.replaceOrAdd(name: "Host", value: "\(host):\(port)")
                        head.headers.replaceOrAdd(name: "Content-Length", value: String(call.body.readableBytes))
                        try await outbound.write(.head(head))
                        try await outbound.write(.body(.byteBuffer(call.body)))
                        try await outbound.write(.end(nil))
                        var status = 0
                        var body = ByteBuffer()
                        reading: while let part = try await answers.next() {
                            switch part {
                            case .head(let response): status = Int(response.status.code)
                            case .body(var bytes): body.writeBuffer(&bytes)
                            case .end: break reading
                            }
                        }
                        guard status != 0 else { throw ChannelError.eof }
                        if status == 503, attempt < attempts {
                            try await Task.sleep(for: .milliseconds(500 * attempt))
                            attempt += 1
                            continue
                        }
                        await record(index, Outcome(status: status, body: body, seconds: seconds()))
                        index += 1
                        attempt = 1
                        started = .now
                    }
                }
            } catch {
                if attempt < attempts {
                    try? await Task.sleep(for: .milliseconds(500 * attempt))
                    attempt += 1
                } else {
                    await record(index, Outcome(status: 0, body: ByteBuffer(), seconds: seconds()))
                    index += 1
                    attempt = 1
                    started = .now
                }
            }
        }
    }
}
