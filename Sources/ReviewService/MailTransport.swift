import Foundation

/// Hands a whole message to the mail system.
public protocol MailTransport: Sendable {
    /// Delivers `message` (RFC 5322, CRLF), or throws ``MailTransportError`` saying why not.
    func send(_ message: [UInt8]) async throws
}

/// Why the mail system did not take a message, in its own words.
public struct MailTransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Delivers by piping each message to a sendmail-compatible command (`/usr/sbin/sendmail -t -i` by default), as
/// Debian's `msmtp-mta`, postfix and exim provide it: the command reads the recipients from the message's headers
/// (`-t`), does the transport, the queueing and TLS, and exits 0 once it has taken the message.
public struct SendmailTransport: MailTransport {
    /// The default command.
    public static let defaultCommand = "/usr/sbin/sendmail -t -i"

    /// The program and its arguments.
    public let arguments: [String]
    /// Seconds the command may take before it is stopped and the attempt counts as failed.
    public let timeout: Double

    /// A transport running `command`, split into words as a shell would (quotes, backslashes; no expansion).
    public init(command: String = SendmailTransport.defaultCommand, timeout: Double = 60) throws {
        let words = try Self.words(command)
        guard let program = words.first else { throw MailTransportError("lệnh gửi thư (--sendmail) trống") }
        guard program.hasPrefix("/") || !program.contains("/") else {
            throw MailTransportError("lệnh gửi thư '\(program)': ghi đường dẫn đầy đủ (bắt đầu bằng /) hoặc tên lệnh trong PATH")
        }
        arguments = words
        self.timeout = timeout
        // A command that exits before reading its input must not take the server down with it.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The program's path: as given when it has a slash, else found in PATH.
    var executable: String? {
        let program = arguments[0]
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public func send(_ message: [UInt8]) async throws {
        guard let executable else {
            throw MailTransportError("không chạy được lệnh gửi thư '\(arguments[0])': không có tệp đó, hoặc không có quyền chạy (cài msmtp-mta hoặc postfix, hoặc chỉ lệnh khác bằng --sendmail)")
        }
        let arguments = Array(arguments.dropFirst())
        let timeout = timeout
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Process waits block their thread: one of its own, not one of the server's.
            Thread.detachNewThread {
                do {
                    try Self.run(executable: executable, arguments: arguments, input: message, timeout: timeout)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func run(executable: String, arguments: [String], input: [UInt8], timeout: Double) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stderr = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardError = stderr
        process.standardOutput = stdout
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw MailTransportError("không chạy được lệnh gửi thư '\(executable)': \(error.localizedDescription)")
        }
        // The outputs are drained while the input is written, so that a chatty command never blocks on a full pipe.
        let output = OutputCollector()
        let readers = DispatchGroup()
        for (handle, keep) in [(stderr.fileHandleForReading, true), (stdout.fileHandleForReading, false)] {
            readers.enter()
            Thread.detachNewThread {
                let data = handle.readDataToEndOfFile()
                if keep { output.set(data) }
                readers.leave()
            }
        }
        // The input is written by a thread of its own, so that the timeout counts from the start: a command that never
        // reads its input (hung on a dead network) would otherwise hold the write, and this thread, once the message
        // is larger than the pipe's buffer. Stopping the command ends that write (EPIPE).
        let writing = OutputCollector()
        let writer = DispatchGroup()
        writer.enter()
        Thread.detachNewThread {
            do {
                try stdin.fileHandleForWriting.write(contentsOf: Data(input))
            } catch {
                writing.fail(error)
            }
            try? stdin.fileHandleForWriting.close()
            writer.leave()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL); finished.wait() }
            _ = writer.wait(timeout: .now() + 5)
            _ = readers.wait(timeout: .now() + 5)
            throw MailTransportError("lệnh gửi thư không xong sau \(Int(timeout)) giây nên đã bị dừng")
        }
        _ = writer.wait(timeout: .now() + 5)
        let writeError = writing.error
        _ = readers.wait(timeout: .now() + 5)
        // One line, so that the log keeps one line per failed attempt (msmtp says why in two or three).
        let said = String(decoding: output.get(), as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ")
        let status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            throw MailTransportError("lệnh gửi thư bị dừng bởi tín hiệu \(status)" + (said.isEmpty ? "" : ": \(said)"))
        }
        guard status == 0 else {
            throw MailTransportError("lệnh gửi thư thoát với mã \(status)" + (said.isEmpty ? "" : ": \(String(said.suffix(1000)))"))
        }
        if let writeError, said.isEmpty {
            // Exit 0 after reading only part of the message: it took what it read; say so rather than guess.
            throw MailTransportError("lệnh gửi thư không đọc hết thư (\(writeError.localizedDescription))")
        }
    }

    /// The words of a command line: split at unquoted white space; `'…'` literal, `"…"` with `\` escapes.
    static func words(_ command: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in command {
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(c)
                }
                continue
            }
            if c == "\\" {
                escaped = true
                inWord = true
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if quote != nil || escaped { throw MailTransportError("lệnh gửi thư '\(command)': dấu nháy chưa đóng") }
        if inWord { words.append(current) }
        return words
    }
}

/// Bytes (or an error) one thread leaves and another takes.
private final class OutputCollector: @unchecked Sendable {
    // @unchecked: `data` and `failure` are read and written under `lock` only.
    private let lock = NSLock()
    private var data = Data()
    private var failure: (any Error)?
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
    func fail(_ e: any Error) { lock.lock(); failure = e; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return failure }
}
