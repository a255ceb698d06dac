import Foundation

/// The API document (OpenAPI 3.1), kept in the repository as `Sources/ReviewServer/Resources/openapi.yaml`.
enum OpenAPIDocument {
    static let yaml: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let text = try? String(contentsOf: url, encoding: .utf8) else {
            return "openapi: 3.1.0\ninfo: {title: reviewcal, version: '1'}\npaths: {}\n"
        }
        return text
    }()
}
