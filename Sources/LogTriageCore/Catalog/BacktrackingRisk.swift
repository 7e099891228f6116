/// Spots regexes that backtracking engines take exponential time on: a group that holds an unbounded quantifier
/// and is itself repeated without bound, as in `(a+)+`, `(\w*\s?)*` or `(x+y?){2,}`. PCRE2's match limit cuts such
/// a match off, so a scan never stalls, but the records cut off are not counted: the loader warns instead.
///
/// A lexical check, not a proof: it follows escapes, character classes and nesting; an atomic group `(?>…)` or a
/// possessive inner quantifier (`a++`) is not reported, as those do not backtrack. O(pattern length).
enum BacktrackingRisk {
    /// The offending group, or `nil` when the pattern has none.
    static func nestedQuantifier(in pattern: String) -> String? {
        let chars = Array(pattern)
        // For each open group: where it starts, whether it is atomic, whether it holds an unbounded quantifier.
        var stack: [(start: Int, atomic: Bool, repeats: Bool)] = []
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
                // `[]…]` and `[^]…]` hold a literal `]`.
                if i + 1 < chars.count && chars[i + 1] == "]" { i += 1 }
                if i + 2 < chars.count && chars[i + 1] == "^" && chars[i + 2] == "]" { i += 2 }
            case "(":
                let atomic = i + 2 < chars.count && chars[i + 1] == "?" && chars[i + 2] == ">"
                stack.append((i, atomic, false))
            case ")":
                guard let group = stack.popLast() else { break }
                let after = i + 1
                if group.repeats && !group.atomic, let (unbounded, _) = quantifier(chars, at: after), unbounded {
                    return String(chars[group.start...min(chars.count - 1, after)])
                }
                // What a group repeats, its enclosing group repeats too.
                if group.repeats || (quantifier(chars, at: after)?.unbounded ?? false), !stack.isEmpty {
                    stack[stack.count - 1].repeats = true
                }
            default:
                if let (unbounded, length) = quantifier(chars, at: i), unbounded, !stack.isEmpty {
                    let possessive = i + length < chars.count && chars[i + length] == "+"
                    if !possessive { stack[stack.count - 1].repeats = true }
                    i += length + (possessive ? 1 : 0)
                    continue
                }
            }
            i += 1
        }
        return nil
    }

    /// The quantifier starting at `i`: whether it is unbounded (`+`, `*`, `{n,}`) and its length; `nil` for none.
    private static func quantifier(_ chars: [Character], at i: Int) -> (unbounded: Bool, length: Int)? {
        guard i < chars.count else { return nil }
        switch chars[i] {
        case "+", "*": return (true, 1)
        case "?": return (false, 1)
        case "{":
            guard let close = chars[i...].firstIndex(of: "}") else { return nil }
            let body = String(chars[(i + 1)..<close])
            let parts = body.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), !parts[0].isEmpty
            else { return nil }
            // `{n,}` is unbounded; so, for backtracking, is an upper bound this large.
            let unbounded = parts.count == 2 && (parts[1].isEmpty || (Int(parts[1]) ?? 0) > 100)
            return (unbounded, close - i + 1)
        default: return nil
        }
    }
}

extension Catalog {
    /// Warnings about rules whose regex risks exponential backtracking, one sentence each.
    public var warnings: [String] {
        incidents.flatMap { incident in
            incident.evidence.compactMap { rule -> String? in
                guard let regex = rule.regex, let group = BacktrackingRisk.nestedQuantifier(in: regex) else {
                    return nil
                }
                return "incident '\(incident.id)', rule '\(rule.name)': the regex repeats a group that itself "
                    + "repeats without bound (`\(group)`), which takes exponential time on some records; those hit "
                    + "the match limit and are not counted. Rewrite it without the nesting (`(a+)+` is `a+`)."
            }
        }
    }
}
