import Testing

@testable import LogTriageCore

@Suite struct NginxErrorLineFormatTests {
    @Test func keepsRawBytesAndAppliesTheContextOffset() {
        let line1: [UInt8] =
            Array("2024/10/18 10:18:09 [error] 12#12: *3 upstream sent invalid header: \"".utf8) + [0xFF, 0xFE, 0x80]
            + Array("\" while reading".utf8)
        let line2 = Array("continuation without a time".utf8)
        let line3 = Array("2024/10/18 10:18:10 [crit] 12#12: *4 SSL_do_handshake() failed".utf8)
        let input = line1 + [0x0A] + line2 + [0x0D, 0x0A] + line3
        // The log's local zone is UTC+2, so 10:18:09 local is 08:18:09Z.
        let result = decodeInAllChunkings(
            [input], with: { NginxErrorDecoder(context: testContext(utcOffsetSeconds: 7200)) })
        #expect(
            result.records == [
                Rec(bytes: line1, time: 1_729_239_489_000_000, line: 1, offset: 0),
                Rec(bytes: line2, line: 2, offset: Int64(line1.count + 1)),
                Rec(bytes: line3, time: 1_729_239_490_000_000, line: 3, offset: Int64(line1.count + line2.count + 3)),
            ])
        #expect(result.problems.isEmpty)
    }
}
