import Testing

@testable import LogTriageCore

@Suite struct JSONScannerTests {
    /// Reads the string value of `key` from a JSON object, skipping every other member.
    private func string(_ key: String, in json: String) throws -> [UInt8]? {
        try Array(json.utf8).withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var found: [UInt8]?
            try scanner.beginObject()
            while let k = try scanner.nextMember() {
                if Array(k) == Array(key.utf8) {
                    var out: [UInt8] = []
                    try scanner.readString(into: &out)
                    found = out
                } else {
                    try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
            return found
        }
    }

    @Test func simpleEscapes() throws {
        let value = try string("s", in: #"{"s":"q\" b\\ s\/ \b\f\n\r\t end"}"#)
        #expect(value == Array("q\" b\\ s/ \u{8}\u{c}\n\r\t end".utf8))
    }

    @Test func unicodeEscapesAndSurrogatePairs() throws {
        #expect(try string("s", in: #"{"s":"\u003cb\u003e \u0026 \u00e9 \u20AC"}"#) == Array("<b> & é €".utf8))
        #expect(try string("s", in: #"{"s":"\ud83d\ude00!"}"#) == Array("😀!".utf8))
        #expect(try string("s", in: #"{"s":"\u0000"}"#) == [0])
    }

    @Test func loneSurrogatesBecomeReplacementCharacter() throws {
        #expect(try string("s", in: #"{"s":"a\ud83db"}"#) == Array("a\u{FFFD}b".utf8))
        #expect(try string("s", in: #"{"s":"\ude00"}"#) == Array("\u{FFFD}".utf8))
        // A high surrogate followed by an escape that is not a low surrogate: both are kept as they decode.
        #expect(try string("s", in: #"{"s":"\ud83d\u0041"}"#) == Array("\u{FFFD}A".utf8))
    }

    @Test func rawBytesPassThrough() throws {
        let json: [UInt8] = Array(#"{"s":"a"#.utf8) + [0xEF, 0xBF, 0xBD, 0xFF] + Array(#""}"#.utf8)
        let value = try json.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var out: [UInt8] = []
            try scanner.beginObject()
            _ = try scanner.nextMember()
            try scanner.readString(into: &out)
            return out
        }
        #expect(value == [UInt8(ascii: "a"), 0xEF, 0xBF, 0xBD, 0xFF])
    }

    @Test func skipsEveryKindOfValue() throws {
        let json = #"{"a":{"x":[1,-2.5e+3,true,false,null,{"y":"}"}]},"b" : [ ] , "c":{},"s":"found"}"#
        #expect(try string("s", in: json) == Array("found".utf8))
    }

    @Test func rejectsMalformedText() {
        for json in [
            #"{"s":"x"#, #"{"s":"x",}"#, #"{"s" "x"}"#, #"{"s":"\q"}"#, #"{"s":"\u12"}"#, #"{"s":tru}"#,
            #"{"s":01x}"#, #"{"s":"x"} tail"#, #"["s"]"#, #"{"s":-}"#, #"{,"s":"x"}"#,
        ] {
            #expect(throws: JSONScanner.Failure.self, "\(json)") { _ = try string("s", in: json) }
        }
    }

    @Test func rejectsDeepNesting() {
        let json = #"{"a":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: JSONScanner.Failure.self) { _ = try string("s", in: json) }
    }

    @Test func failureNamesTheColumn() {
        do {
            _ = try string("s", in: #"{"s" "x"}"#)
            Issue.record("expected a failure")
        } catch let failure as JSONScanner.Failure {
            #expect(failure.description == "unexpected '\"' at column 6")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
