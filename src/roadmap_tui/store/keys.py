"""The key locator: the line of every key and table header, for messages and line-exact edits."""

from __future__ import annotations

import re

from roadmap_tui.store import toml

_BARE = re.compile(r"[A-Za-z0-9_-]+")


class _Scanner:
    """Finds the line of every key and table header in TOML text that tomllib accepted.

    Not a TOML parser: it only follows headers, dotted keys, inline tables and where values
    end (strings, arrays, comments), which is all a line number needs.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[tuple[str, ...], int] = {}
        self.headers: list[tuple[tuple[str, ...], int]] = []

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line += 1
                self.i += 1

    def record(self, keys: tuple[str, ...], line: int) -> None:
        for n in range(1, len(keys) + 1):
            self.lines.setdefault(keys[:n], line)

    def skip_ws(self, newlines: bool = False) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#" and newlines:
                self.skip_comment()
            else:
                break

    def skip_comment(self) -> None:
        while self.i < len(self.s) and self.s[self.i] != "\n":
            self.i += 1

    def run(self) -> dict[tuple[str, ...], int]:
        table: tuple[str, ...] = ()
        while self.i < len(self.s):
            self.skip_ws(newlines=True)
            if self.i >= len(self.s):
                break
            c = self.peek()
            if c == "[":
                line = self.line
                double = self.peek(1) == "["
                self.advance(2 if double else 1)
                self.skip_ws()
                table = tuple(self.key())
                self.record(table, line)
                self.headers.append((table, line))
                self.skip_comment()
            else:
                start = self.i
                self.keyval(table)
                self.skip_comment()
                if self.i == start:  # not TOML we understand: never loop forever
                    self.advance()
        return self.lines

    def key(self) -> list[str]:
        parts: list[str] = []
        while self.i < len(self.s):
            self.skip_ws()
            c = self.peek()
            if c in "\"'":
                parts.append(self.string_key())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    break
                parts.append(m.group())
                self.advance(len(m.group()))
            self.skip_ws()
            if self.peek() == ".":
                self.advance()
                continue
            break
        return parts

    def string_key(self) -> str:
        start = self.i
        self.skip_string()
        raw = self.s[start : self.i]
        try:
            return str(toml.loads(f"k = {raw}")["k"])
        except (toml.TOMLDecodeError, KeyError):
            return raw.strip("\"'")

    def keyval(self, table: tuple[str, ...]) -> None:
        line = self.line
        path = (*table, *self.key())
        self.record(path, line)
        self.skip_ws()
        if self.peek() == "=":
            self.advance()
        self.skip_ws()
        self.value(path)

    def value(self, path: tuple[str, ...]) -> None:
        c = self.peek()
        if c in "\"'":
            self.skip_string()
        elif c == "[":
            self.advance()
            depth = 1
            while self.i < len(self.s) and depth:
                c = self.peek()
                if c in "\"'":
                    self.skip_string()
                elif c == "#":
                    self.skip_comment()
                elif c == "{":
                    self.advance()
                    self.inline_table(None)
                else:
                    depth += {"[": 1, "]": -1}.get(c, 0)
                    self.advance()
        elif c == "{":
            self.advance()
            self.inline_table(path)
        else:
            while self.i < len(self.s) and self.peek() not in ",]}#\n":
                self.advance()

    def inline_table(self, path: tuple[str, ...] | None) -> None:
        while self.i < len(self.s):
            self.skip_ws(newlines=True)
            c = self.peek()
            if c == "}":
                self.advance()
                return
            if c == ",":
                self.advance()
                continue
            if not c:
                return
            line = self.line
            start = self.i
            sub = (*(path or ("",)), *self.key())
            if path is not None:
                self.record(sub, line)
            self.skip_ws()
            if self.peek() == "=":
                self.advance()
            self.skip_ws()
            self.value(sub)
            if self.i == start:  # not TOML we understand: never loop forever
                self.advance()

    def skip_string(self) -> None:
        q = self.peek()
        if self.s.startswith(q * 3, self.i):
            end = self.s.find(q * 3, self.i + 3)
            end = len(self.s) if end < 0 else end + 3
            while self.i < len(self.s) and self.s[end : end + 1] == q:  # """a"""" ends late
                end += 1
            self.advance(end - self.i)
            return
        self.advance()
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and q == '"':
                self.advance(2)
            elif c == q:
                self.advance()
                return
            elif c == "\n":
                return
            else:
                self.advance()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\n" only, as TOML and git count them
    (str.splitlines would also split on \x85, \u2028 and friends inside strings)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def locate_keys(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path and table header in `text` to its first line (1-based)."""
    return _Scanner(text).run()


def table_regions(text: str) -> list[tuple[tuple[str, ...], int, int]]:
    """Every table header with the 0-based line range [start, end) of its table."""
    scanner = _Scanner(text)
    scanner.run()
    headers = scanner.headers
    total = len(split_lines(text))
    return [
        (keys, line - 1, headers[n + 1][1] - 1 if n + 1 < len(headers) else total)
        for n, (keys, line) in enumerate(headers)
    ]


#: A string as `bracket_depths` skips it: to the next same quote, or to the end.
_QUOTED = re.compile(r""""[^"]*"?|'[^']*'?""")


def bracket_depth(line: str) -> int:
    """Net open brackets on a line, ignoring strings and comments (a rough but safe count).

    `bracket_depths(line)[0]`, counted with str methods (`fmt --check` asks for every line).
    """
    if "[" not in line and "]" not in line and "{" not in line and "}" not in line:
        return 0
    if '"' in line or "'" in line:
        line = _QUOTED.sub("", line)
    line = line.partition("#")[0]
    return line.count("[") + line.count("{") - line.count("]") - line.count("}")


def bracket_depths(line: str) -> tuple[int, int]:
    """(net, peak) open brackets on a line, strings and comments skipped roughly."""
    depth = peak = 0
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
            peak = max(peak, depth)
        elif ch in "]}":
            depth -= 1
    return depth, peak


def deepest_line(text: str) -> int:
    """The line on which brackets are nested deepest, for a too-deep-nesting error."""
    depth = deepest = 0
    line = 1
    for number, text_line in enumerate(split_lines(text), start=1):
        net, peak = bracket_depths(text_line)
        if depth + peak > deepest:
            deepest, line = depth + peak, number
        depth += net
    return line
