import Testing

@testable import LogTriageCore

/// Decoding with the catalog's gate against decoding without: the same records (numbers, offsets, times,
/// sources), the same problems, and every record the gate marked as no candidate is one whose decoded message
/// holds none of the gate's literals.
@Suite struct GatedDecodingTests {
    struct Rec: Equatable {
        var message: [UInt8]
        var source: String
        var time: Int64?
        var line: Int
        var offset: Int64
        var isCandidate: Bool
    }

    struct Sink: RecordSink {
        var records: [Rec] = []
        var problems: [DecodeProblem] = []
        mutating func accept(_ record: LogRecord) {
            records.append(
                Rec(
                    message: Array(record.message), source: String(decoding: record.source, as: UTF8.self),
                    time: record.time, line: record.line, offset: record.offset, isCandidate: record.isCandidate))
        }
        mutating func problem(_ problem: DecodeProblem) { problems.append(problem) }
    }

    static let table = RuleTable(
        Catalog(incidents: [
            ClassifierTests.incident(
                "x",
                rules: [
                    ClassifierTests.rule("a", ["Connection refused", "say \"no\"", "back\\slash", "<tag>"]),
                    ClassifierTests.rule("b", ["timeout"], context: .init(any: ["upstream"], within: 2)),
                ])
        ]))

    static func decode(_ format: LogFormat, _ text: String, chunk: Int, gated: Bool) -> Sink {
        var context = testContext()
        if gated { context.gates = CandidateGates(table) }
        var decoder = DecoderFactory.make(for: format, context: context)
        var sink = Sink()
        Array(text.utf8).withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), into: &sink)
                start = end
            }
        }
        decoder.endOfFile(into: &sink)
        decoder.finish(into: &sink)
        return sink
    }

    static func docker(_ log: String, _ time: String = "2025-03-01T10:00:00Z") -> String {
        #"{"log":"\#(log)","stream":"stderr","time":"\#(time)"}"# + "\n"
    }

    static let samples: [(LogFormat, String)] = [
        (
            .dockerJSON,
            docker("plain line\\n") + docker("Connection refused\\n") + docker("say \\\"no\\\" twice\\n")
                + docker("back\\\\slash\\n") + docker("\\u003ctag\\u003e\\n") + docker("upstream\\n")
                + docker("part one Connection ") + docker("refused end\\n", "2025-03-01T10:00:01Z")
                + docker("bad \\q escape\\n") + #"{"log":"no end"# + "\n" + docker("ends without newline")
                + docker("a\\\\n is no newline\\\\n") + docker("tab\\tin\\n", "not a time") + "not json at all\n"
                + docker("timeout\\n") + docker("last\\n")
        ),
        (
            .cri,
            "2025-03-01T10:00:00Z stdout F plain\n2025-03-01T10:00:00Z stdout P part Connection \n"
                + "2025-03-01T10:00:01Z stdout F refused\n2025-03-01T10:00:02Z stderr F timeout near upstream\n"
                + "garbage line\n2025-03-01T10:00:03Z stdout F quiet\n"
        ),
        (
            .nginxError,
            "2025/03/01 10:00:00 [error] 1#1: *1 connect() failed (111: Connection refused)\n"
                + "2025/03/01 10:00:01 [notice] 1#1: quiet\ncontinuation without time\n"
                + "2025/03/01 10:00:02 [error] 1#1: upstream timed out: timeout\n"
        ),
        (
            .nginxAccess,
            "1.2.3.4 - - [01/Mar/2025:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"<tag>\"\n"
                + "1.2.3.4 - - [01/Mar/2025:10:00:01 +0000] \"GET /x HTTP/1.1\" 404 1 \"-\" \"curl\"\n"
        ),
        (
            .plain,
            "web-1  | 2025-03-01 10:00:00 all fine\nweb-1  | Connection refused\ndb-1   | timeout\n"
                + "db-1   | upstream\nweb-1  | quiet\nno prefix here back\\slash\n"
        ),
    ]

    @Test(arguments: 0..<samples.count)
    func gateChangesNothingButWhatIsMatched(sample: Int) {
        let (format, text) = Self.samples[sample]
        let gates = CandidateGates(Self.table)
        let literals = gates.verbatim.automaton.literals
        for chunk in [1, 7, 64, Int.max] {
            let plain = Self.decode(format, text, chunk: chunk, gated: false)
            let gated = Self.decode(format, text, chunk: chunk, gated: true)
            #expect(gated.problems == plain.problems, "\(format) chunk \(chunk)")
            #expect(gated.records.count == plain.records.count, "\(format) chunk \(chunk)")
            for (g, p) in zip(gated.records, plain.records) {
                #expect((g.source, g.time, g.line, g.offset) == (p.source, p.time, p.line, p.offset))
                #expect(p.isCandidate, "without a gate every record is a candidate")
                if g.isCandidate {
                    #expect(g.message == p.message)
                } else {
                    let holds = literals.contains { literal in
                        p.message.count >= literal.bytes.count
                            && (0...(p.message.count - literal.bytes.count)).contains { start in
                                literal.bytes.indices.allSatisfy { literal.accepts($0, p.message[start + $0]) }
                            }
                    }
                    #expect(!holds, "\(format): \(String(decoding: p.message, as: UTF8.self)) was held back")
                }
            }
            if chunk == Int.max {
                #expect(gated.records.contains { !$0.isCandidate }, "\(format): the gate let some line skip")
            }
        }
    }
}
