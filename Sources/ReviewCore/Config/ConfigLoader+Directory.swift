import Foundation

extension ConfigLoader {
    /// The YAML files of a configuration directory (top level and `campaigns/`), as text keyed by relative path,
    /// and the defects of those that could not be read as UTF-8 text.
    static func readDirectory(_ directory: URL) -> (files: [String: String], defects: [ConfigDefect]) {
        var files: [String: String] = [:]
        var defects: [ConfigDefect] = []
        for path in yamlFiles(in: directory, prefix: "") + yamlFiles(in: directory, prefix: ConfigFileName.campaignsFolder + "/") {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path) else {
                defects.append(ConfigPosition.whole(path).defect("không đọc được tệp"))
                continue
            }
            if let text = String(validating: data, as: UTF8.self) {
                files[path] = text
            } else {
                let at = invalidUTF8Position(in: data)
                defects.append(
                    ConfigDefect(
                        file: path,
                        line: at.line,
                        column: at.column,
                        message: "tệp không phải văn bản UTF-8 hợp lệ (byte lỗi ở đây); "
                            + "hãy lưu lại tệp với bảng mã UTF-8"
                    )
                )
            }
        }
        return (files, defects)
    }

    /// The relative paths of the `.yaml` and `.yml` files directly inside `prefix` (empty: the top level), hidden files left out.
    private static func yamlFiles(in directory: URL, prefix: String) -> [String] {
        let folder = prefix.isEmpty ? directory : directory.appendingPathComponent(prefix)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.map { prefix + $0 }.sorted()
    }

    /// The line and column (in Unicode scalars, from 1) of the first byte that is not valid UTF-8.
    static func invalidUTF8Position(in data: Data) -> (line: Int, column: Int) {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var line = 1
        var column = 1
        while case .valid(let scalar) = parser.parseScalar(from: &bytes) {
            if scalar.count == 1, scalar.first == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
