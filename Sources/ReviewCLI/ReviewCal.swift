import ArgumentParser
import CellCommands

/// The `reviewcal` command.
@main
struct ReviewCal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviewcal",
        abstract: "Đăng ký, xếp lịch và công bố lịch kiểm điểm, đánh giá, xếp loại chất lượng của Huyện ủy.",
        discussion: """
            Các chi, đảng bộ cơ sở, cơ quan, đơn vị: login, register, list, show, change, withdraw, status.
            Văn phòng Huyện ủy: serve (kèm trang làm việc trên trình duyệt tại /office), config check, schedule …, absence …, progress …, outbox …, solve,
            export, feeds …, admin …, backup, restore.
            """,
        subcommands: [
            Login.self, Status.self, Register.self, ListRequests.self, Show.self, Change.self, Withdraw.self,
            Serve.self, DemoCommand.self, ConfigCommand.self, Solve.self, ScheduleCommand.self, AbsenceCommand.self, ProgressCommand.self, OutboxCommand.self, Export.self, FeedsCommand.self,
            Admin.self, Backup.self, Restore.self,
        ]
    )
}
