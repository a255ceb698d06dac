import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The address of the client a request comes from, for the sign-in delays counted per address.
///
/// The server's own channel handler writes it into every request's head as the field ``field`` (a field of that name
/// sent by the client is dropped first): the connection's peer address, or, when the peer is one of the trusted
/// proxies (`reviewcal serve --trusted-proxy`, e.g. the local nginx), the last address of its `X-Forwarded-For`.
enum ClientAddress {
    /// The request field that carries the client's address inside the server.
    static let field = HTTPField.Name("Reviewcal-Client-Address")!

    /// The client's address of a request, or "không rõ" when the server could not tell (one shared counter then).
    static func of(_ fields: HTTPFields) -> String {
        fields[field] ?? "không rõ"
    }

    /// The client's address given the connection's peer and the request's fields.
    static func resolve(peer: String?, fields: HTTPFields, trustedProxies: Set<String>) -> String? {
        guard let peer else { return nil }
        guard trustedProxies.contains(peer), let forwarded = fields[.xForwardedFor] else { return peer }
        let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return last.isEmpty ? peer : String(last.prefix(64))
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, set by a proxy in front of the server.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

/// Writes ``ClientAddress/field`` into each request's head; one per connection, after the HTTP decoder.
final class ClientAddressHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let trustedProxies: Set<String>

    init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headerFields[ClientAddress.field] = nil
        let peer = context.channel.remoteAddress?.ipAddress
        if let address = ClientAddress.resolve(peer: peer, fields: head.headerFields, trustedProxies: trustedProxies) {
            head.headerFields[ClientAddress.field] = address
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
