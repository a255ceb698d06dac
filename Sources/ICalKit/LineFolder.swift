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
        let count = input.count
        // Each fold adds 3 octets per at least 74 content octets; 3 more per 64 leaves ample room.
        let capacity = count + count / 64 * 3 + 16
        var failure: ICalError?
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, written in
            var out = 0
            var column = 0
            var index = 0
            @inline(__always) func emit(_ byte: UInt8) {
                buffer[out] = byte
                out += 1
            }
            while index < count {
                let byte = input[index]
                if byte == 0x0D || byte == 0x0A {
                    if byte == 0x0D, index + 1 < count, input[index + 1] == 0x0A {
                        if index + 2 < count, input[index + 2] == 0x20 || input[index + 2] == 0x09 {
                            index += 3  // a fold: drop it
                            continue
                        }
                        index += 2
                    } else if byte == 0x0D, index + 4 < count, input[index + 1] == 0x0D, input[index + 2] == 0x0A,
                        input[index + 3] == 0x20 || input[index + 3] == 0x09, input[index + 4] == 0x0A
                    {
                        index += 5  // libical's `\r` + fold + `\n`: the line's own CRLF split by a fold
                    } else {
                        failure = .serializationFailed("stray \(byte == 0x0D ? "CR" : "LF") in libical output")
                        break
                    }
                    if column > 0 {
                        emit(0x0D)
                        emit(0x0A)
                        column = 0
                    }
                    continue
                }
                // The length of this UTF-8 character from its lead byte (a stray continuation byte counts as one).
                let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                let end = min(index + length, count)
                if column + (end - index) > maxLineOctets {
                    emit(0x0D)
                    emit(0x0A)
                    emit(0x20)
                    column = 1
                }
                while index < end {
                    emit(input[index])
                    index += 1
                    column += 1
                }
            }
            if failure == nil, column > 0 {
                failure = .serializationFailed("libical output does not end in CRLF")
            }
            written = out
        }
        if let failure { throw failure }
        return output
    }
}
