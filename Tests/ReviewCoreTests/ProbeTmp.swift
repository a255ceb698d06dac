import Foundation
@testable import ReviewCore
import Testing

func baseFiles() throws -> [String: String] {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("config-defects/valid")
    var files: [String: String] = [:]
    for f in ["district.yaml", "blocs.yaml", "locations.yaml", "members.yaml", "teams.yaml", "units.yaml", "campaigns/2023.yaml"] {
        files[f] = try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
    }
    return files
}

func probe(_ label: String, _ edit: (inout [String: String]) -> Void) throws {
    var files = try baseFiles()
    edit(&files)
    print("=== \(label)")
    do { _ = try ConfigLoader.load(files: files); print("OK") } catch { print(error) }
}

func rep(_ files: inout [String: String], _ f: String, _ a: String, _ b: String) {
    precondition(files[f]!.contains(a), "\(f): \(a)")
    files[f] = files[f]!.replacingOccurrences(of: a, with: b)
}

@Test func probeFixtures() throws {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("config-defects")
    _ = try? ConfigLoader.load(directory: root.appendingPathComponent("bad-yaml"))
    do { _ = try ConfigLoader.load(directory: root.appendingPathComponent("bad-yaml")) } catch { print(error) }
    try probe("bad id") { rep(&$0, "units.yaml", "- id: cb-van-phong", "- id: CB_Van") }
    try probe("tab") { rep(&$0, "blocs.yaml", "  name: Khối xã", "\tname: Khối xã") }
    try probe("control") { rep(&$0, "blocs.yaml", "  name: Khối xã", "  name: \"Khối\\txã\"") }
    try probe("neg travel") { rep(&$0, "locations.yaml", "minutes: 25", "minutes: -5"); rep(&$0, "district.yaml", "default: 30", "default: -1") }
    try probe("neg lead") { rep(&$0, "campaigns/2023.yaml", "leadDays: 2", "leadDays: -2"); rep(&$0, "members.yaml", "maxPerDay: 3", "maxPerDay: -1") }
    try probe("hours end before") { rep(&$0, "campaigns/2023.yaml", "\"13:30-17:00\"", "\"17:00-13:30\"") }
    try probe("bad hours") { rep(&$0, "campaigns/2023.yaml", "\"13:30-17:00\"", "13h30-17h") }
    try probe("weekday") { rep(&$0, "campaigns/2023.yaml", "[1, 2, 3, 4, 5, 6]", "[0, 2, 2, 9]") }
    try probe("starts after ends") { rep(&$0, "campaigns/2023.yaml", "ends: 2024-01-07", "ends: 2023-11-01") }
    try probe("deadline outside") { rep(&$0, "campaigns/2023.yaml", "date: 2023-12-27", "date: 2024-12-27"); rep(&$0, "campaigns/2023.yaml", "date: 2024-01-01", "date: 2025-01-01") }
    try probe("unknown refs") {
        rep(&$0, "units.yaml", "bloc: khoi-dang", "bloc: khoi-dan"); rep(&$0, "units.yaml", "location: huyen-uy", "location: huyenuy")
        rep(&$0, "members.yaml", "homeUnit: cb-van-phong", "homeUnit: cb-vp"); rep(&$0, "teams.yaml", "blocs: [khoi-dang]", "blocs: [khoi-dang, khoi-x]")
        rep(&$0, "units.yaml", "after: [ubnd-an-lac]", "after: [ubnd-an-lac, ubnd-binh-an]"); rep(&$0, "locations.yaml", "b: hoi-truong-an-lac", "b: hoi-truong-an-lac2")
    }
    try probe("suggestion no incharge") { rep(&$0, "units.yaml", "  inCharge: [m02]\n  reviewSuggestion", "  inCharge: []\n  reviewSuggestion") }
    try probe("campaign name mismatch + overlap") { $0["campaigns/2024.yaml"] = $0["campaigns/2023.yaml"]!; rep(&$0, "campaigns/2023.yaml", "id: 2023", "id: 2022") }
    try probe("overlap") { $0["campaigns/2024.yaml"] = $0["campaigns/2023.yaml"]!.replacingOccurrences(of: "id: 2023", with: "id: 2024") }
    try probe("unknown files") { $0["member.yaml"] = "x"; $0["campaigns/2024.yml"] = "x"; $0["notes.yaml"] = "" }
    try probe("dup key") { rep(&$0, "blocs.yaml", "  name: Khối xã, thị trấn", "  name: Khối xã, thị trấn\n  name: Khối xã") }
    try probe("empty + not list") { $0["blocs.yaml"] = "# nothing\n"; $0["teams.yaml"] = "id: to-01\n" }
    try probe("appliesTo") { rep(&$0, "campaigns/2023.yaml", "[cap-uy, co-quan]", "[cap-uy, coquan, cap-uy]") }
    try probe("two docs") { $0["blocs.yaml"]! += "---\n- id: x\n  name: y\n" }
    try probe("colon") { rep(&$0, "blocs.yaml", "  name: Khối xã, thị trấn", "  name: Khối: xã") }
    try probe("bool") { rep(&$0, "units.yaml", "reviewSuggestion: true", "reviewSuggestion: có") }
    try probe("list type") { rep(&$0, "units.yaml", "  inCharge: [m01]", "  inCharge: m01") }
    try probe("null req") { rep(&$0, "units.yaml", "  location: huyen-uy", "  location:") }
    try probe("calendar phone") { rep(&$0, "teams.yaml", "0900 000 004", "abc"); rep(&$0, "members.yaml", "  maxPerDay: 3", "  calendar: ftp://x/y.ics") }
    try probe("dup in list, travel dup, same") { rep(&$0, "units.yaml", "inCharge: [m01]", "inCharge: [m01, m01]"); rep(&$0, "locations.yaml", "minutes: 25}", "minutes: 25}\n  - {a: hoi-truong-an-lac, b: huyen-uy, minutes: 20}\n  - {a: huyen-uy, b: huyen-uy, minutes: 0}") }
    try probe("holiday dup, cutoff time") { rep(&$0, "campaigns/2023.yaml", "    name: Tết Dương lịch", "    name: Tết Dương lịch\n  - date: 2024-01-01\n    name: Nghỉ"); rep(&$0, "campaigns/2023.yaml", "time: \"15:00\"", "time: 15h") }
    try probe("no campaigns") { $0["campaigns/2023.yaml"] = nil }
    try probe("district fields") { $0["district.yaml"] = "id: Huyen Thu\nnme: x\ntimezone: [a]\n" }
}
