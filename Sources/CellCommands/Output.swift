import ArgumentParser
import Foundation
import ReviewAPI

/// Writes a line to standard output at once, unbuffered, so that a server's messages show before it starts serving.
public func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Writes to standard error.
public func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints a value as indented JSON with sorted keys (the `--json` output of every command).
public func printJSON(_ value: some Encodable) throws {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    e.dateEncodingStrategy = .iso8601
    print(String(decoding: try e.encode(value), as: UTF8.self))
}

/// Parses an ISO week argument.
public func parseWeek(_ text: String) throws -> ISOWeek {
    guard let w = ISOWeek(iso: text) else { throw ValidationError("Tuần '\(text)' không đúng dạng YYYY-Www (ví dụ 2023-W50).") }
    return w
}

/// The cells' commands, in the order `--help` lists them.
public let cellCommands: [any ParsableCommand.Type] = [
    Login.self, Status.self, Register.self, ListRequests.self, Show.self, Change.self, Withdraw.self,
]
