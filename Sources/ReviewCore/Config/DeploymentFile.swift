import Foundation
internal import Yams

/// The districts one deployment serves (`reviewcal serve --districts FILE`): each district keeps its own config
/// folder, and a request reaches the district whose host name it was sent to.
///
/// ```yaml
/// districts:
///   - host: sen-hong.lich.example.vn
///     config: /etc/reviewcal/districts/sen-hong
///     publicURL: https://sen-hong.lich.example.vn   # optional, default https://HOST
/// ```
public struct DeploymentFile: Sendable, Equatable {
    /// One district of the deployment.
    public struct Entry: Sendable, Equatable {
        /// The host name its users reach it by, lower case, without a port.
        public var host: String
        /// Its config folder (relative paths are read from the file's folder).
        public var config: URL
        /// The address people use, from which feed and office links are built.
        public var publicURL: String
    }

    public var entries: [Entry]

    /// What is wrong with the file, every defect with its place.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var defects: [String]
        public var description: String { "Tệp danh sách huyện '\(file)' có lỗi:\n" + defects.map { "  - \($0)" }.joined(separator: "\n") }
    }

    /// Reads the file at `url`.
    public static func load(_ url: URL) throws -> DeploymentFile {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw Problem(file: url.path, defects: ["không đọc được tệp (không có, không có quyền đọc, hoặc không phải UTF-8)"])
        }
        return try parse(text, file: url.path, base: url.deletingLastPathComponent())
    }

    /// Parses the text of a districts file; relative config paths are taken from `base`.
    public static func parse(_ text: String, file: String, base: URL) throws -> DeploymentFile {
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch let error as YamlError {
            throw Problem(file: file, defects: ["YAML không hợp lệ: \(error)"])
        } catch {
            throw Problem(file: file, defects: ["YAML không hợp lệ: \(error)"])
        }
        guard let top = node as? [String: Any], let list = top["districts"] as? [Any] else {
            throw Problem(file: file, defects: ["cần khóa 'districts' chứa danh sách các huyện (host, config)"])
        }
        var defects: [String] = []
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for unknown in top.keys.sorted() where unknown != "districts" {
            defects.append("khóa '\(unknown)' không được biết (chỉ có 'districts')")
        }
        if list.isEmpty { defects.append("'districts' trống: cần ít nhất một huyện") }
        for (index, item) in list.enumerated() {
            let place = "districts[\(index)]"
            guard let map = item as? [String: Any] else {
                defects.append("\(place): cần các khóa host và config")
                continue
            }
            for unknown in map.keys.sorted() where !["host", "config", "publicURL"].contains(unknown) {
                defects.append("\(place).\(unknown): khóa không được biết (có host, config, publicURL)")
            }
            guard let rawHost = map["host"] as? String, !rawHost.isEmpty else {
                defects.append("\(place).host: thiếu tên máy (ví dụ sen-hong.lich.example.vn)")
                continue
            }
            let host = rawHost.lowercased()
            guard host.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }), !host.hasPrefix("."), !host.hasSuffix(".") else {
                defects.append("\(place).host: '\(rawHost)' không phải tên máy (chữ a-z, chữ số, '-' và '.', không có cổng)")
                continue
            }
            if let first = seen[host] {
                defects.append("\(place).host: '\(host)' đã dùng cho districts[\(first)]")
                continue
            }
            seen[host] = index
            guard let config = map["config"] as? String, !config.isEmpty else {
                defects.append("\(place).config: thiếu thư mục cấu hình của huyện")
                continue
            }
            let folder = config.hasPrefix("/") ? URL(fileURLWithPath: config) : base.appendingPathComponent(config)
            let publicURL = (map["publicURL"] as? String) ?? "https://\(host)"
            guard (publicURL.hasPrefix("https://") || publicURL.hasPrefix("http://")), URL(string: publicURL)?.host != nil else {
                defects.append("\(place).publicURL: '\(publicURL)' không hợp lệ (cần dạng https://tên-máy)")
                continue
            }
            entries.append(Entry(host: host, config: folder.standardizedFileURL, publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL))
        }
        if !defects.isEmpty { throw Problem(file: file, defects: defects) }
        return DeploymentFile(entries: entries)
    }
}
