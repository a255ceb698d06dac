import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReviewService

/// `/favicon.svg` and `/favicon.ico`: the workspace's small calendar icon (SVG at both addresses; browsers that ask
/// for the `.ico` read the SVG by its content type).
func addOfficeIcon(to router: Router<BasicRequestContext>, pages: Pages) {
    router.get("/favicon.svg") { _, _ in pages.asset("favicon.svg") ?? Response(status: .notFound) }
    router.get("/favicon.ico") { _, _ in pages.asset("favicon.svg") ?? Response(status: .notFound) }
}

/// Any other address under `/office/`: the "no such page" page, inside the layout with the menu when signed in.
func registerOfficeNotFound(on group: RouterGroup<OfficeRequestContext>) {
    group.get("**") { _, _ -> Response in throw HTTPError(.notFound) }
    group.post("**") { _, _ -> Response in throw HTTPError(.notFound) }
}

extension OfficeKit {
    static let notFoundTitle = "Không có trang này"
    static let notFoundMessage =
        "Địa chỉ vừa mở không có trong các trang của Văn phòng: có thể đường dẫn bị gõ sai, bị cắt khi sao chép, hoặc trang đã chuyển chỗ. Chọn trang cần xem trong danh mục ở đầu trang."

    /// The page of an HTTP error a route or Hummingbird threw: 404 says the page does not exist, others name the status.
    func errorPage(_ context: OfficeRequestContext, _ error: HTTPError) -> Response {
        let (title, message) = Self.words(for: error.status)
        return Self.plainPage(pages, service, context, status: error.status, title: title, message: message)
    }

    /// A title and a message in Vietnamese for an HTTP status.
    static func words(for status: HTTPResponse.Status) -> (String, String) {
        switch status.code {
        case 404: return (notFoundTitle, notFoundMessage)
        case 405: return ("Không làm được theo cách này", "Trang này không nhận thao tác vừa gửi. Quay lại trang trước, tải lại rồi làm lại bằng các nút trên trang.")
        case 413: return ("Biểu mẫu quá lớn", "Nội dung gửi lên quá lớn (tối đa 256 KiB).")
        case 400..<500: return ("Yêu cầu không hợp lệ", "Máy chủ không hiểu yêu cầu vừa gửi (mã \(status.code)). Tải lại trang rồi làm lại; dữ liệu chưa bị thay đổi.")
        default: return ("Lỗi máy chủ", "Lỗi máy chủ; dữ liệu đã lưu không bị ảnh hưởng. Thử lại sau ít phút hoặc báo người quản trị.")
        }
    }
}

/// Errors that leave an office page's handler (not already turned into a page by it) become a page in the layout:
/// HTTP errors by their status, refusals and database faults as ``OfficeKit/failure(_:_:)`` shows them.
struct OfficeErrorMiddleware: RouterMiddleware {
    typealias Context = OfficeRequestContext
    let kit: OfficeKit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return kit.errorPage(context, error)
        } catch {
            return kit.failure(context, error)
        }
    }
}

/// Addresses under `/office/` that no route matches: the same "no such page" page, for anyone (no session is read
/// here, so without the menu), with a link back to the week.
struct OfficeNotFoundMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let service: ReviewService
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && (request.uri.path == "/office" || request.uri.path.hasPrefix("/office/")) {
            let chrome = Chrome(
                districtName: service.district.name, title: OfficeKit.notFoundTitle, nav: [], user: nil, flash: nil,
                error: .init(title: OfficeKit.notFoundTitle, message: OfficeKit.notFoundMessage, details: [], reload: nil))
            return pages.page("message", MessagePage(chrome: chrome), status: .notFound)
        }
    }
}
