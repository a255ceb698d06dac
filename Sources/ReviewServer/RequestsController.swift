import Foundation
import HTTPTypes
import Hummingbird
import ReviewCore
import ReviewService

/// `/v1/whoami` and `/v1/requests…`: what cells do from the command line.
struct RequestsController {
    let service: ReviewService
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    func register(on routes: Routes) {
        routes.on(.get, "/v1/whoami") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                return APIResponse.json(service.whoAmI(who))
            }
        }
        routes.on(.post, "/v1/requests") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                let input = try await APIResponse.decode(RegistrationInput.self, from: request)
                let admitLate = request.uri.queryParameters.get("admitLate") == "true"
                let answer = try await service.register(input, by: who, idempotencyKey: request.headers[Self.idempotencyKey], admitLate: admitLate)
                return APIResponse.json(answer.status, answer.body)
            }
        }
        routes.on(.get, "/v1/requests") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                var week: ISOWeek?
                if let text = request.uri.queryParameters.get("week") {
                    guard let w = ISOWeek(iso: text) else {
                        throw ReviewError(.invalidWeek, "Tuần '\(Text.clip(text))' không đúng dạng YYYY-Www (ví dụ 2023-W50).")
                    }
                    week = w
                }
                return APIResponse.json(try await service.list(for: who, week: week))
            }
        }
        routes.on(.get, "/v1/requests/:id") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                return APIResponse.json(try await service.show(id: context.parameters.get("id") ?? "", for: who))
            }
        }
        routes.on(.put, "/v1/requests/:id") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                let input = try await APIResponse.decode(RegistrationInput.self, from: request)
                let answer = try await service.change(
                    id: context.parameters.get("id") ?? "", input, by: who, idempotencyKey: request.headers[Self.idempotencyKey])
                return APIResponse.json(answer.status, answer.body)
            }
        }
        routes.on(.post, "/v1/requests/:id/withdraw") { request, context in
            await APIResponse.guarded(context) {
                let who = try await service.authenticate(APIResponse.bearer(request))
                return APIResponse.json(try await service.withdraw(id: context.parameters.get("id") ?? "", by: who))
            }
        }
    }
}
