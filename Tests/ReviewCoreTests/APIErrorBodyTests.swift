import ReviewCore
import Testing

/// How a refusal reads at the command line.
@Suite struct APIErrorBodyTests {
    @Test func everyProblemIsListedOnceUnderTheMessage() {
        let two = APIErrorBody(
            code: "invalid", message: "Đăng ký chưa hợp lệ (2 lỗi).",
            details: [
                ProblemDetail(code: "outside-hours", field: "options[0]", message: "Phương án 1 ngoài giờ làm việc."),
                ProblemDetail(code: "holiday", field: "options[1]", message: "Phương án 2 rơi vào ngày nghỉ."),
            ])
        #expect(two.description == "Đăng ký chưa hợp lệ (2 lỗi).\n  - Phương án 1 ngoài giờ làm việc.\n  - Phương án 2 rơi vào ngày nghỉ.")
        let one = APIErrorBody(code: "late", message: "Đã hết hạn đăng ký.", details: [ProblemDetail(code: "late", field: nil, message: "Đã hết hạn đăng ký.")])
        #expect(one.description == "Đã hết hạn đăng ký.")
        let other = APIErrorBody(code: "late", message: "Đã hết hạn.", details: [ProblemDetail(code: "late", field: nil, message: "Tuần 49 đã khóa.")])
        #expect(other.description == "Đã hết hạn.\n  - Tuần 49 đã khóa.")
    }
}
