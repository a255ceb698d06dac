import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Input that never gets through half-checked: invisible and direction-changing characters refused in every text
/// field, naming it; NFC through a public API; strict JSON bodies (415, repeated and unknown keys). Nothing refused is
/// stored.
@Suite struct InputStrictnessTests {
    static let option = OptionInput(start: "2023-12-12T07:30", end: "2023-12-12T11:30")
    static let input = RegistrationInput(kind: "cap-uy", options: [option], contactName: "Nguyễn Văn Tâm", contactPhone: "0912 000 111", note: "Ghi chú")

    /// Characters people paste without seeing them: direction embeddings and overrides, isolates, zero-width space,
    /// joiners, marks, the word joiner, the byte-order mark, the soft hyphen.
    static let invisible: [Unicode.Scalar] = [
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{2060}", "\u{FEFF}", "\u{00AD}",
    ]

    func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    func error(_ buffer: ByteBuffer) -> ReviewError {
        (try? JSONDecoder().decode(ReviewError.self, from: Data(buffer.readableBytesView))) ?? ReviewError(ErrorCode(rawValue: ""), "")
    }

    func count(_ world: TestWorld) async throws -> Int {
        try await world.service.store.read { tx in try await tx.requests(district: world.service.district.id).count }
    }

    @Test func invisibleCharactersAreRefusedInEveryRegistrationField() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let fields: [(name: String, label: String, set: (inout RegistrationInput, String) -> Void)] = [
            ("contactName", "Người liên hệ", { $0.contactName = $1 }),
            ("contactPhone", "Số điện thoại", { $0.contactPhone = $1 }),
            ("note", "Ghi chú", { $0.note = $1 }),
        ]
        for scalar in Self.invisible {
            for field in fields {
                var input = Self.input
                input.unit = "cb-ban-to-chuc"
                field.set(&input, field.name == "contactPhone" ? "0912\(Character(scalar))000 111" : "Nguyễn\(Character(scalar)) Văn Tâm")
                do {
                    _ = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil)
                    Issue.record("U+\(String(scalar.value, radix: 16)) in \(field.name) was accepted")
                } catch let failure as ReviewError {
                    let detail = try #require(failure.details.first { $0.field == field.name }, "\(failure)")
                    #expect(detail.code == "invisible-character")
                    #expect(detail.message.contains("ký tự ẩn U+"), "\(detail.message)")
                }
            }
        }
        #expect(try await count(world) == 0)
        // Vietnamese typed with combining marks is stored composed (NFC).
        var decomposed = Self.input
        decomposed.unit = "cb-ban-to-chuc"
        decomposed.contactName = "Nguye\u{0302}\u{0303}n Va\u{0306}n Ta\u{0302}m"
        _ = try await world.service.register(decomposed, by: .office("vp"), idempotencyKey: nil)
        let stored = try #require(try await world.service.store.read { tx in try await tx.requests(district: world.service.district.id) }.first)
        #expect(stored.contactName == "Nguyễn Văn Tâm")
        #expect(Array(stored.contactName!.unicodeScalars).count == 14)
    }

    @Test func invisibleCharactersAreRefusedInTheOfficeFields() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let rlo = "\u{202E}"
        await #expect { try await world.service.addUser(login: "thu-ha", name: "Lê Thu\(rlo) Hà", role: .office, password: "mật khẩu đủ dài 123", by: "office:vp") } throws: {
            ($0 as? ReviewError)?.code.rawValue == "invisible-character" && ($0 as? ReviewError)?.message.hasPrefix("Họ tên") == true
        }
        await #expect { try await world.service.addNote(unit: "cb-ban-to-chuc", text: "Đã nhắc\u{200B}", by: "office:vp") } throws: {
            ($0 as? ReviewError)?.code.rawValue == "invisible-character" && ($0 as? ReviewError)?.message.hasPrefix("Ghi chú") == true
        }
        await #expect { try await world.service.cancel(request: "r-none", reason: "Đổi lịch\u{2066} vì họp", by: "office:vp") } throws: {
            ($0 as? ReviewError)?.code.rawValue == "invisible-character" && ($0 as? ReviewError)?.message.hasPrefix("Lý do") == true
        }
        #expect(try await world.service.users().isEmpty)
    }

    @Test func textCheckNamesTheKindOfCharacter() {
        #expect(Text.forbiddenCharacter(in: "a\u{202E}b", allowNewlines: false)?.isInvisible == true)
        #expect(Text.forbiddenCharacter(in: "a\u{202E}b", allowNewlines: false)?.codePoint == "U+202E")
        #expect(Text.forbiddenCharacter(in: "a\tb", allowNewlines: false)?.code == "control-character")
        #expect(Text.forbiddenCharacter(in: "a\nb", allowNewlines: true) == nil)
        #expect(Text.forbiddenCharacter(in: "a\u{2028}b", allowNewlines: true) != nil)
        #expect(Text.forbiddenCharacter(in: "Nguyễn Văn Tâm – “Ban” …", allowNewlines: false) == nil)
        for scalar in Self.invisible {
            #expect(Text.forbiddenCharacter(in: "x\(Character(scalar))y", allowNewlines: true)?.isInvisible == true, "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func configurationNamesWithInvisibleCharactersAreDefects() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: TestWorld.repoRoot.appendingPathComponent("config"), to: folder)
        let blocs = folder.appendingPathComponent("blocs.yaml")
        let text = try String(contentsOf: blocs, encoding: .utf8)
        let line = try #require(text.components(separatedBy: "\n").firstIndex { $0.contains("name:") })
        var lines = text.components(separatedBy: "\n")
        lines[line] = lines[line].replacingOccurrences(of: "name: ", with: "name: \u{200B}")
        try lines.joined(separator: "\n").write(to: blocs, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(directory: folder)
            Issue.record("a zero-width space in a name was accepted")
        } catch {
            #expect(error.description.contains("blocs.yaml:\(line + 1):"), "\(error.description)")
            #expect(error.description.contains("ký tự ẩn U+200B"))
        }
    }

    @Test func jsonBodiesAreStrict() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let (_, token) = try await world.service.issueToken(unit: "cb-ban-to-chuc", label: "t", by: "office:test")
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        let good = #"{"kind":"cap-uy","options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"}]}"#
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        @Sendable func with(_ type: String?) -> HTTPFields {
            var h = auth
            if let type { h[.contentType] = type }
            return h
        }
        try await app.test(.router) { client in
            for type in [nil, "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/json; charset=latin1"] as [String?] {
                try await client.execute(uri: "/v1/requests", method: .post, headers: with(type), body: body(good)) { r in
                    #expect(r.status == .unsupportedMediaType, "\(type ?? "none")")
                    #expect(error(r.body).code == "unsupported-media-type")
                }
            }
            let cases: [(String, String, String)] = [
                (#"{"kind":"cap-uy","kind":"ban-thuong-vu","options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"}]}"#, "duplicate-key", "kind"),
                (#"{"kind":"cap-uy","kin\u0064":"cap-uy","options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"}]}"#, "duplicate-key", "kind"),
                (#"{"kind":"cap-uy","contactPhon":"0912","options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"}]}"#, "unknown-field", "contactPhon"),
                (#"{"kind":"cap-uy","options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"},{"start":"2023-12-13T13:30","end":"2023-12-13T17:00","room":"1"}]}"#, "unknown-field", "options[1].room"),
                (#"{"kind":"cap-uy","options":[{"start":"2023-12-12T07:30","start":"2023-12-12T08:30","end":"2023-12-12T11:30"}]}"#, "duplicate-key", "options[0].start"),
                (#"{"kind":"cap-uy","note":null,"extra":null,"options":[{"start":"2023-12-12T07:30","end":"2023-12-12T11:30"}]}"#, "unknown-field", "extra"),
            ]
            for (text, code, key) in cases {
                try await client.execute(uri: "/v1/requests", method: .post, headers: with("application/json"), body: body(text)) { r in
                    #expect(r.status == .badRequest, "\(text)")
                    let e = error(r.body)
                    #expect(e.code.rawValue == code, "\(text)")
                    #expect(e.message.contains("'\(key)'"), "\(e.message)")
                    #expect(e.details.first?.field == key)
                }
            }
            #expect(try await count(world) == 0)
            try await client.execute(uri: "/v1/requests", method: .post, headers: with("application/json; charset=utf-8"), body: body(good)) { r in
                #expect(r.status == .created)
            }
            #expect(try await count(world) == 1)
        }
    }

    @Test func strictJSONScanner() {
        let known: [String: Set<String>] = ["": ["a", "b", "list"], "list[]": ["x"]]
        #expect(StrictJSON.firstProblem(in: Array(#"{"a":1,"b":{"a":1,"a":2}}"#.utf8), known: known)?.path == "b.a")
        #expect(StrictJSON.firstProblem(in: Array(#"{"a":"}\"{","b":[1,{"z":1}]}"#.utf8), known: known) == nil)
        #expect(StrictJSON.firstProblem(in: Array(#"{"list":[{"x":1},{"y":2}]}"#.utf8), known: known) == StrictJSON.Problem(path: "list[1].y", repeated: false, allowed: ["x"]))
        #expect(StrictJSON.firstProblem(in: Array(#" { "a" : 1 , "c" : true } "#.utf8), known: known)?.path == "c")
        #expect(StrictJSON.firstProblem(in: Array(#"{"\u0061":1,"a":2}"#.utf8), known: known) == StrictJSON.Problem(path: "a", repeated: true, allowed: []))
    }
}
