import ArgumentParser
import CellCommands
import Foundation
import Logging
import ReviewStore

/// Where the backup commands find the database (no district config is needed).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Thư mục dữ liệu (chứa tệp SQLite reviewcal.sqlite).")
    var data: String = "data"

    @Option(name: .long, help: "Cơ sở dữ liệu PostgreSQL (postgres://…), hoặc biến môi trường REVIEWCAL_DATABASE; mặc định là tệp SQLite trong --data.")
    var database: String?

    var local: LocalOptions {
        var options = LocalOptions()
        options.data = data
        options.database = database
        return options
    }
}

/// `reviewcal backup FILE`: a consistent copy of every stored row, while the servers run.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sao lưu toàn bộ dữ liệu (mọi huyện) ra một tệp, trong khi máy chủ vẫn chạy.",
        discussion: """
            Tệp sao lưu là JSON, giống nhau cho SQLite và PostgreSQL: sao lưu từ SQLite khôi phục được vào PostgreSQL và ngược lại.
            Bản sao là một ảnh chụp nhất quán, lấy được khi các máy chủ đang phục vụ. Tệp có mật khẩu và mã truy cập đã băm: giữ kín (quyền 0600).
            Ngoài tệp này cần giữ thêm: thư mục cấu hình của mỗi huyện, tệp khóa lịch (feed.key), tệp danh sách huyện (--districts)
            và biến môi trường REVIEWCAL_DATABASE. Xem docs/deploy.md.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Tệp sao lưu sẽ ghi (ghi đè nếu đã có; ghi trọn vẹn hoặc không ghi gì).")
    var file: String

    func run() async throws {
        var logger = Logger(label: "reviewcal")
        logger.logLevel = .warning
        let db = try await store.local.openStore(poolSize: 2, logger: logger)
        let backup: StoreBackup
        do {
            backup = try await db.backup()
            try await db.close()
        } catch {
            try? await db.close()
            printError("Không sao lưu được: \(error)")
            throw ExitCode(1)
        }
        let target = URL(fileURLWithPath: file)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            let data = try backup.encoded()
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, target.path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            printError("Không ghi được tệp sao lưu '\(file)': \(error.localizedDescription)")
            throw ExitCode(1)
        }
        say("Đã sao lưu \(backup.rowCount) dòng của \(backup.tables.count) bảng (lược đồ phiên bản \(backup.schemaVersion), \(db.location)) vào \(file).")
    }
}

/// `reviewcal restore FILE`: puts a backup in place of what is stored.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Khôi phục dữ liệu từ tệp sao lưu (dừng các máy chủ trước).",
        discussion: """
            Khôi phục trong một giao dịch: hoặc toàn bộ bản sao lưu, hoặc không gì thay đổi. Cơ sở dữ liệu còn dữ liệu thì phải thêm
            --replace (xóa hết rồi thay). Dừng mọi máy chủ dùng cơ sở dữ liệu này trước, khởi động lại sau khi xong.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Tệp sao lưu do reviewcal backup ghi.")
    var file: String

    @Flag(help: "Xóa mọi dữ liệu đang có rồi thay bằng bản sao lưu.")
    var replace = false

    func run() async throws {
        let backup: StoreBackup
        do {
            backup = try StoreBackup.decode(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch let problem as StoreBackup.Problem {
            printError("'\(file)': \(problem)")
            throw ExitCode(2)
        } catch {
            printError("Không đọc được tệp '\(file)': \(error.localizedDescription)")
            throw ExitCode(2)
        }
        var logger = Logger(label: "reviewcal")
        logger.logLevel = .warning
        let db = try await store.local.openStore(poolSize: 2, logger: logger)
        do {
            try await db.restore(backup, replace: replace)
            try await db.close()
        } catch let problem as StoreBackup.Problem {
            try? await db.close()
            printError("Chưa khôi phục, dữ liệu giữ nguyên: \(problem)")
            throw ExitCode(1)
        } catch {
            try? await db.close()
            printError("Chưa khôi phục, dữ liệu giữ nguyên: \(error)")
            throw ExitCode(1)
        }
        say("Đã khôi phục \(backup.rowCount) dòng của \(backup.tables.count) bảng (sao lưu lúc \(Timestamp.string(backup.createdAt)) từ \(backup.engine)) vào \(db.location).")
    }
}
