import ArgumentParser
import CellCommands
import Foundation
import Logging
import ReviewCore
import ReviewService
import ReviewStore

/// Where the office's local commands find the configuration and the data.
struct LocalOptions: ParsableArguments {
    @Option(name: .long, help: "Thư mục cấu hình của huyện.")
    var config: String = "config"

    @Option(name: .long, help: "Thư mục dữ liệu (chứa tệp SQLite reviewcal.sqlite), tạo khi chưa có.")
    var data: String = "data"

    @Option(name: .long, help: "Cơ sở dữ liệu PostgreSQL dùng chung khi chạy nhiều máy chủ (postgres://người-dùng:mật-khẩu@máy:cổng/tên), hoặc biến môi trường REVIEWCAL_DATABASE; mặc định là tệp SQLite trong --data.")
    var database: String?

    @Option(name: .customLong("feed-key"), help: "Tệp khóa bí mật của máy chủ, từ đó tính đường dẫn các lịch (mặc định: feed.key trong --data, tạo khi chưa có; các máy chủ dùng chung một tệp), hoặc biến môi trường REVIEWCAL_FEED_KEY.")
    var feedKeyFile: String?

    @Option(name: .long, help: "Người thực hiện, ghi vào nhật ký thao tác.")
    var actor: String = ProcessInfo.processInfo.environment["USER"] ?? "van-phong"

    var officeActor: String { "office:\(actor)" }

    /// Loads the configuration, reporting every defect.
    func district() throws -> District {
        do {
            return try ConfigLoader.load(directory: URL(fileURLWithPath: config))
        } catch {
            printError("Cấu hình trong '\(config)' có lỗi:\n\(error.description)")
            throw ExitCode(2)
        }
    }

    /// The store's URL: `--database`, else `$REVIEWCAL_DATABASE`, else the SQLite file in `--data`.
    var storeURL: String {
        database ?? ProcessInfo.processInfo.environment["REVIEWCAL_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: data).appendingPathComponent("reviewcal.sqlite").path
    }

    /// The feed key file: `--feed-key`, else `$REVIEWCAL_FEED_KEY`, else `feed.key` in `--data`.
    var feedKeyURL: URL {
        let given = feedKeyFile ?? ProcessInfo.processInfo.environment["REVIEWCAL_FEED_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return given.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: data).appendingPathComponent("feed.key")
    }

    /// The feed key. It is created when missing only beside a SQLite file in `--data` or when named explicitly:
    /// an office command run against a shared PostgreSQL database elsewhere must not invent a key of its own
    /// and print links that no server answers.
    func feedKey(create: Bool = false) throws -> FeedKey? {
        let explicit = create || feedKeyFile != nil || ProcessInfo.processInfo.environment["REVIEWCAL_FEED_KEY"].map { !$0.isEmpty } == true
        let sqlite = !storeURL.hasPrefix("postgres")
        do {
            return try FeedKey.load(at: feedKeyURL, create: explicit || sqlite)
        } catch let problem as FeedKey.Problem {
            if !explicit && !sqlite { return nil }
            printError(problem.description)
            throw ExitCode(2)
        }
    }

    /// Opens the service over the store, on the rehearsal clock kept with the data when there is one (else `clock`).
    /// `createFeedKey`: a server creates its feed key on first start wherever its store is. `logLevel`: the service's
    /// own log lines on standard error (a command that says the same in Vietnamese raises it).
    func openService(
        clock: any WallClock = SystemClock(), createFeedKey: Bool = false, poolSize: Int = ReviewStore.defaultPoolSize, logLevel: Logger.Level = .warning
    ) async throws -> ReviewService {
        let district = try district()
        var logger = Logger(label: "reviewcal")
        logger.logLevel = logLevel
        let store = try await openStore(poolSize: poolSize, logger: logger)
        let key: FeedKey?
        let rehearsal: AdjustableClock?
        do {
            key = try feedKey(create: createFeedKey)
            rehearsal = try await RehearsalClock.load(from: store)
        } catch {
            try? await store.close()
            throw error
        }
        // The feed links of e-mailed notices need the server's public address; the server passes its --public-url.
        let publicURL = ProcessInfo.processInfo.environment["REVIEWCAL_PUBLIC_URL"].flatMap { $0.hasPrefix("http://") || $0.hasPrefix("https://") ? $0 : nil }
        return try await ReviewService(district: district, store: store, clock: rehearsal ?? clock, logger: logger, feedKey: key, publicURL: publicURL)
    }
}

extension LocalOptions {
    /// Opens the store, printing why it could not.
    func openStore(
        poolSize: Int = ReviewStore.defaultPoolSize, timeout: Duration = ReviewStore.defaultTimeout, logger: Logger = Logger(label: "reviewcal")
    ) async throws -> ReviewStore {
        do {
            return try await ReviewStore.open(storeURL, poolSize: poolSize, timeout: timeout, logger: logger)
        } catch let e as StoreError {
            printError("Lỗi lưu trữ: \(e)")
            throw ExitCode(1)
        }
    }

    /// Opens the service, runs `body`, and closes the database whatever happens.
    func withService<T>(clock: any WallClock = SystemClock(), logLevel: Logger.Level = .warning, _ body: (ReviewService) async throws -> T) async throws -> T {
        let service = try await openService(clock: clock, logLevel: logLevel)
        do {
            let result = try await body(service)
            try await service.store.close()
            return result
        } catch {
            try? await service.store.close()
            throw error
        }
    }
}

/// Runs an office action, printing a refusal in Vietnamese and exiting 1 instead of a stack of errors.
func runOffice<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let f as ReviewError {
        printError(f.description)
        throw ExitCode(1)
    } catch let e as StoreError {
        printError("Lỗi lưu trữ: \(e)")
        throw ExitCode(1)
    }
}

