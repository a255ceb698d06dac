import Foundation

/// Text clean-up applied before values reach libical, working on UTF-8 bytes.
enum TextCleaner {
    /// The NFC form of `text` as UTF-8.
    ///
    /// Text made only of characters that are NFC on their own and never combine with a neighbour (checked for
    /// U+0000–U+02FF, U+1E00–U+1EFF and U+2010–U+2027 against Python's `unicodedata`, pairs included) is returned
    /// as is: that covers Vietnamese written with precomposed letters. Other text goes through Foundation's
    /// `precomposedStringWithCanonicalMapping`.
    static func nfcBytes(_ text: String) -> [UInt8] {
        isKnownNFC(text) ? Array(text.utf8) : Array(text.precomposedStringWithCanonicalMapping.utf8)
    }

    /// `true` if every character of `text` lies in the ranges named at `nfcBytes`.
    static func isKnownNFC(_ text: String) -> Bool {
        let known = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                } else if (0xC2...0xCB).contains(byte) {
                    index += 2  // U+0080–U+02FF
                } else if byte == 0xE1, index + 1 < count, (0xB8...0xBB).contains(bytes[index + 1]) {
                    index += 3  // U+1E00–U+1EFF, Latin Extended Additional (Vietnamese)
                } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80, (0x90...0xA7).contains(bytes[index + 2]) {
                    index += 3  // U+2010–U+2027: dashes, quotes, ellipsis
                } else {
                    return false
                }
            }
            return true
        }
        return known ?? false
    }

    /// One line of text: NFC; every line break (CR, LF, U+2028, U+2029) and other control character becomes a
    /// space (so do `,` and `;` when `replacingSeparators`); runs of spaces collapse and the ends are trimmed.
    static func singleLineBytes(_ text: String, replacingSeparators: Bool = false) -> [UInt8] {
        let input = nfcBytes(text)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 1)
        var pendingSpace = false
        var index = 0
        while index < input.count {
            let (controlLength, _) = control(at: index, in: input)
            let byte = input[index]
            if controlLength > 0 || byte == 0x20 || (replacingSeparators && (byte == 0x2C || byte == 0x3B)) {
                pendingSpace = !output.isEmpty
                index += max(controlLength, 1)
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// Multi-line text: NFC; CRLF, CR, U+2028 and U+2029 become LF (libical writes it as `\n`); other control
    /// characters become spaces; trailing spaces and line breaks are trimmed.
    static func multiLineBytes(_ text: String) -> [UInt8] {
        let input = nfcBytes(text)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 1)
        var index = 0
        while index < input.count {
            let (controlLength, isBreak) = control(at: index, in: input)
            if controlLength == 0 {
                output.append(input[index])
                index += 1
                continue
            }
            if input[index] == 0x0D, index + 1 < input.count, input[index + 1] == 0x0A {
                index += 1
            }
            output.append(isBreak ? 0x0A : 0x20)
            index += controlLength
        }
        while let last = output.last, last == 0x20 || last == 0x0A {
            output.removeLast()
        }
        return output
    }

    /// The length in bytes of the control character at `index` (0 if there is none) and whether it breaks a line.
    /// Controls are C0, DEL, C1 (U+0080–U+009F) and the Unicode line and paragraph separators.
    @inline(__always)
    private static func control(at index: Int, in bytes: [UInt8]) -> (length: Int, isBreak: Bool) {
        let byte = bytes[index]
        if byte < 0x20 || byte == 0x7F {
            return (1, byte == 0x0A || byte == 0x0D)
        }
        if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
            return (2, bytes[index + 1] == 0x85)
        }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
            return (3, true)
        }
        return (0, false)
    }
}
