import Testing

@testable import ReviewServer

/// A refusal shown on an office page leaves out the command-line hints the service gives to the command line.
@Suite struct ClerkWordsTests {
    @Test(arguments: [
        (
            "Buổi Chi bộ A chưa công bố: đổi phương án bằng \"Chuyển\" (reviewcal schedule move) rồi công bố tuần.",
            "Buổi Chi bộ A chưa công bố: đổi phương án bằng \"Chuyển\" rồi công bố tuần."
        ),
        (
            "Chưa có đề xuất sửa lịch nào cho tuần 50/2023. Đề xuất bằng: reviewcal schedule repair --week 2023-W50",
            "Chưa có đề xuất sửa lịch nào cho tuần 50/2023."
        ),
        ("Đã có tài khoản 'thu-ha'. Đổi mật khẩu bằng: reviewcal admin user password thu-ha", "Đã có tài khoản 'thu-ha'."),
        ("Không có thư 'ob-1' trong hộp thư đi. Xem: reviewcal outbox list", "Không có thư 'ob-1' trong hộp thư đi."),
        ("Lý do hủy không được để trống.", "Lý do hủy không được để trống."),
    ])
    func commandHintsAreLeftOut(_ message: String, _ shown: String) {
        #expect(OfficeKit.forClerk(message) == shown)
    }
}
