import ArgumentParser
import CellCommands

/// The cells' `reviewcal`: sign in, register, follow and change the unit's review sessions on the district's server.
///
/// It links only the client, the API's types and the argument parser: no calendar library, solver or database.
/// Installed as `reviewcal` on a cell's computer (docs/install-cell.md), so that every hint the server gives
/// (`reviewcal login …`, `reviewcal list`) reads as written.
@main
struct ReviewCalCell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviewcal",
        abstract: "Đăng ký lịch kiểm điểm của chi bộ, đảng bộ cơ sở, cơ quan, đơn vị với Văn phòng Huyện ủy.",
        discussion: """
            Bắt đầu: reviewcal login --server URL --token MÃ (mã do Văn phòng Huyện ủy cấp), rồi reviewcal status.
            Đăng ký: reviewcal register --kind cap-uy --option 2026-12-15T07:30-11:30 …; xem lại: reviewcal list, reviewcal show MÃ.
            """,
        version: "reviewcal (đơn vị)",
        subcommands: cellCommands
    )
}
