import Foundation
import ReviewCore
import Testing

/// The district configuration: the shipped sample loads whole, and every kind of defect is reported at once,
/// each at its file and line with a message that names what is wrong.
@Suite struct ConfigTests {
    /// The repository's `config/` directory, found from this file's path.
    static let sampleDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    /// `Fixtures/config-defects`: `valid/` is a tiny valid configuration, each other folder a copy of it with defects.
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("config-defects")

    /// Loads a configuration, recording its defects as an issue when it has any.
    static func loadWithoutDefects(_ directory: URL) -> District? {
        do {
            return try ConfigLoader.load(directory: directory)
        } catch {
            Issue.record("\(error)")
            return nil
        }
    }

    /// The printed defects of a configuration that must have some.
    static func defects(_ load: () throws(ConfigDefects) -> District) -> [String] {
        do {
            _ = try load()
            Issue.record("no defect reported")
            return []
        } catch {
            return error.defects.map(\.description)
        }
    }

    /// The files of the valid fixture, as text.
    static func validFiles() throws -> [String: String] {
        let names = ["district.yaml", "blocs.yaml", "locations.yaml", "members.yaml", "teams.yaml", "units.yaml", "campaigns/2023.yaml"]
        let folder = fixtures.appendingPathComponent("valid")
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) })
    }

    // MARK: The sample district

    @Test func sampleHasNoDefect() {
        #expect(Self.loadWithoutDefects(Self.sampleDirectory) != nil)
    }

    @Test func sampleHasTheExpectedShape() throws {
        let district = try #require(Self.loadWithoutDefects(Self.sampleDirectory))
        #expect(district.id == "huyen-sen-hong")
        #expect(district.zone.identifier == "Asia/Ho_Chi_Minh")
        #expect(district.members.count == 14)
        #expect(district.blocs.count == 6)
        #expect(district.teams.count == 6)
        #expect((45...60).contains(district.units.count))
        #expect(district.campaigns.map(\.id) == ["2023", "2026"])
        #expect(district.teams.filter { $0.blocs.contains("khoi-xa") }.count >= 2)
        #expect((8...12).contains(district.units.filter(\.reviewSuggestion).count))
        #expect(district.units.filter { $0.kind == .standingCommittee }.count == 1)

        let partyCommittees = district.units.filter { $0.kind == .communePartyCommittee }
        #expect(partyCommittees.count == 12)
        for committee in partyCommittees {
            let before = committee.after.compactMap(district.unit)
            #expect(before.contains { $0.kind == .peoplesCommittee && $0.location == committee.location }, "\(committee.id)")
        }
        for bloc in Set(district.units.map(\.bloc)) {
            #expect(district.teams.contains { $0.blocs.contains(bloc) }, "\(bloc)")
        }
        for member in district.members {
            #expect(district.units.contains { $0.inCharge.contains(member.id) }, "\(member.id)")
            #expect(member.homeUnit.flatMap(district.unit) != nil, "\(member.id)")
        }
        let halls = district.units.filter { $0.kind == .peoplesCommittee }.map(\.location)
        for (i, a) in halls.enumerated() {
            for b in halls[(i + 1)...] {
                #expect((15...60).contains(district.travel.minutes(a, b)), "\(a) – \(b)")
            }
        }
    }

    @Test func sampleCampaignsFollowThePlan() throws {
        let district = try #require(Self.loadWithoutDefects(Self.sampleDirectory))
        for (id, year) in [("2023", 2023), ("2026", 2026)] {
            let campaign = try #require(district.campaign(id))
            #expect(
                campaign.deadlines.map(\.date.iso) == [
                    "\(year)-12-20", "\(year)-12-22", "\(year)-12-25", "\(year)-12-27", "\(year + 1)-01-05", "\(year + 1)-01-07",
                ]
            )
            #expect(campaign.deadline(for: .partyCollective)?.date.iso == "\(year)-12-20")
            #expect(campaign.deadline(for: .individual)?.date.iso == "\(year)-12-22")
            #expect(campaign.deadline(for: .standingCommittee)?.date.iso == "\(year)-12-27")
            #expect(campaign.workingHours.map { "\($0.start)-\($0.end)" } == ["07:30-11:30", "13:30-17:00"])
            #expect(campaign.workingDays == [1, 2, 3, 4, 5, 6])
            #expect(campaign.holiday(on: LocalDate(year: year + 1, month: 1, day: 1)!)?.name == "Tết Dương lịch")
            #expect(campaign.cutoff == RegistrationWindow.standard)
            #expect(campaign.leadDays == 2)
        }
    }

    // MARK: The valid fixture

    @Test func validFixtureLoadsWithEveryField() throws {
        let district = try #require(Self.loadWithoutDefects(Self.fixtures.appendingPathComponent("valid")))
        #expect(district.name == "Huyện ủy Thử Nghiệm")
        #expect(district.travel.minutes("huyen-uy", "hoi-truong-an-lac") == 25)
        #expect(district.travel.defaultMinutes == 30)
        #expect(district.location("hoi-truong-an-lac")?.address == "Thôn Một, xã An Lạc")
        #expect(district.member("m01")?.maxPerDay == 2)
        #expect(district.member("m01")?.homeUnit == "cb-van-phong")
        #expect(district.member("m02")?.maxPerDay == 3)
        #expect(district.team("to-02")?.leaderPhone == "0900 000 004")
        let unit = try #require(district.unit("db-an-lac"))
        #expect(
            unit
                == ReviewUnit(
                    id: "db-an-lac",
                    name: "Đảng bộ xã An Lạc",
                    bloc: "khoi-xa",
                    kind: .communePartyCommittee,
                    location: "hoi-truong-an-lac",
                    inCharge: ["m02"],
                    reviewSuggestion: true,
                    after: ["ubnd-an-lac"]
                )
        )
        #expect(district.unit("cb-van-phong")?.reviewSuggestion == false)
        let campaign = try #require(district.campaign("2023"))
        #expect(campaign.starts.iso == "2023-11-27")
        #expect(campaign.deadlines.map(\.id) == ["don-vi", "ban-thuong-vu"])
        #expect(campaign.deadlines.first?.appliesTo == [.partyCollective, .agencyCollective])
    }

    @Test func filesVariantReadsTheSameDistrict() throws {
        let fromDirectory = try #require(Self.loadWithoutDefects(Self.fixtures.appendingPathComponent("valid")))
        #expect(try ConfigLoader.load(files: Self.validFiles()) == fromDirectory)
    }

    // MARK: One fixture per kind of defect

    /// A fixture folder and the defects it must report, printed.
    struct FixtureCase: Sendable, CustomTestStringConvertible {
        let folder: String
        let expected: [String]
        var testDescription: String { folder }
    }

    static let fixtureCases: [FixtureCase] = [
        FixtureCase(
            folder: "unknown-member",
            expected: [
                "units.yaml:18:14: đơn vị 'db-an-lac': trường 'inCharge': không có thành viên 'm03' trong members.yaml (có phải 'm01'?)"
            ]
        ),
        FixtureCase(
            folder: "duplicate-id",
            expected: [
                "teams.yaml:5:7: tổ công tác 'to-01': mã 'to-01' bị trùng, đã khai báo ở dòng 1"
            ]
        ),
        FixtureCase(
            folder: "bloc-without-team",
            expected: [
                "blocs.yaml:3:7: khối 'khoi-xa': có 2 đơn vị (ubnd-an-lac, db-an-lac) nhưng không có tổ công tác nào theo dõi; "
                    + "thêm 'khoi-xa' vào trường 'blocs' của một tổ trong teams.yaml"
            ]
        ),
        FixtureCase(
            folder: "deadline-out-of-order",
            expected: [
                "campaigns/2023.yaml:12:11: hạn 'ban-thuong-vu': ngày 27/12/2023 sớm hơn hạn đứng trước 'don-vi' (28/12/2023); "
                    + "xếp các hạn theo thứ tự ngày"
            ]
        ),
        FixtureCase(
            folder: "bad-yaml",
            expected: [
                "units.yaml:10:3: lỗi cú pháp YAML: thiếu dấu ':' sau tên trường [could not find expected ':']"
            ]
        ),
        FixtureCase(
            folder: "unknown-field",
            expected: [
                "members.yaml:8:3: thành viên 'm02': trường không xác định 'maxPerDya', có lẽ gõ nhầm 'maxPerDay'"
            ]
        ),
        FixtureCase(
            folder: "missing-field",
            expected: [
                "units.yaml:1:3: đơn vị 'cb-van-phong': thiếu trường bắt buộc 'location'"
            ]
        ),
        FixtureCase(
            folder: "wrong-type",
            expected: [
                "members.yaml:8:14: thành viên 'm02': trường 'maxPerDay' phải là một số nguyên, ví dụ 2, nhưng là 'ba'"
            ]
        ),
        FixtureCase(
            folder: "malformed-date",
            expected: [
                "campaigns/2023.yaml:3:9: chiến dịch '2023': trường 'starts': ngày '2023-11-31' không hợp lệ (cần dạng YYYY-MM-DD, ví dụ 2023-12-20)"
            ]
        ),
        FixtureCase(
            folder: "after-cycle",
            expected: [
                "units.yaml:13:11: đơn vị 'ubnd-an-lac': trường 'after' tạo vòng lặp ubnd-an-lac → db-an-lac → ubnd-an-lac; "
                    + "không thể xếp thứ tự kiểm điểm"
            ]
        ),
        FixtureCase(
            folder: "line-break-in-name",
            expected: [
                "blocs.yaml:2:9: khối 'khoi-dang': trường 'name' có ký tự xuống dòng; hãy viết trên một dòng"
            ]
        ),
        FixtureCase(
            folder: "invalid-utf8",
            expected: [
                "members.yaml:6:11: tệp không phải văn bản UTF-8 hợp lệ (byte lỗi ở đây); hãy lưu lại tệp với bảng mã UTF-8"
            ]
        ),
        FixtureCase(
            folder: "missing-file",
            expected: [
                "teams.yaml: thiếu tệp cấu hình teams.yaml"
            ]
        ),
        FixtureCase(
            folder: "several-files",
            expected: [
                "campaigns/2023.yaml:14:31: chiến dịch '2023': khung giờ 11:00-12:00 chồng lên khung giờ 07:30-11:30",
                "campaigns/2023.yaml:20:12: hạn đăng ký hằng tuần 'cutoff': trường 'weekday' phải từ 1 (thứ Hai) đến 7 (Chủ nhật), nhưng là 8",
                "district.yaml:3:11: huyện 'huyen-thu': múi giờ 'Asia/Ha_Noi' không phải mã IANA hợp lệ; ở Việt Nam dùng 'Asia/Ho_Chi_Minh'",
                "teams.yaml:1:3: tổ công tác 'to-01': thiếu trường bắt buộc 'leader'",
                "units.yaml:4:9: đơn vị 'cb-van-phong': trường 'kind': loại đơn vị 'chi-bo' không hợp lệ; "
                    + "dùng một trong dang-bo-xa, ubnd-xa, chi-bo-co-quan, co-quan, doan-the, cong-an, quan-su, su-nghiep, ban-thuong-vu",
                "units.yaml:6:19: đơn vị 'cb-van-phong': trường 'inCharge': không có thành viên 'm09' trong members.yaml (có phải 'm01'?)",
            ]
        ),
    ]

    @Test(arguments: fixtureCases) func fixtureReportsItsDefects(_ fixture: FixtureCase) {
        let folder = Self.fixtures.appendingPathComponent(fixture.folder)
        #expect(Self.defects { () throws(ConfigDefects) in try ConfigLoader.load(directory: folder) } == fixture.expected)
    }

    @Test func everyFixtureFolderIsTested() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(Self.fixtureCases.map(\.folder) + ["valid"]))
    }

    @Test func missingDirectoryIsOneDefect() {
        let folder = Self.fixtures.appendingPathComponent("no-such-folder")
        #expect(
            Self.defects { () throws(ConfigDefects) in try ConfigLoader.load(directory: folder) } == [
                "\(folder.path): không tìm thấy thư mục cấu hình"
            ]
        )
    }

    // MARK: More defects, as edits of the valid fixture's text

    /// A replacement of text in one file of the valid fixture (nil `old`: the whole file; nil `new`: remove the file).
    struct Edit: Sendable {
        let file: String
        let old: String?
        let new: String?
    }

    /// Edits of the valid fixture and the defects they must report, printed.
    struct EditCase: Sendable, CustomTestStringConvertible {
        let name: String
        let edits: [Edit]
        let expected: [String]
        var testDescription: String { name }
    }

    static let editCases: [EditCase] = [
        EditCase(
            name: "id not lowercase ASCII",
            edits: [Edit(file: "units.yaml", old: "- id: db-an-lac", new: "- id: Đảng_bộ")],
            expected: [
                "units.yaml:13:7: đơn vị thứ 3: trường 'id': mã 'Đảng_bộ' không hợp lệ; chỉ dùng chữ thường không dấu a-z, "
                    + "chữ số và dấu gạch nối, ví dụ 'xa-tan-may'"
            ]
        ),
        EditCase(
            name: "control character",
            edits: [Edit(file: "blocs.yaml", old: "name: Khối xã, thị trấn", new: "name: \"Khối xã,\\tthị trấn\"")],
            expected: [
                "blocs.yaml:4:9: khối 'khoi-xa': trường 'name' có ký tự điều khiển U+0009; hãy xóa ký tự đó"
            ]
        ),
        EditCase(
            name: "tab indentation",
            edits: [Edit(file: "blocs.yaml", old: "  name: Khối xã", new: "\tname: Khối xã")],
            expected: [
                "blocs.yaml:4:1: lỗi cú pháp YAML: thụt lề bằng phím Tab; hãy dùng dấu cách [found a tab character that violates indentation]"
            ]
        ),
        EditCase(
            name: "key repeated",
            edits: [Edit(file: "blocs.yaml", old: "  name: Khối xã, thị trấn", new: "  name: Khối xã, thị trấn\n  name: Khối xã")],
            expected: [
                "blocs.yaml:4:3: trường 'name' được ghi hai lần trong cùng một mục"
            ]
        ),
        EditCase(
            name: "negative numbers",
            edits: [
                Edit(file: "district.yaml", old: "default: 30", new: "default: -1"),
                Edit(file: "locations.yaml", old: "minutes: 25", new: "minutes: -5"),
                Edit(file: "members.yaml", old: "maxPerDay: 3", new: "maxPerDay: -1"),
                Edit(file: "campaigns/2023.yaml", old: "leadDays: 2", new: "leadDays: -2"),
            ],
            expected: [
                "campaigns/2023.yaml:23:11: chiến dịch '2023': trường 'leadDays' không được âm (-2)",
                "district.yaml:5:12: thời gian di chuyển: trường 'default' không được âm (-1)",
                "locations.yaml:8:50: thời gian di chuyển thứ 1: trường 'minutes' không được âm (-5)",
                "members.yaml:8:14: thành viên 'm02': trường 'maxPerDay' không được âm (-1)",
            ]
        ),
        EditCase(
            name: "working hours end before start",
            edits: [Edit(file: "campaigns/2023.yaml", old: "\"13:30-17:00\"", new: "\"17:00-13:30\"")],
            expected: [
                "campaigns/2023.yaml:14:31: chiến dịch '2023': khung giờ 17:00-13:30 kết thúc trước khi bắt đầu"
            ]
        ),
        EditCase(
            name: "working hours malformed",
            edits: [Edit(file: "campaigns/2023.yaml", old: "\"13:30-17:00\"", new: "13h30-17h")],
            expected: [
                "campaigns/2023.yaml:14:31: chiến dịch '2023': khung giờ '13h30-17h' không hợp lệ (cần dạng HH:MM-HH:MM, ví dụ 07:30-11:30)"
            ]
        ),
        EditCase(
            name: "weekdays out of range and repeated",
            edits: [Edit(file: "campaigns/2023.yaml", old: "[1, 2, 3, 4, 5, 6]", new: "[0, 2, 2, 9]")],
            expected: [
                "campaigns/2023.yaml:15:15: chiến dịch '2023': mục 1 của 'workingDays' phải từ 1 (thứ Hai) đến 7 (Chủ nhật), nhưng là 0",
                "campaigns/2023.yaml:15:21: chiến dịch '2023': ngày 2 ghi hai lần trong 'workingDays'",
                "campaigns/2023.yaml:15:24: chiến dịch '2023': mục 4 của 'workingDays' phải từ 1 (thứ Hai) đến 7 (Chủ nhật), nhưng là 9",
            ]
        ),
        EditCase(
            name: "starts after ends",
            edits: [Edit(file: "campaigns/2023.yaml", old: "ends: 2024-01-07", new: "ends: 2023-11-01")],
            expected: [
                "campaigns/2023.yaml:3:9: chiến dịch '2023': ngày bắt đầu 'starts' (27/11/2023) sau ngày kết thúc 'ends' (01/11/2023)"
            ]
        ),
        EditCase(
            name: "dates outside the campaign",
            edits: [
                Edit(file: "campaigns/2023.yaml", old: "date: 2023-12-27", new: "date: 2024-12-27"),
                Edit(file: "campaigns/2023.yaml", old: "date: 2024-01-01", new: "date: 2025-01-01"),
            ],
            expected: [
                "campaigns/2023.yaml:12:11: hạn 'ban-thuong-vu': ngày 27/12/2024 nằm ngoài thời gian chiến dịch (27/11/2023–07/01/2024)",
                "campaigns/2023.yaml:17:11: ngày nghỉ thứ 1: ngày 01/01/2025 nằm ngoài thời gian chiến dịch (27/11/2023–07/01/2024)",
            ]
        ),
        EditCase(
            name: "unknown references of every kind",
            edits: [
                Edit(file: "units.yaml", old: "bloc: khoi-dang", new: "bloc: khoi-dan"),
                Edit(file: "units.yaml", old: "location: huyen-uy", new: "location: huyenuy"),
                Edit(file: "units.yaml", old: "after: [ubnd-an-lac]", new: "after: [ubnd-an-lac, ubnd-binh-an]"),
                Edit(file: "members.yaml", old: "homeUnit: cb-van-phong", new: "homeUnit: cb-vp"),
                Edit(file: "teams.yaml", old: "blocs: [khoi-dang]", new: "blocs: [khoi-dang, khoi-x]"),
                Edit(file: "locations.yaml", old: "b: hoi-truong-an-lac", new: "b: hoi-truong-an-lac2"),
            ],
            expected: [
                "locations.yaml:8:22: thời gian di chuyển thứ 1: trường 'b': không có địa điểm 'hoi-truong-an-lac2' trong locations.yaml "
                    + "(có phải 'hoi-truong-an-lac'?)",
                "members.yaml:4:13: thành viên 'm01': trường 'homeUnit': không có đơn vị 'cb-vp' trong units.yaml",
                "teams.yaml:3:22: tổ công tác 'to-01': trường 'blocs': không có khối 'khoi-x' trong blocs.yaml (có phải 'khoi-xa'?)",
                "units.yaml:3:9: đơn vị 'cb-van-phong': trường 'bloc': không có khối 'khoi-dan' trong blocs.yaml (có phải 'khoi-dang'?)",
                "units.yaml:5:13: đơn vị 'cb-van-phong': trường 'location': không có địa điểm 'huyenuy' trong locations.yaml (có phải 'huyen-uy'?)",
                "units.yaml:20:24: đơn vị 'db-an-lac': trường 'after': không có đơn vị 'ubnd-binh-an' trong units.yaml",
            ]
        ),
        EditCase(
            name: "unit after itself",
            edits: [Edit(file: "units.yaml", old: "after: [ubnd-an-lac]", new: "after: [db-an-lac]")],
            expected: [
                "units.yaml:20:11: đơn vị 'db-an-lac': trường 'after' tạo vòng lặp db-an-lac → db-an-lac; không thể xếp thứ tự kiểm điểm"
            ]
        ),
        EditCase(
            name: "review suggestion with nobody in charge",
            edits: [
                Edit(file: "units.yaml", old: "  inCharge: [m02]\n  reviewSuggestion", new: "  inCharge: []\n  reviewSuggestion")
            ],
            expected: [
                "units.yaml:19:21: đơn vị 'db-an-lac': đơn vị có gợi ý kiểm điểm nhưng chưa phân công Ủy viên Ban Thường vụ phụ trách "
                    + "('inCharge' trống)"
            ]
        ),
        EditCase(
            name: "repeats within lists",
            edits: [
                Edit(file: "units.yaml", old: "inCharge: [m01]", new: "inCharge: [m01, m01]"),
                Edit(
                    file: "locations.yaml",
                    old: "minutes: 25}",
                    new: "minutes: 25}\n  - {a: hoi-truong-an-lac, b: huyen-uy, minutes: 20}\n  - {a: huyen-uy, b: huyen-uy, minutes: 0}"
                ),
                Edit(file: "campaigns/2023.yaml", old: "[cap-uy, co-quan]", new: "[cap-uy, coquan, cap-uy]"),
                Edit(
                    file: "campaigns/2023.yaml",
                    old: "    name: Tết Dương lịch",
                    new: "    name: Tết Dương lịch\n  - date: 2024-01-01\n    name: Nghỉ bù"
                ),
            ],
            expected: [
                "campaigns/2023.yaml:9:25: hạn 'don-vi': loại kiểm điểm 'coquan' không hợp lệ (có phải 'co-quan'?); "
                    + "dùng một trong cap-uy, lanh-dao, co-quan, dang-vien, ca-nhan, ban-thuong-vu",
                "campaigns/2023.yaml:9:33: hạn 'don-vi': 'cap-uy' ghi hai lần trong 'appliesTo'",
                "campaigns/2023.yaml:19:11: ngày nghỉ thứ 2: ngày 01/01/2024 đã khai báo ở dòng 17",
                "locations.yaml:9:5: thời gian di chuyển thứ 2: thời gian giữa 'hoi-truong-an-lac' và 'huyen-uy' đã khai báo ở dòng 8",
                "locations.yaml:10:22: thời gian di chuyển thứ 3: hai đầu 'a' và 'b' là cùng một địa điểm 'huyen-uy'",
                "units.yaml:6:19: đơn vị 'cb-van-phong': 'm01' ghi hai lần trong 'inCharge'",
            ]
        ),
        EditCase(
            name: "wrong types",
            edits: [
                Edit(file: "units.yaml", old: "reviewSuggestion: true", new: "reviewSuggestion: có"),
                Edit(file: "units.yaml", old: "  inCharge: [m01]", new: "  inCharge: m01"),
                Edit(file: "units.yaml", old: "  location: hoi-truong-an-lac\n  inCharge: [m02]\n- id", new: "  location:\n  inCharge: [m02]\n- id"),
                Edit(file: "teams.yaml", old: "0900 000 004", new: "abc"),
                Edit(file: "members.yaml", old: "  maxPerDay: 3", new: "  calendar: ftp://lich/m02.ics"),
                Edit(file: "campaigns/2023.yaml", old: "time: \"15:00\"", new: "time: 15h"),
            ],
            expected: [
                "campaigns/2023.yaml:21:9: hạn đăng ký hằng tuần 'cutoff': trường 'time': giờ '15h' không hợp lệ (cần dạng HH:MM, ví dụ 15:00)",
                "members.yaml:8:13: thành viên 'm02': trường 'calendar': 'ftp://lich/m02.ics' không phải địa chỉ https:// hợp lệ "
                    + "(hoặc ghi đường dẫn tệp .ics)",
                "teams.yaml:9:16: tổ công tác 'to-02': trường 'leaderPhone': số điện thoại 'abc' không hợp lệ, ví dụ 0912 345 678",
                "units.yaml:6:13: đơn vị 'cb-van-phong': trường 'inCharge' phải là một danh sách, ví dụ [a, b] hoặc các dòng '- a', nhưng là 'm01'",
                "units.yaml:11:12: đơn vị 'ubnd-an-lac': trường 'location' để trống",
                "units.yaml:19:21: đơn vị 'db-an-lac': trường 'reviewSuggestion' phải là true hoặc false, nhưng là 'có'",
            ]
        ),
        EditCase(
            name: "district fields",
            edits: [Edit(file: "district.yaml", old: nil, new: "id: Huyen Thu\nnme: x\ntimezone: [a]\n")],
            expected: [
                "district.yaml:1:1: huyện: thiếu trường bắt buộc 'name'",
                "district.yaml:1:5: huyện: trường 'id': mã 'Huyen Thu' không hợp lệ; chỉ dùng chữ thường không dấu a-z, "
                    + "chữ số và dấu gạch nối, ví dụ 'xa-tan-may'",
                "district.yaml:2:1: huyện: trường không xác định 'nme', có lẽ gõ nhầm 'name'",
                "district.yaml:3:11: huyện: trường 'timezone' phải là một chữ, nhưng là một danh sách",
            ]
        ),
        EditCase(
            name: "empty file and a file that is no list",
            edits: [
                Edit(file: "blocs.yaml", old: nil, new: "# chưa có khối nào\n"),
                Edit(file: "teams.yaml", old: nil, new: "id: to-01\n"),
            ],
            expected: [
                "blocs.yaml: tệp trống",
                "teams.yaml:1:1: danh sách tổ công tác phải gồm các mục bắt đầu bằng '- ', nhưng là một bảng các trường",
            ]
        ),
        EditCase(
            name: "quotation left open",
            edits: [Edit(file: "blocs.yaml", old: "  name: Khối các cơ quan Đảng", new: "  name: \"Khối các cơ quan Đảng")],
            expected: [
                "blocs.yaml:2:9: lỗi cú pháp YAML: tệp kết thúc giữa chừng (thiếu dấu ngoặc kép hoặc ngoặc đóng?) [found unexpected end of stream]"
            ]
        ),
        EditCase(
            name: "list left open",
            edits: [Edit(file: "teams.yaml", old: "  blocs: [khoi-dang]", new: "  blocs: [khoi-dang")],
            expected: [
                "teams.yaml:3:10: lỗi cú pháp YAML: thiếu dấu ',' hoặc ']' trong danh sách [ … ] [did not find expected ',' or ']']"
            ]
        ),
        EditCase(
            name: "two YAML documents",
            edits: [Edit(file: "blocs.yaml", old: "  name: Khối xã, thị trấn\n", new: "  name: Khối xã, thị trấn\n---\n- id: x\n")],
            expected: [
                "blocs.yaml:5:1: lỗi cú pháp YAML: tệp chỉ được có một tài liệu YAML (bỏ dòng '---' thừa) [but found another document]"
            ]
        ),
        EditCase(
            name: "colon inside a value",
            edits: [Edit(file: "blocs.yaml", old: "  name: Khối xã, thị trấn", new: "  name: Khối: xã")],
            expected: [
                "blocs.yaml:4:13: lỗi cú pháp YAML: dấu ':' không hợp lệ ở đây (thiếu dấu cách sau ':' hoặc giá trị có ':' cần đặt trong ngoặc kép) "
                    + "[mapping values are not allowed in this context]"
            ]
        ),
        EditCase(
            name: "campaign id declared twice",
            edits: [
                Edit(file: "campaigns/2024.yaml", old: nil, new: "COPY campaigns/2023.yaml")
            ],
            expected: [
                "campaigns/2024.yaml:1:5: chiến dịch '2023': mã '2023' bị trùng, đã khai báo ở campaigns/2023.yaml:1"
            ]
        ),
        EditCase(
            name: "campaign file named after another id",
            edits: [
                Edit(file: "campaigns/2023.yaml", old: "id: 2023", new: "id: 2022")
            ],
            expected: [
                "campaigns/2023.yaml:1:5: chiến dịch '2022': mã '2022' khác tên tệp '2023.yaml'; đặt tên tệp theo mã chiến dịch"
            ]
        ),
        EditCase(
            name: "campaign periods overlapping",
            edits: [
                Edit(file: "campaigns/2024.yaml", old: nil, new: "COPY campaigns/2023.yaml"),
                Edit(file: "campaigns/2024.yaml", old: "id: 2023", new: "id: 2024"),
            ],
            expected: [
                "campaigns/2024.yaml:1:5: chiến dịch '2024': thời gian 27/11/2023–07/01/2024 chồng lên chiến dịch '2023' (27/11/2023–07/01/2024)"
            ]
        ),
        EditCase(
            name: "no campaign, unused files",
            edits: [
                Edit(file: "campaigns/2023.yaml", old: nil, new: nil),
                Edit(file: "campaigns/2023.yml", old: nil, new: "id: 2023\n"),
                Edit(file: "member.yaml", old: nil, new: "[]\n"),
                Edit(file: "notes.yaml", old: nil, new: "\n"),
            ],
            expected: [
                "campaigns: chưa có chiến dịch nào; thêm một tệp campaigns/<năm>.yaml",
                "campaigns/2023.yml: tệp không được dùng; đổi đuôi tệp thành .yaml",
                "member.yaml: tệp không được dùng; có phải members.yaml?",
                "notes.yaml: tệp không được dùng; các tệp cấu hình là district.yaml, blocs.yaml, locations.yaml, members.yaml, teams.yaml, "
                    + "units.yaml và campaigns/*.yaml",
            ]
        ),
        EditCase(
            name: "registrable kinds: unknown unit kind, unknown and repeated review kinds",
            edits: [
                Edit(
                    file: "district.yaml", old: "  default: 30\n",
                    new: "  default: 30\nregistrableKinds:\n  chi-bo-co-quam: [cap-uy]\n  dang-bo-xa: [cap-uy, dang-vein]\n  ubnd-xa: [co-quan, co-quan]\n")
            ],
            expected: [
                "district.yaml:7:3: huyện 'huyen-thu': trường 'registrableKinds': loại đơn vị 'chi-bo-co-quam' không có (có phải 'chi-bo-co-quan'?); "
                    + "dùng một trong dang-bo-xa, ubnd-xa, chi-bo-co-quan, co-quan, doan-the, cong-an, quan-su, su-nghiep, ban-thuong-vu",
                "district.yaml:8:24: huyện 'huyen-thu': trường 'registrableKinds', loại đơn vị 'dang-bo-xa': loại kiểm điểm 'dang-vein' không có "
                    + "(có phải 'dang-vien'?); dùng một trong cap-uy, lanh-dao, co-quan, dang-vien, ca-nhan, ban-thuong-vu",
                "district.yaml:9:22: huyện 'huyen-thu': trường 'registrableKinds', loại đơn vị 'ubnd-xa': 'co-quan' ghi hai lần",
            ]
        ),
        EditCase(
            name: "session minimum longer than a working period",
            edits: [Edit(file: "campaigns/2023.yaml", old: "leadDays: 2", new: "leadDays: 2\nminSessionMinutes: 300")],
            expected: [
                "campaigns/2023.yaml:24:20: chiến dịch '2023': trường 'minSessionMinutes' (300 phút) dài hơn khung giờ làm việc dài nhất "
                    + "07:30-11:30 (240 phút): không buổi kiểm điểm nào đăng ký được"
            ]
        ),
        EditCase(
            name: "session minimum of zero",
            edits: [Edit(file: "campaigns/2023.yaml", old: "leadDays: 2", new: "leadDays: 2\nminSessionMinutes: 0")],
            expected: ["campaigns/2023.yaml:24:20: chiến dịch '2023': trường 'minSessionMinutes' phải từ 1 trở lên (0)"]
        ),
    ]

    @Test func registrableKindsFollowThePlanByDefault() throws {
        let sample = try #require(Self.loadWithoutDefects(Self.sampleDirectory))
        let valid = try ConfigLoader.load(files: Self.validFiles())
        for district in [sample, valid] {
            // Only the Standing Committee registers its own review, and it registers nothing else.
            for kind in UnitKind.allCases {
                #expect(district.kinds(registrableBy: kind).contains(.standingCommittee) == (kind == .standingCommittee), "\(kind)")
            }
            #expect(district.kinds(registrableBy: .standingCommittee) == [.standingCommittee])
            #expect(district.kinds(registrableBy: .agencyCell).first == .partyCollective)
            #expect(district.kinds(registrableBy: .peoplesCommittee).first == .agencyCollective)
            #expect(!district.kinds(registrableBy: .peoplesCommittee).contains(.partyMembers))
            #expect(district.campaigns.allSatisfy { $0.minSessionMinutes == 60 })
        }
        // The valid fixture says nothing: the defaults. The sample spells them out: the same.
        #expect(valid.registrableKinds.isEmpty)
        for kind in UnitKind.allCases { #expect(sample.kinds(registrableBy: kind) == kind.defaultRegistrableKinds, "\(kind)") }
        // A configured list replaces its unit kind's default; `[]` allows nothing.
        var files = try Self.validFiles()
        files["district.yaml"]! += "registrableKinds:\n  doan-the: []\n  ubnd-xa: [co-quan]\n"
        let edited = try ConfigLoader.load(files: files)
        #expect(edited.kinds(registrableBy: .massOrganisation) == [])
        #expect(edited.kinds(registrableBy: .peoplesCommittee) == [.agencyCollective])
        #expect(edited.kinds(registrableBy: .agencyCell) == UnitKind.agencyCell.defaultRegistrableKinds)
    }

    @Test(arguments: editCases) func editedFixtureReportsItsDefects(_ edited: EditCase) throws {
        var files = try Self.validFiles()
        for edit in edited.edits {
            switch (edit.old, edit.new) {
            case (nil, nil):
                files[edit.file] = nil
            case (nil, let new?) where new.hasPrefix("COPY "):
                files[edit.file] = files[String(new.dropFirst(5))]
            case (nil, let new?):
                files[edit.file] = new
            case (let old?, let new?):
                let text = try #require(files[edit.file])
                try #require(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in \(edit.file)")
                files[edit.file] = text.replacingOccurrences(of: old, with: new)
            case (_?, nil):
                Issue.record("an edit that replaces text needs the new text")
            }
        }
        let loaded = files
        #expect(Self.defects { () throws(ConfigDefects) in try ConfigLoader.load(files: loaded) } == edited.expected)
    }

    // MARK: Defect values

    @Test func defectsPrintLikeCompilerMessagesAndSortByFileAndLine() {
        let defects = ConfigDefects([
            ConfigDefect(file: "units.yaml", line: 12, column: 5, message: "b"),
            ConfigDefect(file: "blocs.yaml", line: 0, column: 0, message: "tệp trống"),
            ConfigDefect(file: "units.yaml", line: 3, column: 9, message: "a"),
            ConfigDefect(file: "units.yaml", line: 3, column: 9, message: "a"),
        ])
        #expect(defects.defects.map(\.description) == ["blocs.yaml: tệp trống", "units.yaml:3:9: a", "units.yaml:12:5: b"])
        #expect(defects.description == "blocs.yaml: tệp trống\nunits.yaml:3:9: a\nunits.yaml:12:5: b\nCấu hình có 3 lỗi.")
    }
}

/// `ConfigReport` places each finding beside the entry it concerns, for the office's district page.
@Suite struct ConfigReportTests {
    /// A copy of the sample `config/` in which two files are not valid YAML (a quotation left open, a `[ … ]` left open)
    /// and four others have mistakes in their values: every defect of every file is reported, at the line where the
    /// mistake is written, and the total is printed once, after them.
    @Test func syntaxErrorsHideNoDefectOfTheOtherFiles() throws {
        let folder = try Self.sampleCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let url = folder.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            try #require(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in \(file)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        /// `file:line:column` of the first occurrence of `text` in `file` (after the edits), its column counted from 1.
        func at(_ file: String, _ text: String, offset: Int = 0) throws -> String {
            let lines = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.contains(text) }, "'\(text)' in \(file)")
            let column = lines[index].unicodeScalars.distance(
                from: lines[index].unicodeScalars.startIndex, to: try #require(lines[index].range(of: text)).lowerBound)
            return "\(file):\(index + 1):\(column + 1 + offset)"
        }
        // Not YAML: libyaml notices both where the next field or the end of the file comes, not where the mistake is.
        try edit("units.yaml", "  name: Chi bộ Văn phòng Huyện ủy\n", "  name: \"Chi bộ Văn phòng Huyện ủy\n")
        try edit("campaigns/2023.yaml", "    appliesTo: [ca-nhan]\n", "    appliesTo: [ca-nhan\n")
        // Mistakes in values.
        try edit("district.yaml", "timezone: Asia/Ho_Chi_Minh ", "timezone: Asia/Ha_Noi     ")
        try edit("members.yaml", "  name: Nguyễn Thị Thu Hà\n", "  name: Nguyễn Thị Thu Hà\n  maxPerDay: ba\n")
        try edit("teams.yaml", "  blocs: [khoi-dang]\n", "  blocs: [khoi-dnag]\n  leder: x\n")
        try edit("campaigns/2026.yaml", "    tracks: ho-so ", "    tracks: hoso  ")

        let expected = [
            "\(try at("campaigns/2023.yaml", "[ca-nhan")): lỗi cú pháp YAML: thiếu dấu ',' hoặc ']' trong danh sách [ … ] "
                + "[did not find expected ',' or ']']",
            "\(try at("campaigns/2026.yaml", "hoso")): hạn 'nop-ho-so': 'hoso' không hợp lệ (có phải 'ho-so'?); dùng ho-so hoặc bỏ trống",
            "\(try at("district.yaml", "Asia/Ha_Noi")): huyện 'huyen-sen-hong': múi giờ 'Asia/Ha_Noi' không phải mã IANA hợp lệ; "
                + "ở Việt Nam dùng 'Asia/Ho_Chi_Minh'",
            "\(try at("members.yaml", "maxPerDay: ba", offset: 11)): thành viên 'm02': trường 'maxPerDay' phải là một số nguyên, ví dụ 2, nhưng là 'ba'",
            "\(try at("teams.yaml", "khoi-dnag")): tổ công tác 'to-01': trường 'blocs': không có khối 'khoi-dnag' trong blocs.yaml "
                + "(có phải 'khoi-dang'?)",
            "\(try at("teams.yaml", "leder")): tổ công tác 'to-01': trường không xác định 'leder', có lẽ gõ nhầm 'leader'",
            "\(try at("units.yaml", "\"Chi bộ Văn phòng")): lỗi cú pháp YAML: tệp kết thúc giữa chừng (thiếu dấu ngoặc kép hoặc ngoặc đóng?) "
                + "[found unexpected end of stream]",
        ]
        let report = ConfigReport.check(directory: folder)
        #expect(report.district == nil)
        #expect(report.defects.map(\.description) == expected)
        #expect(report.total == "Cấu hình có 7 lỗi.")
        // What `reviewcal config check` prints: the defects, then the total once.
        #expect(report.printed == (expected + ["Cấu hình có 7 lỗi."]).joined(separator: "\n"))
        #expect(report.printed.components(separatedBy: "lỗi.").count == 2)
        // The office's district page shows the syntax errors with their file, the others beside their entries.
        #expect(report.defects(outsideEntriesOf: "units.yaml").map(\.description) == [expected[6]])
        #expect(report.defects(file: "teams.yaml", id: "to-01").count == 2)
        #expect(report.defects(file: "members.yaml", id: "m02").count == 1)
    }

    /// The same directory as `reviewcal config check` sees it, when the command is built beside the tests: it prints
    /// ``ConfigReport/printed`` on standard error and fails.
    @Test(.enabled(if: ConfigReportTests.command != nil)) func configCheckPrintsEveryDefectAndTheTotalOnce() throws {
        let folder = try Self.sampleCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let units = folder.appendingPathComponent("units.yaml")
        let text = try String(contentsOf: units, encoding: .utf8)
        try text.replacingOccurrences(of: "  name: Chi bộ Văn phòng Huyện ủy\n", with: "  name: \"Chi bộ Văn phòng Huyện ủy\n")
            .write(to: units, atomically: true, encoding: .utf8)
        let members = folder.appendingPathComponent("members.yaml")
        try String(contentsOf: members, encoding: .utf8).replacingOccurrences(of: "  maxPerDay: 3\n", with: "  maxPerDay: ba\n")
            .write(to: members, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = Self.command
        process.arguments = ["config", "check", folder.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let report = ConfigReport.check(directory: folder)
        #expect(report.defects.count >= 2)
        #expect(printed == report.printed + "\n")
        #expect(printed.components(separatedBy: "lỗi.").count == 2)
    }

    /// The built `reviewcal`, beside the test bundle; nil when it is not there.
    static let command: URL? = {
        var folder = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("reviewcal")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    /// A copy of the sample `config/` in a new temporary folder.
    static func sampleCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-check-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ConfigTests.sampleDirectory, to: folder)
        return folder
    }

    @Test func findingsSitBesideTheirEntries() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-report-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clean = ConfigReport.check(directory: folder)
        #expect(clean.defects.isEmpty)
        #expect(clean.district?.units.count == 54)
        #expect(clean.entries["units.yaml"]?.count == 54)
        #expect(clean.entries["campaigns/2026.yaml"]?.map(\.id).contains("nop-ho-so") == true)

        let teams = folder.appendingPathComponent("teams.yaml")
        let text = try String(contentsOf: teams, encoding: .utf8).replacingOccurrences(of: "  leaderPhone: 0900 000 102\n", with: "  leaderPhone: 0900 000 102\n  maxPerDay: nhieu\n")
        try text.write(to: teams, atomically: true, encoding: .utf8)
        let campaign = folder.appendingPathComponent("campaigns/2026.yaml")
        let c = try String(contentsOf: campaign, encoding: .utf8).replacingOccurrences(of: "    tracks: ho-so", with: "    tracks: hoso")
        try c.write(to: campaign, atomically: true, encoding: .utf8)
        let broken = ConfigReport.check(directory: folder)
        #expect(broken.district == nil)
        #expect(broken.defects.count == 2)
        #expect(broken.defects(file: "teams.yaml", id: "to-02").count == 1)
        #expect(broken.defects(file: "teams.yaml", id: "to-01").isEmpty)
        #expect(broken.defects(file: "teams.yaml", id: "to-03").isEmpty)
        let tracks = broken.defects(file: "campaigns/2026.yaml", id: "nop-ho-so")
        #expect(tracks.count == 1)
        #expect(tracks.first?.message.contains("có phải 'ho-so'") == true || tracks.first?.message.contains("ho-so") == true)
        #expect(broken.defects(outsideEntriesOf: "campaigns/2026.yaml").isEmpty)
    }
}
