"""A character canvas for the drawn views: text, styles, and box-drawing lines that join."""

from __future__ import annotations

from rich.text import Text

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8

#: Box-drawing character for each set of directions a line leaves a cell in.
_JOINS = {
    UP | DOWN: "│",
    LEFT | RIGHT: "─",
    DOWN | RIGHT: "┌",
    DOWN | LEFT: "┐",
    UP | RIGHT: "└",
    UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├",
    UP | DOWN | LEFT: "┤",
    DOWN | LEFT | RIGHT: "┬",
    UP | LEFT | RIGHT: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
    UP: "│",
    DOWN: "│",
    LEFT: "─",
    RIGHT: "─",
}


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = max(width, 1)
        self.height = max(height, 1)
        self.chars = [[" "] * self.width for _ in range(self.height)]
        self.styles: list[list[str]] = [[""] * self.width for _ in range(self.height)]
        self.lines: dict[tuple[int, int], int] = {}
        self.line_styles: dict[tuple[int, int], str] = {}

    def inside(self, x: int, y: int) -> bool:
        return 0 <= x < self.width and 0 <= y < self.height

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        for i, char in enumerate(text):
            if self.inside(x + i, y):
                self.chars[y][x + i] = char
                self.styles[y][x + i] = style
                self.lines.pop((x + i, y), None)

    def style(self, x: int, y: int, width: int, style: str) -> None:
        for i in range(width):
            if self.inside(x + i, y):
                self.styles[y][x + i] = style

    def _link(self, x: int, y: int, bits: int, style: str) -> None:
        if not self.inside(x, y):
            return
        self.lines[(x, y)] = self.lines.get((x, y), 0) | bits
        if style or (x, y) not in self.line_styles:
            self.line_styles[(x, y)] = style

    def hline(self, x0: int, x1: int, y: int, style: str = "") -> None:
        lo, hi = sorted((x0, x1))
        for x in range(lo, hi + 1) if hi > lo else ():
            self._link(x, y, (LEFT if x > lo else 0) | (RIGHT if x < hi else 0), style)

    def vline(self, x: int, y0: int, y1: int, style: str = "") -> None:
        lo, hi = sorted((y0, y1))
        for y in range(lo, hi + 1) if hi > lo else ():
            self._link(x, y, (UP if y > lo else 0) | (DOWN if y < hi else 0), style)

    def box(self, x: int, y: int, width: int, height: int, style: str = "") -> None:
        self.put(x, y, "┌" + "─" * (width - 2) + "┐", style)
        for row in range(y + 1, y + height - 1):
            self.put(x, row, "│", style)
            self.put(x + width - 1, row, "│", style)
        self.put(x, y + height - 1, "└" + "─" * (width - 2) + "┘", style)

    def to_text(self) -> Text:
        for (x, y), bits in self.lines.items():
            self.chars[y][x] = _JOINS.get(bits, "┼")
            self.styles[y][x] = self.line_styles.get((x, y), "")
        text = Text(no_wrap=True, overflow="crop")
        for y in range(self.height):
            row = self.chars[y]
            styles = self.styles[y]
            start = 0
            for x in range(1, self.width + 1):
                if x == self.width or styles[x] != styles[start]:
                    text.append("".join(row[start:x]), style=styles[start] or None)
                    start = x
            if y < self.height - 1:
                text.append("\n")
        return text
