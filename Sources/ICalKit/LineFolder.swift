/// Repairs libical's line folding.
///
/// libical 3.0.16 folds a content line whose value is 73 or 147 octets long and has no space, colon or
/// semicolon into `…\r\r\n \n` (its CRLF terminator is split by the fold), and a 148-octet one into a line
/// followed by an empty continuation line. Removing every fold (CRLF followed by a space or tab) gives back the
/// logical lines in both cases; they are then folded again at 75 octets, only between UTF-8 characters.
enum LineFolder {
    /// The longest physical line, in octets, without its CRLF (RFC 5545 §3.1).
    static let maxLineOctets = 75

    /// Unfolds `input` and folds it again correctly, in one pass.
    ///
    /// - Throws: `ICalError.serializationFailed` if a CR or LF is left over that does not end a line, or the text
    ///   does not end with a line break.
    static func refold(_ input: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        try refold(input, into: &output)
        return output
    }

    /// Unfolds `input` (whole lines) and appends it to `output`, folded again correctly.
    static func refold(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        let count = input.count
        // Each fold added (3 octets) follows at least 71 content octets (74 less at most 3 octets backed off to a
        // character boundary), and line ends are copied from the input, so this bound holds; it is checked anyway.
        let capacity = count + (count / 71 + 1) * 3 + 16
        var failure: ICalError?
        let start = output.count
        // Room for the worst case, written in place and cut back to what was written.
        output.append(contentsOf: repeatElement(0, count: capacity))
        var written = 0
        output.withUnsafeMutableBufferPointer { whole in
            guard let source = input.baseAddress, let target = whole.baseAddress.map({ $0 + start }) else { return }
            var out = 0
            var column = 0
            var index = 0
            while index < count {
                // A run of content up to the next CR or LF, copied in pieces that fit the current line.
                var runEnd = index
                while runEnd < count, source[runEnd] != 0x0D, source[runEnd] != 0x0A {
                    runEnd += 1
                }
                while index < runEnd {
                    let room = maxLineOctets - column
                    var cut = runEnd
                    if runEnd - index > room {
                        cut = index + room
                        // Never cut before a UTF-8 continuation byte (10xxxxxx).
                        while cut > index, source[cut] & 0xC0 == 0x80 {
                            cut -= 1
                        }
                        if cut == index, column <= 1 {
                            cut = index + room  // not UTF-8 at all: cut anyway rather than loop
                        }
                    }
                    guard out + (cut - index) + 5 <= capacity else {
                        failure = .serializationFailed("folded text exceeds its bound")
                        break
                    }
                    (target + out).update(from: source + index, count: cut - index)
                    out += cut - index
                    column += cut - index
                    index = cut
                    if index < runEnd {
                        target[out] = 0x0D
                        target[out + 1] = 0x0A
                        target[out + 2] = 0x20
                        out += 3
                        column = 1
                    }
                }
                guard failure == nil, index < count else { break }
                let byte = source[index]
                if byte == 0x0D, index + 1 < count, source[index + 1] == 0x0A {
                    if index + 2 < count, source[index + 2] == 0x20 || source[index + 2] == 0x09 {
                        index += 3  // a fold: drop it
                        continue
                    }
                    index += 2
                } else if byte == 0x0D, index + 4 < count, source[index + 1] == 0x0D, source[index + 2] == 0x0A,
                    source[index + 3] == 0x20 || source[index + 3] == 0x09, source[index + 4] == 0x0A
                {
                    index += 5  // libical's `\r` + fold + `\n`: the line's own CRLF split by a fold
                } else {
                    failure = .serializationFailed("stray \(byte == 0x0D ? "CR" : "LF") in libical output")
                    break
                }
                if column > 0 {
                    target[out] = 0x0D
                    target[out + 1] = 0x0A
                    out += 2
                    column = 0
                }
            }
            if failure == nil, column > 0 {
                failure = .serializationFailed("libical output does not end in CRLF")
            }
            written = out
        }
        output.removeLast(capacity - written)
        if let failure { throw failure }
    }
}
