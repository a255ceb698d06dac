import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow to send a request: its head not complete within
/// ``ServerLimits/headerTimeout`` of the connection's start (or, on a kept-alive connection, of the next request's
/// first byte), or its body not complete within ``ServerLimits/bodyTimeout`` of the head.
///
/// One per connection, after the HTTP decoder. Idle kept-alive connections are Hummingbird's own
/// (`HTTP1Channel.Configuration.idleTimeout`): while a connection waits for the first byte of its next request no
/// deadline of this handler runs, so that ``ServerLimits/keepAliveTimeout`` alone applies. To see that first byte,
/// the handler puts a ``RequestBytesWatcher`` at the front of the pipeline, before the decoder.
final class SlowRequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the connection waits for.
    enum Phase {
        /// The first byte of the next request, after a response: no deadline here.
        case nextRequest
        /// The rest of a request's head, under the header deadline.
        case head
        /// The rest of a request's body, under the body deadline.
        case body
        /// The response to a request read whole: no deadline here.
        case response
    }

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let logger: Logger
    private(set) var phase = Phase.head
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?
    private var started = false

    init(limits: ServerLimits, logger: Logger) {
        self.headerTimeout = TimeAmount(limits.headerTimeout)
        self.bodyTimeout = TimeAmount(limits.bodyTimeout)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(RequestBytesWatcher(guard: self), position: .first)
        if context.channel.isActive { start() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            phase = .body
            arm(bodyTimeout, for: "phần thân")
        case .body:
            break
        case .end:
            phase = .response
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A response ends: the connection waits for a next request, unless one has begun already.
        if case .end = unwrapOutboundIn(data), phase == .response {
            phase = .nextRequest
        }
        context.write(data, promise: promise)
    }

    /// Bytes came from the client, before the decoder has read them: the first ones of a new request start its
    /// header deadline.
    func bytesArrived() {
        guard phase == .nextRequest || phase == .response else { return }
        phase = .head
        arm(headerTimeout, for: "phần đầu")
    }

    /// The header deadline of the connection's first request.
    private func start() {
        guard !started else { return }
        started = true
        phase = .head
        arm(headerTimeout, for: "phần đầu")
    }

    private func arm(_ timeout: TimeAmount, for part: String) {
        cancelDeadline()
        guard let context else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            guard let context = self.context else { return }
            logger.debug(
                "Đóng kết nối: máy khách gửi \(part) yêu cầu quá chậm",
                metadata: ["peer": "\(context.channel.remoteAddress?.description ?? "?")"])
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}

/// Tells a ``SlowRequestGuard`` when bytes arrive, before the HTTP decoder has made anything of them.
final class RequestBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private weak var requestGuard: SlowRequestGuard?

    init(guard requestGuard: SlowRequestGuard) {
        self.requestGuard = requestGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        requestGuard?.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension SlowRequestGuard: Sendable {}

@available(*, unavailable)
extension RequestBytesWatcher: Sendable {}
