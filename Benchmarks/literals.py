#!/usr/bin/env python3
"""Print every literal of the incident catalog, one per line, for `grep -F -f`.

The benchmark compares `logtriage scan` with `grep -c -F -f literals.txt` over the same bytes, so grep must
search for exactly the literals logtriage's automaton is built from: every `any:` list of every rule (the
trigger literals and the `context:` literals) and every `not:` list.

PyYAML is not assumed to be installed, so this is a small line-based reader of just the forms the catalog
uses for those keys:

    any: ['one', "two"]            flow sequence, possibly continued over several lines
    any:                           block sequence, one item per line
      - 'one'
      - "two"
    not: 'one'                     a single scalar

Scalars may be single-quoted (`''` is a quote), double-quoted (YAML escapes: `\\\\`, `\\"`, `\\xHH`,
`\\uHHHH`, `\\n`, ...), or plain. A quoted scalar broken over lines is folded as YAML folds it (one line
break becomes a space, an empty line a newline). Literals containing a newline cannot be grep patterns
and are left out (counted on stderr), as are empty ones, which would match every line.

Usage: Benchmarks/literals.py [--patterns DIR] [--all] [-o FILE]
"""

import argparse
import pathlib
import re
import sys

KEYS = ("any", "not")

# `  any: ...`, `  - any: ...`; group 1 is the column of the key, group 2 the key, group 3 the rest.
KEY_LINE = re.compile(r"^(\s*(?:-\s+)?)(any|not):(?:\s+(.*))?$")
ITEM_LINE = re.compile(r"^(\s*)-(?:\s+(.*))?$")

DOUBLE_QUOTED_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
HEX_ESCAPE_WIDTH = {"x": 2, "u": 4, "U": 8}
ESCAPED_BREAK = "\0"  # stands in for an escaped line break while folding (a raw NUL cannot occur in YAML)


class CatalogSyntaxError(Exception):
    pass


def fold(raw):
    """Folds the line breaks of a multi-line quoted scalar: one break -> space, n breaks -> n-1 newlines."""
    if "\n" not in raw:
        return raw
    lines = raw.split("\n")
    out = lines[0].rstrip(" \t")
    empty = 0
    for line in lines[1:]:
        stripped = line.strip(" \t")
        if not stripped:
            empty += 1
            continue
        out += ("\n" * empty if empty else " ") + stripped
        empty = 0
    return out


def unescape_double(raw, where):
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(raw):
            raise CatalogSyntaxError(f"{where}: a double-quoted scalar ends in a lone backslash")
        e = raw[i + 1]
        if e in DOUBLE_QUOTED_ESCAPES:
            out.append(DOUBLE_QUOTED_ESCAPES[e])
            i += 2
        elif e in HEX_ESCAPE_WIDTH:
            width = HEX_ESCAPE_WIDTH[e]
            digits = raw[i + 2:i + 2 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                raise CatalogSyntaxError(f"{where}: bad escape \\{e}{digits} in a double-quoted scalar")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            raise CatalogSyntaxError(f"{where}: unknown escape \\{e} in a double-quoted scalar")
    return "".join(out)


def read_quoted(text, i, where):
    """Reads the quoted scalar starting at text[i]; returns (value, index after the closing quote)."""
    quote = text[i]
    j = i + 1
    raw = []
    while j < len(text):
        c = text[j]
        if quote == "'":
            if c == "'":
                if text[j + 1:j + 2] == "'":
                    raw.append("'")
                    j += 2
                    continue
                return fold("".join(raw)), j + 1
            raw.append(c)
            j += 1
        else:
            if c == "\\" and text[j + 1:j + 2] == "\n":
                # An escaped line break joins the lines with no space; it must survive folding.
                raw.append(ESCAPED_BREAK)
                j += 2
                while j < len(text) and text[j] in " \t":
                    j += 1
                continue
            if c == "\\" and j + 1 < len(text):
                # Keep escapes for unescape_double, but never let `\"` close the scalar.
                raw.append(text[j:j + 2])
                j += 2
                continue
            if c == '"':
                # Fold line breaks before resolving escapes, so an escaped `\n` is not folded away.
                folded = fold("".join(raw)).replace(ESCAPED_BREAK, "")
                return unescape_double(folded, where), j + 1
            raw.append(c)
            j += 1
    raise CatalogSyntaxError(f"{where}: a {quote}-quoted scalar is not closed")


def read_plain(text, i, in_flow):
    """Reads a plain scalar; in a flow sequence it ends at `,` or `]`, and anywhere at ` #`."""
    j = i
    while j < len(text):
        c = text[j]
        if in_flow and c in ",]":
            break
        if c == "\n" and not in_flow:
            break
        if c == "#" and j > i and text[j - 1] in " \t\n":
            break
        j += 1
    value = text[i:j].strip()
    return " ".join(part.strip() for part in value.split("\n")), j


def skip_space(text, i):
    while i < len(text):
        if text[i] in " \t\n":
            i += 1
        elif text[i] == "#" and (i == 0 or text[i - 1] in " \t\n"):
            while i < len(text) and text[i] != "\n":
                i += 1
        else:
            break
    return i


def parse_flow_sequence(text, where):
    """Parses `[a, 'b', "c"]` (text starts at `[`); returns (items, index after `]`) or None if unclosed."""
    items = []
    i = 1
    while True:
        i = skip_space(text, i)
        if i >= len(text):
            return None
        c = text[i]
        if c == "]":
            return items, i + 1
        if c in "'\"":
            try:
                value, i = read_quoted(text, i, where)
            except CatalogSyntaxError:
                if "not closed" in str(sys.exc_info()[1]):
                    return None
                raise
        elif c in "[{":
            raise CatalogSyntaxError(f"{where}: nested collections are not literals")
        else:
            value, i = read_plain(text, i, in_flow=True)
        items.append(value)
        i = skip_space(text, i)
        if i >= len(text):
            return None
        if text[i] == ",":
            i += 1
        elif text[i] != "]":
            raise CatalogSyntaxError(f"{where}: expected ',' or ']' after an item, found {text[i]!r}")


def parse_scalar(text, where):
    text = text.strip()
    if text[:1] in ("'", '"'):
        value, end = read_quoted(text, 0, where)
        rest = text[end:].strip()
        if rest and not rest.startswith("#"):
            raise CatalogSyntaxError(f"{where}: unexpected text after a quoted scalar: {rest!r}")
        return value
    value, _ = read_plain(text, 0, in_flow=False)
    return value


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def read_scalar(text, lines, n, where):
    """Parses the scalar starting `text` on line index n; a quoted one may continue on the following lines.
    Returns the value and the index of the line it ends on."""
    if text[:1] not in ("'", '"'):
        return parse_scalar(text, where), n
    while True:
        try:
            return parse_scalar(text, where), n
        except CatalogSyntaxError as error:
            n += 1
            if "not closed" not in str(error) or n >= len(lines):
                raise
            text += "\n" + lines[n]


def literals_of_file(path):
    """Yields (line number, key, literal) for every literal of the keys in KEYS, in file order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    n = 0
    while n < len(lines):
        m = KEY_LINE.match(lines[n])
        if not m:
            n += 1
            continue
        key_column, key, rest = len(m.group(1)), m.group(2), (m.group(3) or "").rstrip()
        where = f"{path}:{n + 1}"
        start = n
        if rest.startswith("#"):
            rest = ""
        if rest.startswith("["):
            text = rest
            while True:
                parsed = parse_flow_sequence(text, where)
                if parsed is not None:
                    break
                n += 1
                if n >= len(lines):
                    raise CatalogSyntaxError(f"{where}: the [ of {key}: is never closed")
                text += "\n" + lines[n]
            items, end = parsed
            trailing = text[end:].strip()
            if trailing and not trailing.startswith("#"):
                raise CatalogSyntaxError(f"{where}: unexpected text after {key}: [...]: {trailing!r}")
            for item in items:
                yield start + 1, key, item
            n += 1
        elif rest:
            value, n = read_scalar(rest, lines, n, where)
            yield start + 1, key, value
            n += 1
        else:
            # Block sequence: `- item` lines indented at least as far as the key (YAML allows equal).
            n += 1
            while n < len(lines):
                line = lines[n]
                if not line.strip() or line.lstrip().startswith("#"):
                    n += 1
                    continue
                item = ITEM_LINE.match(line)
                if not item or len(item.group(1)) < key_column:
                    break
                item_line = n + 1
                value, n = read_scalar(item.group(2) or "", lines, n, f"{path}:{item_line}")
                yield item_line, key, value
                n += 1


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patterns", type=pathlib.Path, default=here.parent / "patterns",
                        help="folder of incident YAML files (default: the repository's patterns/)")
    parser.add_argument("--all", action="store_true",
                        help="keep duplicates (a literal used by several rules is printed once by default)")
    parser.add_argument("-o", "--output", type=pathlib.Path, help="write here instead of standard output")
    args = parser.parse_args()

    files = sorted(args.patterns.glob("*.yaml")) + sorted(args.patterns.glob("*.yml"))
    if not files:
        sys.exit(f"literals.py: no *.yaml files in {args.patterns}")

    found = 0
    by_key = {key: 0 for key in KEYS}
    skipped_newline = 0
    skipped_empty = 0
    seen = set()
    out = []
    try:
        for path in files:
            for _, key, literal in literals_of_file(path):
                found += 1
                by_key[key] += 1
                if "\n" in literal:
                    skipped_newline += 1
                    continue
                if literal == "":
                    skipped_empty += 1
                    continue
                if not args.all and literal in seen:
                    continue
                seen.add(literal)
                out.append(literal)
    except CatalogSyntaxError as error:
        sys.exit(f"literals.py: {error}")

    data = "".join(literal + "\n" for literal in out).encode("utf-8")
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    print(f"literals.py: {found} literals in {len(files)} files "
          f"({', '.join(f'{k}: {v}' for k, v in by_key.items())}); wrote {len(out)}"
          f"{'' if args.all else ' distinct'}; left out {skipped_newline} with a newline, "
          f"{skipped_empty} empty", file=sys.stderr)


if __name__ == "__main__":
    main()
