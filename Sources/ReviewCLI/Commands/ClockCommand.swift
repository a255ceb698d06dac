import ArgumentParser
import CellCommands
import Foundation
import ReviewService
import ReviewStore

/// `reviewcal admin clock …`: the rehearsal clock kept with the data.
struct ClockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock",
        abstract: "Đồng hồ diễn tập lưu cùng dữ liệu: xem, hoặc trở về đồng hồ thật.",
        discussion: """
            reviewcal serve --rehearsal-clock GIỜ đặt đồng hồ diễn tập và lưu nó cùng dữ liệu: máy chủ và mọi lệnh của \
            Văn phòng trên cùng dữ liệu đọc cùng một giờ, kể cả khi máy chủ khởi động lại không có --rehearsal-clock.
            """,
        subcommands: [Show.self, Real.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cho biết dữ liệu đang theo đồng hồ thật hay đồng hồ diễn tập.")
        @OptionGroup var local: LocalOptions

        func run() async throws {
            try await local.withService { service in
                guard let clock = try await RehearsalClock.load(from: service.store) else {
                    print("Dữ liệu theo đồng hồ thật.")
                    return
                }
                print("Dữ liệu theo đồng hồ diễn tập: bây giờ là \(service.district.zone.local(clock.now()).dateTime.vietnamese) (giờ Việt Nam).")
                print("Trở về đồng hồ thật: reviewcal admin clock real.")
            }
        }
    }

    struct Real: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kết thúc diễn tập: dữ liệu trở về đồng hồ thật; máy chủ đang chạy cũng trở về giờ thật trong vòng 5 giây.")
        @OptionGroup var local: LocalOptions

        func run() async throws {
            try await local.withService { service in
                if try await RehearsalClock.end(in: service.store) {
                    print("Đã trở về đồng hồ thật; máy chủ đang chạy trên dữ liệu này cũng trở về giờ thật trong vòng 5 giây.")
                } else {
                    print("Dữ liệu đã theo đồng hồ thật.")
                }
            }
        }
    }
}
