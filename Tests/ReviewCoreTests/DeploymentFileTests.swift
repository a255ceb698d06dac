import Foundation
import ReviewCore
import Testing

/// The districts file of a deployment (`reviewcal serve --districts`): hosts, config folders, addresses, and every
/// defect named with its place.
@Suite struct DeploymentFileTests {
    let base = URL(fileURLWithPath: "/etc/reviewcal")

    @Test func readsEachDistrictWithItsHostFolderAndAddress() throws {
        let file = try DeploymentFile.parse("""
            districts:
              - host: Sen-Hong.Lich.Example.VN
                config: districts/sen-hong
              - host: lua-vang.lich.example.vn
                config: /srv/lua-vang
                publicURL: https://lich.lua-vang.example.vn/
            """, file: "districts.yaml", base: base)
        #expect(file.entries.map(\.host) == ["sen-hong.lich.example.vn", "lua-vang.lich.example.vn"])
        #expect(file.entries.map(\.config.path) == ["/etc/reviewcal/districts/sen-hong", "/srv/lua-vang"])
        // By default the address is https on the host name; a trailing slash is dropped.
        #expect(file.entries.map(\.publicURL) == ["https://sen-hong.lich.example.vn", "https://lich.lua-vang.example.vn"])
    }

    @Test func theSampleFileOfTheDeployFolderIsValid() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/districts.yaml")
        let file = try DeploymentFile.load(url)
        #expect(file.entries.count == 2)
        #expect(Set(file.entries.map(\.host)).count == 2)
    }

    @Test func everyDefectIsNamedWithItsPlace() {
        do {
            _ = try DeploymentFile.parse("""
                districts:
                  - host: a.example.vn
                    config: a
                  - host: A.example.vn
                    config: b
                  - host: "c.example.vn:8080"
                    config: c
                  - host: d.example.vn
                  - host: e.example.vn
                    config: e
                    port: 80
                    publicURL: ftp://e.example.vn
                extra: 1
                """, file: "districts.yaml", base: base)
            Issue.record("a file with defects was accepted")
        } catch let problem as DeploymentFile.Problem {
            #expect(problem.defects == [
                "khóa 'extra' không được biết (chỉ có 'districts')",
                "districts[1].host: 'a.example.vn' đã dùng cho districts[0]",
                "districts[2].host: 'c.example.vn:8080' không phải tên máy (chữ a-z, chữ số, '-' và '.', không có cổng)",
                "districts[3].config: thiếu thư mục cấu hình của huyện",
                "districts[4].port: khóa không được biết (có host, config, publicURL)",
                "districts[4].publicURL: 'ftp://e.example.vn' không hợp lệ (cần dạng https://tên-máy)",
            ])
            #expect(problem.description.hasPrefix("Tệp danh sách huyện 'districts.yaml' có lỗi:\n  - "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func notYAMLOrNoListIsOneClearDefect() {
        #expect(throws: DeploymentFile.Problem.self) { try DeploymentFile.parse("districts: [", file: "x.yaml", base: base) }
        do {
            _ = try DeploymentFile.parse("huyen: a", file: "x.yaml", base: base)
        } catch let problem as DeploymentFile.Problem {
            #expect(problem.defects == ["cần khóa 'districts' chứa danh sách các huyện (host, config)"])
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: DeploymentFile.Problem.self) { try DeploymentFile.load(URL(fileURLWithPath: "/khong/co/tep.yaml")) }
    }
}
