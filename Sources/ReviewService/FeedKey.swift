import Crypto
import Foundation
import ReviewCore
import ReviewStore

/// The server's secret from which every feed URL token is derived (HMAC-SHA256 of the feed and its generation).
///
/// It lives in a file outside the database (`data/feed.key` by default, mode 0600, created on first start), so that a
/// copy of the database alone opens no feed, while the office can still be shown each feed's current link. Every
/// instance of a deployment reads the same file; losing it changes every feed link (docs/security.md).
public struct FeedKey: Sendable {
    private let bytes: [UInt8]

    /// A key from its bytes (at least 32).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A new random key of 256 bits.
    public static func random() -> FeedKey {
        FeedKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// Why a key file cannot be used.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        /// The message, in Vietnamese, naming the file.
        public var description: String
    }

    /// Reads the key file at `url`; when it does not exist and `create`, writes a new random key there with mode 0600.
    /// Refuses a file that others may read, and one that does not hold a key (64 hexadecimal digits or more).
    public static func load(at url: URL, create: Bool) throws -> FeedKey {
        let path = url.path
        if !FileManager.default.fileExists(atPath: path) {
            guard create else {
                throw Problem(description: "Không tìm thấy tệp khóa lịch '\(path)'. Chỉ định tệp khóa của máy chủ bằng --feed-key (mỗi máy chủ dùng chung một tệp; xem docs/security.md).")
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let fresh = random()
            let text = fresh.bytes.map { String(format: "%02x", $0) }.joined() + "\n"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 {
                let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
                let synced = fsync(fd)
                close(fd)
                guard written == text.utf8.count, synced == 0 else {
                    unlink(path)
                    throw Problem(description: "Không ghi được tệp khóa lịch '\(path)' (\(String(cString: strerror(errno)))).")
                }
                return fresh
            }
            // Another process created it first: read theirs.
            guard errno == EEXIST else {
                throw Problem(description: "Không tạo được tệp khóa lịch '\(path)' (\(String(cString: strerror(errno)))). Kiểm tra quyền ghi thư mục.")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Problem(description: "Không đọc được tệp khóa lịch '\(path)' (\(String(cString: strerror(errno)))).")
        }
        if info.st_mode & 0o077 != 0 {
            throw Problem(description: "Tệp khóa lịch '\(path)' để người khác đọc được (quyền \(String(info.st_mode & 0o777, radix: 8))). Chạy: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "Không đọc được tệp khóa lịch '\(path)'.")
        }
        let hex = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16) {
            bytes.append(byte)
            index = next
        }
        guard index == hex.endIndex, bytes.count >= 32 else {
            throw Problem(description: "Tệp khóa lịch '\(path)' không chứa khóa hợp lệ (cần ít nhất 64 chữ số thập lục phân). Khôi phục tệp từ bản sao lưu.")
        }
        return FeedKey(bytes: bytes)
    }

    /// The URL token of one generation of a feed: 160 bits of HMAC-SHA256, base32 lowercase (32 characters).
    public func token(district: String, kind: FeedToken.Kind, subject: String, generation: Int) -> String {
        let message = Data("reviewcal-feed\u{0}\(district)\u{0}\(kind.rawValue)\u{0}\(subject)\u{0}\(generation)".utf8)
        let mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: bytes)))
        return Secrets.base32(Array(mac.prefix(20)))
    }
}
