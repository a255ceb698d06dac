import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The office's templates and static files, read once from the server module's resources.
struct Pages: Sendable {
    let library: MustacheLibrary
    /// `/static/<name>` bodies with their content types.
    let assets: [String: (type: String, body: ByteBuffer)]

    /// Loads every `templates/*.mustache` and `static/*` resource; a broken template stops the server at start.
    static func load() -> Pages {
        // Every template starts with `{{% CONTENT_TYPE: HTML}}`, which names this escaper (read when parsing).
        MustacheContentTypes.register(FastHTMLEscape(), named: "HTML")
        var templates: [String: MustacheTemplate] = [:]
        var assets: [String: (String, ByteBuffer)] = [:]
        let fm = FileManager.default
        if let folder = Bundle.module.url(forResource: "templates", withExtension: nil) {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".mustache") {
                let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
                do {
                    templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
                } catch {
                    preconditionFailure("template \(name) does not parse: \(error)")
                }
            }
        }
        if let folder = Bundle.module.url(forResource: "static", withExtension: nil) {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
                guard let data = fm.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                let type =
                    name.hasSuffix(".css")
                    ? "text/css; charset=utf-8"
                    : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : name.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
                assets[name] = (type, ByteBuffer(bytes: data))
            }
        }
        return Pages(library: MustacheLibrary(templates: templates), assets: assets)
    }

    /// Headers of every office page: never cached, never framed, scripts and styles only from reviewcal itself.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    /// Renders template `name` with `model` as an HTML response.
    func page(_ name: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(RenderBox.box(model) as Any, withTemplate: name) ?? "<!doctype html><title>Lỗi</title><p>Thiếu mẫu trang \(HTML.escape(name)).</p>"
        return Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Renders template `name` to text (the printed schedule saved by the command line).
    func text(_ name: String, _ model: Any) -> String {
        library.render(RenderBox.box(model) as Any, withTemplate: name) ?? ""
    }

    /// A static file's response.
    func asset(_ name: String) -> Response? {
        guard let a = assets[name] else { return nil }
        return Response(
            status: .ok, headers: [.contentType: a.type, .cacheControl: "public, max-age=3600", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: a.body))
    }
}

/// What every office page shows around its content: the district, the navigation, the user, a message.
struct Chrome {
    struct NavItem {
        var label: String
        var href: String
        var current: Bool
    }
    struct UserBox {
        var name: String
        var login: String
        var roleText: String
        var csrf: String
        var canChange: Bool
    }
    struct ErrorBox {
        var title: String
        var message: String
        var details: [String]
        var reload: String?
    }

    var districtName: String
    var title: String
    var nav: [NavItem]
    var user: UserBox?
    var flash: String?
    var error: ErrorBox?
}
