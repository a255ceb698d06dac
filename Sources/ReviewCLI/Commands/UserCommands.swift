import ArgumentParser
import CellCommands
import Foundation
import ReviewService
import ReviewStore

/// `reviewcal admin user …`: the office's web accounts.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Tài khoản đăng nhập trang làm việc của Văn phòng: tạo, liệt kê, khóa, mở, đặt mật khẩu.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Password.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tạo tài khoản. Mật khẩu được hỏi (không hiện trên màn hình), hoặc đọc một dòng từ đầu vào chuẩn với --password-stdin.",
            discussion: "Quyền: office (xếp lịch, công bố, ghi nhận tiến độ) hoặc viewer (chỉ xem). Ví dụ: reviewcal admin user add thu-ha --name \"Nguyễn Thị Thu Hà\" --role office")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Tên đăng nhập: chữ thường không dấu, chữ số, - . _") var login: String
        @Option(help: "Họ tên.") var name: String
        @Option(help: "Quyền: office hoặc viewer.") var role: String = "office"
        @Flag(help: "Đọc mật khẩu từ dòng đầu tiên của đầu vào chuẩn.") var passwordStdin = false

        func run() async throws {
            guard let r = OfficeUser.Role(rawValue: role) else { throw ValidationError("Quyền '\(role)' không hợp lệ: office hoặc viewer.") }
            let password = try PasswordInput.read(stdin: passwordStdin, confirm: true)
            try await local.withService { service in
                let user = try await runOffice { try await service.addUser(login: login, name: name, role: r, password: password, by: local.officeActor) }
                print("Đã tạo tài khoản \(user.login) (\(user.name), \(user.role.vietnamese)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê tài khoản.")
        @OptionGroup var local: LocalOptions
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func run() async throws {
            try await local.withService { service in
                let users = try await service.users()
                if json { return try printJSON(users) }
                if users.isEmpty { print("Chưa có tài khoản nào. Tạo bằng: reviewcal admin user add TÊN --name \"Họ tên\"") }
                for u in users {
                    let state = u.disabledAt.map { "đã khóa \(service.district.zone.local($0).dateTime.vietnamese)" } ?? "hoạt động"
                    print("\(u.login)\t\(u.name)\t\(u.role.rawValue)\t\(state)")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Khóa tài khoản: không đăng nhập được, phiên đang mở hết hiệu lực ngay.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Tên đăng nhập.") var login: String

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.setUserDisabled(login, disabled: true, by: local.officeActor) }
                print("Đã khóa \(login).")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mở lại tài khoản đã khóa.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Tên đăng nhập.") var login: String

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.setUserDisabled(login, disabled: false, by: local.officeActor) }
                print("Đã mở lại \(login).")
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Đặt mật khẩu mới (phiên đang mở phải đăng nhập lại; xóa số lần đăng nhập sai của tên này).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Tên đăng nhập.") var login: String
        @Flag(help: "Đọc mật khẩu từ dòng đầu tiên của đầu vào chuẩn.") var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(stdin: passwordStdin, confirm: true)
            try await local.withService { service in
                try await runOffice { try await service.setPassword(login, password: password, by: local.officeActor) }
                print("Đã đặt mật khẩu mới cho \(login).")
            }
        }
    }
}

/// Reads a password: from a terminal without echo (asked twice), or one line of standard input.
enum PasswordInput {
    static func read(stdin: Bool, confirm: Bool) throws -> String {
        if stdin || isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("Không đọc được mật khẩu từ đầu vào chuẩn (cần một dòng).")
            }
            return line
        }
        let first = try prompt("Mật khẩu: ")
        if confirm {
            let second = try prompt("Nhập lại mật khẩu: ")
            guard first == second else { throw ValidationError("Hai lần nhập mật khẩu không khớp.") }
        }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("Không đọc được mật khẩu.") }
        return line
    }
}
