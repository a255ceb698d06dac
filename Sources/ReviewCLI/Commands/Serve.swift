import ArgumentParser
import CellCommands
import Foundation
import Hummingbird
import Logging
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore

/// `reviewcal serve`: the District Office's server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chạy máy chủ reviewcal (API đăng ký và lịch iCalendar).",
        discussion: """
            SIGTERM hoặc SIGINT: máy chủ ngừng nhận kết nối mới, chờ các yêu cầu đang xử lý xong trong --grace-period \
            rồi dừng. SIGHUP chỉ được ghi vào nhật ký: cấu hình chỉ đọc khi khởi động, muốn áp dụng cấu hình mới thì khởi \
            động lại máy chủ.

            Khi cơ sở dữ liệu không dùng được (mất kết nối, không trả lời trong --db-timeout giây, ổ đĩa đầy hoặc chỉ đọc), \
            mỗi yêu cầu được trả lời 503 kèm Retry-After, không có gì được lưu; /readyz trả 503 cho đến khi ghi lại được; \
            máy chủ tự kết nối lại khi cơ sở dữ liệu trở lại, không cần khởi động lại.

            Mã thoát: 0 khi dừng êm; 3 khi hết --grace-period mà còn việc chưa xong (việc đó bị hủy); 1 hoặc 2 khi không \
            khởi động được (cổng, cấu hình, cơ sở dữ liệu).
            """)

    @OptionGroup var local: LocalOptions

    @Option(help: "Địa chỉ lắng nghe.")
    var host = "127.0.0.1"

    @Option(help: "Cổng.")
    var port = 8080

    @Flag(help: "Nếu chưa có dữ liệu: đăng ký, xếp và công bố một tuần mẫu để các lịch có sẵn buổi kiểm điểm.")
    var demo = false

    @Option(help: "Diễn tập: chạy máy chủ với đồng hồ bắt đầu từ giờ này (giờ Việt Nam, YYYY-MM-DDTHH:MM:SS); đồng hồ được lưu cùng dữ liệu để mọi lệnh của Văn phòng trên dữ liệu đó đọc cùng giờ (xem reviewcal admin clock); cho phép Văn phòng đặt lại giờ qua API.")
    var rehearsalClock: String?

    @Option(help: "Địa chỉ mọi người dùng để vào máy chủ, ví dụ https://lich.example.vn (đường dẫn lịch dựng trên địa chỉ này; https thì cookie đăng nhập chỉ gửi qua https). Mặc định http://HOST:PORT.")
    var publicURL: String?

    @Option(help: ArgumentHelp("Địa chỉ IP của proxy đứng trước máy chủ (ví dụ 127.0.0.1 cho nginx trên cùng máy; lặp lại nếu có nhiều): yêu cầu đến từ proxy này thì địa chỉ người dùng lấy từ X-Forwarded-For, dùng để giãn cách đăng nhập sai theo từng địa chỉ.", valueName: "địa-chỉ"))
    var trustedProxy: [String] = []

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

    @Option(help: "Tệp danh sách huyện (YAML) khi một máy chủ phục vụ nhiều huyện: mỗi huyện có tên máy (host) và thư mục cấu hình riêng; yêu cầu đến tên máy nào thì vào huyện đó. Khi có tệp này, --config không dùng. Xem deploy/districts.yaml.")
    var districts: String?

    @Option(help: "Số kết nối PostgreSQL tối đa của máy chủ này (không dùng với SQLite). Tổng của mọi máy chủ phải nhỏ hơn max_connections của PostgreSQL.")
    var poolSize: Int = ReviewStore.defaultPoolSize

    @Option(help: "Giây tối đa để hoàn tất các yêu cầu đang xử lý và công việc nền khi nhận SIGTERM hoặc SIGINT; hết thời gian thì việc còn dở bị hủy, tiến trình kết thúc với mã 3.")
    var gracePeriod: Int = 30

    @Option(help: "Giây tối đa một lần đọc hoặc ghi chờ cơ sở dữ liệu (lấy kết nối, mỗi câu lệnh, cả giao dịch); quá hạn thì trả lời 503 và đóng kết nối đó.")
    var dbTimeout: Int = Int(ReviewStore.defaultTimeout.components.seconds)

    @Option(help: "Dạng nhật ký: text (cho người đọc) hoặc json (mỗi dòng một đối tượng JSON, có request_id).")
    var logFormat: Observability.LogFormat = .text

    @Option(help: "Mức nhật ký: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Giây giữa hai lần kiểm tra công việc sau giờ chốt (xếp lịch tuần vừa chốt, mỗi huyện một lần dù chạy bao nhiêu máy chủ).")
    var jobInterval: Int = 30

    @Option(help: ArgumentHelp("Lệnh gửi thư kiểu sendmail: nhận cả bức thư ở đầu vào, đọc người nhận từ thư (-t). Debian: gói msmtp-mta (chuyển tiếp qua máy chủ thư của tỉnh, có TLS và mật khẩu) hoặc postfix. Xem docs/deploy.md.", valueName: "lệnh"))
    var sendmail: String = SendmailTransport.defaultCommand

    @Option(help: "Giây giữa hai lần xem hộp thư đi khi máy chủ này không vừa xếp thư (thư do máy chủ này xếp được gửi ngay).")
    var mailInterval: Int = 10

    @Option(help: "Giây chờ trước lần gửi lại đầu tiên khi gửi thư không được; mỗi lần sau chờ gấp đôi, tối đa 30 phút, đến hết mail.giveUpHours của huyện.")
    var mailRetrySeconds: Int = 30

    @Option(help: "Số thư gửi cùng lúc (mỗi thư một lần chạy lệnh --sendmail).")
    var mailConcurrency: Int = 4

    func validate() throws {
        if mailInterval < 1 || mailInterval > 3600 { throw ValidationError("--mail-interval từ 1 đến 3600 giây.") }
        if mailRetrySeconds < 1 || mailRetrySeconds > 3600 { throw ValidationError("--mail-retry-seconds từ 1 đến 3600 giây.") }
        if mailConcurrency < 1 || mailConcurrency > 64 { throw ValidationError("--mail-concurrency từ 1 đến 64.") }
        do {
            _ = try SendmailTransport(command: sendmail)
        } catch {
            throw ValidationError("--sendmail: \(error)")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) || URL(string: publicURL)?.host == nil {
            throw ValidationError("--public-url '\(publicURL)' không hợp lệ: cần dạng https://tên-máy hoặc http://tên-máy:cổng.")
        }
        if idleMinutes < 1 || idleMinutes > 24 * 60 { throw ValidationError("--idle-minutes từ 1 đến 1440.") }
        for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--keep-alive-timeout", keepAliveTimeout)]
        where seconds < 1 || seconds > 3600 {
            throw ValidationError("\(name) từ 1 đến 3600 giây.")
        }
        if maxConnections < 1 || maxConnections > 100_000 { throw ValidationError("--max-connections từ 1 đến 100000.") }
        if poolSize < 1 || poolSize > 500 { throw ValidationError("--pool-size từ 1 đến 500.") }
        if gracePeriod < 0 || gracePeriod > 3600 { throw ValidationError("--grace-period từ 0 đến 3600 giây.") }
        if dbTimeout < 1 || dbTimeout > 600 { throw ValidationError("--db-timeout từ 1 đến 600 giây.") }
        if jobInterval < 1 || jobInterval > 3600 { throw ValidationError("--job-interval từ 1 đến 3600 giây.") }
        if districts != nil && (demo || publicURL != nil) {
            throw ValidationError("--districts không dùng cùng --demo hay --public-url: địa chỉ của mỗi huyện ghi trong tệp danh sách huyện (publicURL).")
        }
    }

    /// The timeouts and the connection cap given on the command line.
    var limits: ServerLimits {
        ServerLimits(
            headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout), keepAliveTimeout: .seconds(keepAliveTimeout),
            maxConnections: maxConnections)
    }

    /// The districts to serve: the `--districts` file's, else the one in `--config`.
    func loadDistricts() throws -> [(district: District, host: String?, config: URL, publicURL: String)] {
        guard let districts else {
            let district = try local.district()
            return [(district, nil, URL(fileURLWithPath: local.config).standardizedFileURL, publicURL ?? "http://\(host):\(port)")]
        }
        let file: DeploymentFile
        do {
            file = try DeploymentFile.load(URL(fileURLWithPath: districts))
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var result: [(District, String?, URL, String)] = []
        var failed = false
        var ids: [String: String] = [:]
        for entry in file.entries {
            do {
                let district = try ConfigLoader.load(directory: entry.config)
                if let other = ids[district.id] {
                    printError("Huyện '\(district.id)' có hai tên máy trong '\(districts)': \(other) và \(entry.host). Mỗi huyện một tên máy, mỗi thư mục cấu hình một mã huyện (id) riêng.")
                    failed = true
                }
                ids[district.id] = entry.host
                result.append((district, entry.host, entry.config, entry.publicURL))
            } catch {
                printError("Cấu hình của \(entry.host) trong '\(entry.config.path)' có lỗi:\n\(error.description)")
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
        return result
    }

    func run() async throws {
        Observability.bootstrapLogging(format: logFormat, level: logLevel)
        Observability.bootstrapMetrics()
        let logger = Logger(label: "reviewcal")
        let sites = try loadDistricts()
        var rehearsalStart: Date?
        if let text = rehearsalClock {
            guard let start = LocalClockText.parse(text, zone: sites[0].district.zone) else {
                throw ValidationError("--rehearsal-clock '\(text)' không đúng dạng YYYY-MM-DDTHH:MM:SS.")
            }
            rehearsalStart = start
        }
        var storeLogger = logger
        storeLogger.logLevel = .warning
        let store = try await local.openStore(poolSize: poolSize, timeout: .seconds(dbTimeout), logger: storeLogger)
        var services: [ReviewService] = []
        var built: [DistrictSite] = []
        let rehearsal: AdjustableClock?
        do {
            // The rehearsal clock is kept with the data, so that the office's commands on it read the same time; a
            // server started again on rehearsal data goes on with its clock until `reviewcal admin clock real` ends it.
            if let rehearsalStart {
                rehearsal = try await RehearsalClock.start(at: rehearsalStart, in: store)
            } else {
                rehearsal = try await RehearsalClock.load(from: store)
            }
            let key = try local.feedKey(create: true)
            for site in sites {
                let service = try await ReviewService(
                    district: site.district, store: store, clock: rehearsal ?? SystemClock(), logger: logger, feedKey: key, publicURL: site.publicURL)
                if demo { try await Demo.seed(service, actor: local.officeActor, baseURL: site.publicURL) }
                services.append(service)
                let office = OfficeConfiguration(publicURL: site.publicURL, idleTimeout: TimeInterval(idleMinutes * 60), configDirectory: site.config)
                built.append(DistrictSite(service: service, hosts: site.host.map { [$0] } ?? [], office: office, rehearsalClock: rehearsal))
            }
        } catch {
            try? await store.close()
            throw error
        }
        // The stand-in hash for unknown sign-in names is made now, so that the first unknown name costs no more than a
        // known one.
        if let first = services.first { _ = try await ReviewService.placeholderHash(cost: first.passwordCost) }
        let readiness = Readiness(stores: [store])
        let app = buildDeployment(
            sites: built, configuration: ServerConfiguration(host: host, port: port, rehearsalClock: rehearsal, limits: limits, trustedProxies: Set(trustedProxy)), readiness: readiness,
            logger: logger)
        for site in sites {
            say("reviewcal: \(site.district.name) — \(site.host.map { "http://\($0):\(port) → " } ?? "")http://\(host):\(port) (dữ liệu: \(store.location))\(rehearsal != nil ? " — ĐỒNG HỒ DIỄN TẬP" : "")")
            say("Trang làm việc của Văn phòng: \(site.publicURL)/office")
        }
        let instance = "\(ProcessInfo.processInfo.hostName):\(port):\(ProcessInfo.processInfo.processIdentifier)"
        let jobs = CutoffJobService(services: services, instance: instance, interval: .seconds(jobInterval), logger: logger)
        let mail = OutboxService(
            services: services, transport: try SendmailTransport(command: sendmail), instance: instance, interval: .seconds(mailInterval),
            retryAfter: Double(mailRetrySeconds), concurrency: mailConcurrency, logger: logger)
        // The store is closed however the server stops: a signal, or a port it could not open.
        let grace = gracePeriod
        do {
            let follower = rehearsal.map { RehearsalClockService(clock: $0, store: store, services: services, logger: logger) }
            let outcome = try await runUntilStopped(app, jobs: follower.map { [jobs, mail, $0] } ?? [jobs, mail], readiness: readiness, gracePeriod: .seconds(grace), logger: logger) {
                // The last resort: whatever still waits (a database that does not answer even to a close) does not keep
                // the process past its grace period.
                LastResort.arm(after: .seconds(grace), logger: logger)
            }
            try await store.close()
            if outcome == .cut {
                logger.error("reviewcal stopped after the grace period of \(grace) s: requests or jobs still running were cancelled (exit status 3)")
                throw ExitCode(3)
            }
            logger.info("reviewcal stopped")
        } catch let error as ExitCode {
            throw error
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES {
            try? await store.close()
            let why = error.errnoCode == EADDRINUSE ? "cổng đang được một chương trình khác dùng" : "không có quyền mở cổng này (cổng dưới 1024 cần quyền quản trị)"
            printError("Không mở được http://\(host):\(port): \(why). Chọn cổng khác bằng --port.")
            throw ExitCode(1)
        } catch {
            try? await store.close()
            throw error
        }
    }
}

extension Observability.LogFormat: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}

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

/// Ends the process when a shutdown outlasts its grace period.
enum LastResort {
    /// From now, `after` at most: then the process exits with status 3, whatever still runs.
    static func arm(after: Duration, logger: Logger) {
        let seconds = Double(after.components.seconds) + Double(after.components.attoseconds) / 1e18
        // A thread of its own: nothing the server's tasks wait on can hold it up.
        let thread = Thread {
            Thread.sleep(forTimeInterval: seconds)
            logger.critical("reviewcal did not stop within its grace period of \(after.components.seconds) s: exiting with status 3; work still running is lost (nothing unacknowledged was stored half-way: each write is one transaction)")
            // Every open output stream written out (the logs), then out without running anything else.
            fflush(nil)
            _exit(3)
        }
        thread.start()
    }
}
