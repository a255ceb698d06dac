import ArgumentParser
import Foundation
import ReviewClient
import ReviewAPI

/// Server and token for the cells' commands: flags, then environment, then the saved login.
struct RemoteOptions: ParsableArguments {
    @Option(help: "Địa chỉ máy chủ (hoặc biến môi trường REVIEWCAL_SERVER).")
    var server: String?

    @Option(help: "Mã truy cập của đơn vị (hoặc biến môi trường REVIEWCAL_TOKEN).")
    var token: String?

    @Flag(help: "In kết quả dạng JSON.")
    var json = false

    func client() throws -> ReviewClient {
        let env = ProcessInfo.processInfo.environment
        let saved = ClientSettings.load(from: ClientSettings.defaultPath())
        guard let serverText = server ?? env["REVIEWCAL_SERVER"] ?? saved?.server else {
            throw ValidationError("Chưa biết máy chủ: chạy reviewcal login --server URL --token MÃ, hoặc dùng --server.")
        }
        guard let tokenText = token ?? env["REVIEWCAL_TOKEN"] ?? saved?.token else {
            throw ValidationError("Chưa có mã truy cập: chạy reviewcal login --server URL --token MÃ, hoặc dùng --token.")
        }
        guard let url = URL(string: serverText), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("Địa chỉ máy chủ '\(serverText)' không hợp lệ (ví dụ http://127.0.0.1:8080).")
        }
        return ReviewClient(server: url, token: tokenText)
    }
}

/// Runs a remote call, printing a refusal in Vietnamese and exiting 1.
func remote<T>(_ body: () async throws(ClientError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        printError(error.description)
        throw ExitCode(1)
    }
}

/// How the command line prints a request.
public func describe(_ v: RequestView) -> String {
    v.text
}

/// `reviewcal login`.
public struct Login: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(abstract: "Lưu địa chỉ máy chủ và mã truy cập của đơn vị (một lần).")

    @Option(help: "Địa chỉ máy chủ, ví dụ http://127.0.0.1:8080.")
    var server: String

    @Option(help: "Mã truy cập do Văn phòng Huyện ủy cấp.")
    var token: String

    public func run() async throws {
        let client = try RemoteOptions(server: server, token: token).client()
        let who = try await remote { () async throws(ClientError) in try await client.whoAmI() }
        let path = ClientSettings.defaultPath()
        do {
            try ClientSettings(server: server, token: token).save(to: path)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        print("Đã đăng nhập: \(who.name) (\(who.district)). Thông tin lưu tại \(path.path) (chỉ bạn đọc được).")
    }
}

extension RemoteOptions {
    init(server: String?, token: String?) {
        self.init()
        self.server = server
        self.token = token
    }
}

/// `reviewcal status`.
public struct Status: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(abstract: "Xem đơn vị đăng nhập, hạn đăng ký tuần tới và tình trạng các đăng ký.")
    @OptionGroup var remoteOptions: RemoteOptions

    public func run() async throws {
        let client = try remoteOptions.client()
        let who = try await remote { () async throws(ClientError) in try await client.whoAmI() }
        let views = try await remote { () async throws(ClientError) in try await client.list() }
        if remoteOptions.json {
            try printJSON(views)
            return
        }
        print("\(who.name) — \(who.district)")
        print("Giờ máy chủ: \(who.now.vietnamese). Tuần sớm nhất còn nhận đăng ký: \(who.firstOpenWeek.vietnamese), hạn \(who.closes.vietnamese).")
        if views.isEmpty { print("Chưa có đăng ký nào.") }
        for v in views { print(describe(v)) }
    }
}

/// `reviewcal register`.
public struct Register: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        abstract: "Đăng ký lịch kiểm điểm (trước 15:00 thứ Năm của tuần trước).",
        discussion: """
            Ví dụ: reviewcal register --kind cap-uy --option 2023-12-12T07:30-11:30 --option 2023-12-13T13:30-17:00 --draft-sent 2023-12-08
            Chỉ ghi thứ và giờ (--option "T3 07:30-11:30") thì lấy tuần sớm nhất còn nhận đăng ký.
            Loại kiểm điểm: \(ReviewKind.allCases.map { "\($0.rawValue) (\($0.vietnamese))" }.joined(separator: "; ")).
            Mỗi loại đơn vị chỉ đăng ký được một số loại kiểm điểm (registrableKinds trong cấu hình của huyện); chỉ Ban Thường vụ
            đăng ký ban-thuong-vu. Mỗi phương án dài ít nhất 60 phút (hoặc theo cấu hình), trọn trong một buổi làm việc, không trùng nhau.
            """)

    @OptionGroup var remoteOptions: RemoteOptions
    @Option(help: "Loại kiểm điểm (xem phần mô tả).") var kind: String = ReviewKind.partyCollective.rawValue
    @Option(name: .customLong("option"), help: "Phương án thời gian, theo thứ tự ưu tiên (1–3): YYYY-MM-DDTHH:MM-HH:MM hoặc \"T3 07:30-11:30\".")
    var options: [String] = []
    @Option(help: "Địa điểm (mã); mặc định địa điểm của đơn vị.") var location: String?
    @Option(help: "Ngày đã gửi dự thảo báo cáo (YYYY-MM-DD), hoặc \"chua\" nếu chưa gửi.") var draftSent: String = "chua"
    @Option(help: "Người liên hệ.") var contact: String?
    @Option(help: "Số điện thoại liên hệ.") var phone: String?
    @Option(help: "Địa chỉ thư của người liên hệ: Văn phòng gửi thư mời và thư báo đổi lịch đến đây.") var email: String?
    @Option(help: "Ghi chú cho Văn phòng.") var note: String?
    @Option(help: "Mã đăng ký phải diễn ra trước buổi này (có thể lặp lại).") var after: [String] = []
    @Option(help: "Đơn vị (chỉ Văn phòng đăng ký thay).") var unit: String?
    @Flag(help: "Văn phòng: nhận vào tuần đã khóa.") var admitLate = false

    public func validate() throws {
        if options.isEmpty || options.count > 3 { throw ValidationError("Cần từ 1 đến 3 --option.") }
    }

    public func run() async throws {
        let client = try remoteOptions.client()
        var parsed: [OptionInput] = []
        var week: ISOWeek?
        for text in options {
            if let o = OptionText.parseFull(text) {
                parsed.append(o)
            } else {
                if week == nil { week = try await remote { () async throws(ClientError) in try await client.whoAmI() }.firstOpenWeek }
                guard let o = OptionText.parseDay(text, week: week!) else {
                    throw ValidationError("Phương án '\(text)' không hiểu được. Dạng: 2023-12-12T07:30-11:30 hoặc \"T3 07:30-11:30\".")
                }
                parsed.append(o)
            }
        }
        let input = RegistrationInput(
            unit: unit, kind: kind, options: parsed, location: location, draftSent: OptionText.draft(draftSent), contactName: contact,
            contactPhone: phone, note: note, after: after.isEmpty ? nil : after, contactEmail: email)
        let key = UUID().uuidString
        let view = try await remote { () async throws(ClientError) in try await client.register(input, idempotencyKey: key, admitLate: admitLate) }
        if remoteOptions.json { try printJSON(view) } else { print("Đã đăng ký.\n" + describe(view)) }
    }
}

/// Parses the CLI's option texts.
enum OptionText {
    /// `2023-12-12T07:30-11:30` or `2023-12-12T07:30/2023-12-12T11:30`.
    static func parseFull(_ text: String) -> OptionInput? {
        if let slash = text.firstIndex(of: "/") {
            return OptionInput(start: String(text[..<slash]), end: String(text[text.index(after: slash)...]))
        }
        guard text.count == 22, let date = LocalDate(iso: text.prefix(10)), text.dropFirst(10).first == "T" else { return nil }
        let times = text.dropFirst(11).split(separator: "-")
        guard times.count == 2, let s = LocalTime(text: times[0]), let e = LocalTime(text: times[1]) else { return nil }
        return OptionInput(start: "\(date.iso)T\(s)", end: "\(date.iso)T\(e)")
    }

    /// `T3 07:30-11:30` (Thứ Ba) in the given week; `T2`…`T7`, `CN`.
    static func parseDay(_ text: String, week: ISOWeek) -> OptionInput? {
        let parts = text.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let day = parts[0].uppercased()
        let weekday: Int
        if day == "CN" { weekday = 7 } else if day.hasPrefix("T"), let n = Int(day.dropFirst()), (2...7).contains(n) { weekday = n - 1 } else { return nil }
        let times = parts[1].split(separator: "-")
        guard times.count == 2, let s = LocalTime(text: times[0]), let e = LocalTime(text: times[1]) else { return nil }
        let date = week.monday.adding(days: weekday - 1)
        return OptionInput(start: "\(date.iso)T\(s)", end: "\(date.iso)T\(e)")
    }

    static func draft(_ text: String) -> String? {
        ["chua", "chưa", "no", "none", ""].contains(text.lowercased()) ? nil : text
    }
}

/// `reviewcal list`.
public struct ListRequests: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "list", abstract: "Liệt kê các đăng ký của đơn vị.")
    @OptionGroup var remoteOptions: RemoteOptions
    @Option(help: "Chỉ tuần này (YYYY-Www).") var week: String?

    public func run() async throws {
        let client = try remoteOptions.client()
        let w = try week.map(parseWeek)
        let views = try await remote { () async throws(ClientError) in try await client.list(week: w) }
        if remoteOptions.json { try printJSON(views); return }
        if views.isEmpty { print("Chưa có đăng ký nào.") }
        for v in views { print(describe(v)) }
    }
}

/// `reviewcal show`.
public struct Show: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(abstract: "Xem một đăng ký và việc Văn phòng đã xếp lịch.")
    @OptionGroup var remoteOptions: RemoteOptions
    @Argument(help: "Mã đăng ký, ví dụ r-k3m9x2qa.") var id: String

    public func run() async throws {
        let client = try remoteOptions.client()
        let v = try await remote { () async throws(ClientError) in try await client.show(id: id) }
        if remoteOptions.json { try printJSON(v) } else { print(describe(v)) }
    }
}

/// `reviewcal change`.
public struct Change: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(abstract: "Sửa một đăng ký (thời gian, địa điểm khi tuần còn mở; ngày gửi dự thảo, người liên hệ, số điện thoại, ghi chú bất cứ lúc nào, kể cả sau hạn).")
    @OptionGroup var remoteOptions: RemoteOptions
    @Argument(help: "Mã đăng ký.") var id: String
    @Option(name: .customLong("option"), help: "Phương án thời gian mới (thay toàn bộ).") var options: [String] = []
    @Option(help: "Địa điểm.") var location: String?
    @Option(help: "Ngày đã gửi dự thảo (YYYY-MM-DD) hoặc \"chua\".") var draftSent: String?
    @Option(help: "Người liên hệ.") var contact: String?
    @Option(help: "Số điện thoại.") var phone: String?
    @Option(help: "Địa chỉ thư của người liên hệ: Văn phòng gửi thư mời và thư báo đổi lịch đến đây.") var email: String?
    @Option(help: "Ghi chú.") var note: String?

    public func run() async throws {
        let client = try remoteOptions.client()
        let current = try await remote { () async throws(ClientError) in try await client.show(id: id) }.request
        var parsed = current.options.map { OptionInput(start: $0.start.iso, end: $0.end.iso) }
        if !options.isEmpty {
            parsed = try options.map { text in
                guard let o = OptionText.parseFull(text) ?? OptionText.parseDay(text, week: current.week) else {
                    throw ValidationError("Phương án '\(text)' không hiểu được.")
                }
                return o
            }
        }
        let input = RegistrationInput(
            kind: current.kind.rawValue, options: parsed, location: location ?? current.location,
            draftSent: draftSent.map(OptionText.draft) ?? current.draftSent?.iso, contactName: contact ?? current.contactName,
            contactPhone: phone ?? current.contactPhone, note: note ?? current.note, after: current.after,
            contactEmail: email ?? current.contactEmail)
        let key = UUID().uuidString
        let v = try await remote { () async throws(ClientError) in try await client.change(id: id, input, idempotencyKey: key) }
        if remoteOptions.json { try printJSON(v) } else { print("Đã sửa.\n" + describe(v)) }
    }
}

/// `reviewcal withdraw`.
public struct Withdraw: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(abstract: "Rút một đăng ký (vẫn được lưu lại; buổi đã công bố sẽ bị hủy trên lịch).")
    @OptionGroup var remoteOptions: RemoteOptions
    @Argument(help: "Mã đăng ký.") var id: String

    public func run() async throws {
        let client = try remoteOptions.client()
        let v = try await remote { () async throws(ClientError) in try await client.withdraw(id: id) }
        if remoteOptions.json { try printJSON(v) } else { print("Đã rút.\n" + describe(v)) }
    }
}
