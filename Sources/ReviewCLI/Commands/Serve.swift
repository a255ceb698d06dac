import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService

/// `reviewcal serve`: the District Office's server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Chạy máy chủ reviewcal (API đăng ký và lịch iCalendar).")

    @OptionGroup var local: LocalOptions

    @Option(help: "Địa chỉ lắng nghe.")
    var host = "127.0.0.1"

    @Option(help: "Cổng.")
    var port = 8080

    @Flag(help: "Nếu chưa có dữ liệu: đăng ký, xếp và công bố một tuần mẫu để các lịch có sẵn buổi kiểm điểm.")
    var demo = false

    @Option(help: "Diễn tập: chạy máy chủ với đồng hồ bắt đầu từ giờ này (giờ Việt Nam, YYYY-MM-DDTHH:MM:SS); cho phép Văn phòng đặt lại giờ qua API.")
    var rehearsalClock: String?

    @Option(help: "Địa chỉ mọi người dùng để vào máy chủ, ví dụ https://lich.example.vn (đường dẫn lịch dựng trên địa chỉ này; https thì cookie đăng nhập chỉ gửi qua https). Mặc định http://HOST:PORT.")
    var publicURL: String?

    @Option(help: "Phút không thao tác trước khi phiên đăng nhập trang Văn phòng hết hạn.")
    var idleMinutes: Int = 30

    @Option(help: "Giây để máy khách gửi xong phần đầu (dòng yêu cầu và các trường header) của một yêu cầu, tính từ lúc mở kết nối hoặc từ byte đầu tiên của yêu cầu tiếp theo; quá hạn thì đóng kết nối.")
    var headerTimeout: Int = 10

    @Option(help: "Giây để máy khách gửi xong phần thân của một yêu cầu, tính từ lúc nhận xong phần đầu; quá hạn thì đóng kết nối.")
    var bodyTimeout: Int = 30

    @Option(help: "Giây một kết nối được giữ mở (keep-alive) khi không có yêu cầu nào; quá hạn thì đóng kết nối.")
    var keepAliveTimeout: Int = 60

    @Option(help: "Số kết nối mở cùng lúc tối đa; kết nối thêm phải chờ trong hàng đợi của hệ điều hành đến khi có kết nối đóng.")
    var maxConnections: Int = 2000

    func validate() throws {
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) || URL(string: publicURL)?.host == nil {
            throw ValidationError("--public-url '\(publicURL)' không hợp lệ: cần dạng https://tên-máy hoặc http://tên-máy:cổng.")
        }
        if idleMinutes < 1 || idleMinutes > 24 * 60 { throw ValidationError("--idle-minutes từ 1 đến 1440.") }
        for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--keep-alive-timeout", keepAliveTimeout)]
        where seconds < 1 || seconds > 3600 {
            throw ValidationError("\(name) từ 1 đến 3600 giây.")
        }
        if maxConnections < 1 || maxConnections > 100_000 { throw ValidationError("--max-connections từ 1 đến 100000.") }
    }

    /// The timeouts and the connection cap given on the command line.
    var limits: ServerLimits {
        ServerLimits(
            headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout), keepAliveTimeout: .seconds(keepAliveTimeout),
            maxConnections: maxConnections)
    }

    func run() async throws {
        var rehearsal: AdjustableClock?
        let district = try local.district()
        if let text = rehearsalClock {
            guard let start = LocalClockText.parse(text, zone: district.zone) else {
                throw ValidationError("--rehearsal-clock '\(text)' không đúng dạng YYYY-MM-DDTHH:MM:SS.")
            }
            rehearsal = AdjustableClock(startingAt: start)
        }
        let service = try await local.openService(clock: rehearsal ?? SystemClock(), createFeedKey: true)
        let base = publicURL ?? "http://\(host):\(port)"
        if demo {
            try await Demo.seed(service, actor: local.officeActor, baseURL: base)
        }
        var logger = Logger(label: "reviewcal")
        logger.logLevel = .info
        let office = OfficeConfiguration(
            publicURL: base, idleTimeout: TimeInterval(idleMinutes * 60), configDirectory: URL(fileURLWithPath: local.config).standardizedFileURL)
        let app = buildApplication(
            service: service,
            configuration: ServerConfiguration(host: host, port: port, rehearsalClock: rehearsal, office: office, limits: limits),
            logger: logger)
        say("reviewcal: \(district.name) — http://\(host):\(port) (dữ liệu: \(service.store.location))\(rehearsal != nil ? " — ĐỒNG HỒ DIỄN TẬP" : "")")
        say("Trang làm việc của Văn phòng: \(office.publicURL)/office")
        // The store is closed however the server stops: a signal, or a port it could not open.
        do {
            try await app.runService()
            try await service.store.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES {
            try? await service.store.close()
            let why = error.errnoCode == EADDRINUSE ? "cổng đang được một chương trình khác dùng" : "không có quyền mở cổng này (cổng dưới 1024 cần quyền quản trị)"
            printError("Không mở được http://\(host):\(port): \(why). Chọn cổng khác bằng --port.")
            throw ExitCode(1)
        } catch {
            try? await service.store.close()
            throw error
        }
    }
}

/// `reviewcal demo`: the sample week without starting the server.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Đăng ký, xếp và công bố một tuần mẫu khi cơ sở dữ liệu còn trống (không chạy máy chủ).")

    @OptionGroup var local: LocalOptions

    @Option(help: "Địa chỉ máy chủ dùng để in đường dẫn lịch.")
    var baseURL = "http://127.0.0.1:8080"

    func run() async throws {
        try await local.withService { service in
            try await Demo.seed(service, actor: local.officeActor, baseURL: baseURL)
        }
    }
}
