import Testing

@testable import LogTriageCore

/// Evidence text shows bytes that are not text as `\xHH`, as nginx does, instead of replacement characters.
@Suite struct EvidenceTextTests {
    static func make(_ bytes: [UInt8], limit: Int = 4096) -> String {
        bytes.withUnsafeBytes { EvidenceText.make($0, limit: limit) }
    }

    /// The bytes a text stands for: `\xHH` read back as the byte (inputs have no backslash of their own).
    static func bytes(of text: String) -> [UInt8] {
        var out: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == 0x5C, index + 3 < utf8.count, utf8[index + 1] == 0x78,
                let byte = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                out.append(byte)
                index += 4
            } else {
                out.append(utf8[index])
                index += 1
            }
        }
        return out
    }

    @Test func aTLSHelloInTheErrorLogShowsAsNginxWritesIt() {
        let line =
            Array(#"client sent invalid method, request: ""#.utf8) + [0x16, 0x03, 0x01, 0x02, 0xC3, 0xA9, 0x8F, 0x22]
        let text = Self.make(line)
        #expect(text == #"client sent invalid method, request: "\x16\x03\x01\x02\xC3\xA9\x8F""#)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
    }

    @Test func textKeepsUTF8AndColoursAndEscapesOnlyWhatIsNotUTF8() {
        #expect(Self.make(Array("端口 8080 已被占用".utf8)) == "端口 8080 已被占用")
        #expect(Self.make(Array("\u{1b}[31merror\u{1b}[0m\tx\r".utf8)) == "\u{1b}[31merror\u{1b}[0m\tx\r")
        #expect(Self.make([0x61, 0xFF, 0x62, 0xED, 0xA0, 0x80, 0xC0, 0xAF]) == #"a\xFFb\xED\xA0\x80\xC0\xAF"#)
        #expect(Self.make(Array("a ü b".utf8), limit: 3) == "a …", "a character is not cut in two")
    }

    @Test(arguments: 0..<300)
    func everyByteIsKeptOrShownAndTheTextIsValid(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let alphabet: [UInt8] = [
            0x41, 0x20, 0x09, 0x0A, 0x1B, 0x00, 0x16, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE4, 0xBD, 0xA0,
            0xED, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x90, 0xFF,
        ]
        let input = (0..<Int.random(in: 0..<64, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        let text = Self.make(input)
        #expect(Self.bytes(of: text) == input, "seed \(seed): \(input)")
        let binary = input.contains { $0 < 0x20 && ![0x09, 0x0A, 0x0D, 0x1B].contains($0) }
        if binary {
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII && ($0.value >= 0x20 || $0 == "\t") })
        } else {
            #expect(!text.contains("\u{FFFD}"), "nothing is replaced")
            // Valid UTF-8 stays as it is: the standard library reads the same characters where there is no escape.
            if String(validating: input, as: UTF8.self) != nil && !input.contains(0x5C) {
                #expect(text == String(decoding: input, as: UTF8.self))
            }
        }
    }
}
