import Foundation

/// How long the server waits for a client, and how many clients it holds at once: so that clients that send
/// half a request, or keep a connection open doing nothing, cannot take the server's connections away from
/// the others. See `docs/security.md`, "Limits and timeouts".
public struct ServerLimits: Sendable, Equatable {
    /// The time a client has to send a request's head (request line and header fields), counted from the
    /// connection's start, or, on a kept-alive connection, from the first byte of the next request. Past it the
    /// connection is closed.
    public var headerTimeout: Duration
    /// The time a client has to send a request's whole body, counted from the end of its head. Past it the
    /// connection is closed.
    public var bodyTimeout: Duration
    /// The time a kept-alive connection may stay idle between two requests before it is closed.
    public var keepAliveTimeout: Duration
    /// The most connections open at once; further ones wait in the system's queue of pending connections until
    /// one closes.
    public var maxConnections: Int

    /// The defaults: 10 s for a head, 30 s for a body, 60 s idle, 2,000 connections.
    public static let standard = ServerLimits()

    /// Creates limits; each one left out takes its default.
    public init(
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        keepAliveTimeout: Duration = .seconds(60),
        maxConnections: Int = 2000
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.maxConnections = maxConnections
    }
}
