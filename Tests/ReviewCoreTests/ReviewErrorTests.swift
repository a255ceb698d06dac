import Foundation
import ReviewCore
import Testing

/// How a refusal reads at the command line.
@Suite struct ReviewErrorTests {
    @Test func everyProblemIsListedOnceUnderTheMessage() {
        let two = ReviewError(
            .invalidRequest, "Đăng ký chưa hợp lệ (2 lỗi).",
            details: [
                ProblemDetail(code: "outside-hours", field: "options[0]", message: "Phương án 1 ngoài giờ làm việc."),
                ProblemDetail(code: "holiday", field: "options[1]", message: "Phương án 2 rơi vào ngày nghỉ."),
            ])
        #expect(two.description == "Đăng ký chưa hợp lệ (2 lỗi).\n  - Phương án 1 ngoài giờ làm việc.\n  - Phương án 2 rơi vào ngày nghỉ.")
        let one = ReviewError(.late, "Đã hết hạn đăng ký.", details: [ProblemDetail(code: "late", field: nil, message: "Đã hết hạn đăng ký.")])
        #expect(one.description == "Đã hết hạn đăng ký.")
        let other = ReviewError(.late, "Đã hết hạn.", details: [ProblemDetail(code: "late", field: nil, message: "Tuần 49 đã khóa.")])
        #expect(other.description == "Đã hết hạn.\n  - Tuần 49 đã khóa.")
    }

    @Test func aCodeHasOneStatusWhereverItIsRaised() {
        #expect(ReviewError(.late, "x").httpStatus == 422)
        #expect(ReviewError.unauthenticated.httpStatus == 401)
        #expect(ReviewError.requestNotFound("r-1").httpStatus == 404)
        #expect(ReviewError(.unknownUnit, "x").httpStatus == 404)
        #expect(ReviewError(.busy, "x").httpStatus == 503)
        // A page address with a malformed week is "not found", though the code stays `invalid-week`.
        #expect(ReviewError(.invalidWeek, "x", status: 404).httpStatus == 404)
        #expect(ReviewError(.invalidWeek, "x").httpStatus == 400)
        // Every known code is found by its text, with its own status.
        for (text, code) in ErrorCode.known {
            #expect(ErrorCode(rawValue: text).status == code.status)
            #expect((400...599).contains(code.status), "\(text)")
        }
        #expect(ErrorCode(rawValue: "a-code-of-a-newer-server").status == 422)
    }

    @Test func theBodyIsCodeMessageDetailsAndTheStatusTravelsApart() throws {
        let refusal = ReviewError(.late, "Đã hết hạn đăng ký.", details: [ProblemDetail(code: "late", field: "options", message: "Tuần 49 đã khóa.")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(refusal), as: UTF8.self)
        #expect(json == #"{"code":"late","details":[{"code":"late","field":"options","message":"Tuần 49 đã khóa."}],"message":"Đã hết hạn đăng ký."}"#)
        let back = try JSONDecoder().decode(ReviewError.self, from: Data(json.utf8))
        #expect(back == refusal)
        let bare = try JSONDecoder().decode(ReviewError.self, from: Data(#"{"code":"sign-in-locked","message":"Khóa 15 phút."}"#.utf8))
        #expect(bare.code == .signInLocked && bare.httpStatus == 429 && bare.details.isEmpty)
    }
}
