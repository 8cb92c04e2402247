"""One self-contained HTML report: the Markdown report's content plus the three charts inline.

No scripts, no fonts, no external URLs (a Content-Security-Policy forbids them), so the file
opens offline and can be mailed. Every string from the plan goes through `html.escape`.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from roadmap_tui.report.common import CHARTS, ReportData
from roadmap_tui.report.content import Cell, Code, Section, Strong, headline, sections, summary

if TYPE_CHECKING:
    from roadmap_tui.priority import ValueCurve

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .55rem; text-align: left; }
th { background: #f3f5f7; } tr:nth-child(even) td { background: #fafbfc; }
code { font: .85rem ui-monospace, monospace; background: #f3f5f7; padding: 0 .2rem; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: .85rem; }
.headline { font-size: 1.1rem; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def cell(value: Cell) -> str:
    if isinstance(value, Code):
        return f"<code>{esc(value.text)}</code>"
    if isinstance(value, Strong):
        return f"<strong>{esc(value.text)}</strong>"
    return esc(value)


def table(section: Section) -> str:
    t = section.table
    if t is None:
        return ""
    head = "".join(f"<th>{esc(h)}</th>" for h in t.headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in t.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def inline_svg(svg: bytes) -> str:
    """Matplotlib's SVG without XML prolog, doctype and comments (which echo plan text)."""
    text = svg.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return text.strip()


_CAPTIONS = {
    "timeline": "P50 bars with P80 and P95 bands; red ticks are targets, diamonds milestones.",
    "scurve": "Probability that the plan and each milestone is ready by a date.",
    "tornado": "Sensitivity: which items' durations move the finish date most.",
    "teams": "Busy units per week of each team in the median run, against its capacity.",
}


def value_curve_svg(curve: ValueCurve, width: int = 360, height: int = 120) -> str:
    """The share of value delivered against working days, the sequence (green) and score
    order (grey), as a small hand-written SVG: two step lines and their 80% days."""
    left, bottom, top, right = 34, 22, 8, 8
    w, h = width - left - right, height - top - bottom
    end = curve.end or 1.0

    def path(points: tuple[tuple[str, float, float], ...]) -> str:
        xy = [(0.0, 0.0)]
        for _, day, share in points:
            xy += [(day, xy[-1][1]), (day, share)]
        return " ".join(f"{left + x / end * w:.1f},{top + (1 - y) * h:.1f}" for x, y in xy)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="value delivered over time">',
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#d0d7de"/>',
        f'<line x1="{left}" x2="{left + w}" y1="{top + 0.2 * h:.1f}" y2="{top + 0.2 * h:.1f}" '
        'stroke="#d0d7de" stroke-dasharray="3 3"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">100%</text>',
        f'<text x="{left - 4}" y="{top + 0.2 * h + 4:.1f}" font-size="10" '
        'text-anchor="end">80%</text>',
        f'<text x="{left}" y="{height - 6}" font-size="10">day 0</text>',
        f'<text x="{left + w}" y="{height - 6}" font-size="10" text-anchor="end">'
        f"day {round(end)}</text>",
        f'<polyline fill="none" stroke="#999" stroke-width="1.5" points="{path(curve.score)}"/>',
        f'<polyline fill="none" stroke="#2e7d32" stroke-width="2" '
        f'points="{path(curve.sequence)}"/>',
        "</svg>",
    ]
    return "\n".join(parts)


def write_html(data: ReportData, charts: dict[str, bytes] | None = None) -> str:
    """`charts` maps chart name -> SVG bytes; by default all three are drawn here."""
    if charts is None:
        from roadmap_tui.report.charts import render_chart

        charts = {name: render_chart(data, name, "svg") for name in CHARTS}
        if data.forecast.teams:  # plans with teams: the load of each team
            charts["teams"] = render_chart(data, "teams", "svg")
    title = f"Forecast: {data.title}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="headline"><strong>{esc(headline(data))}</strong></p>',
        f"<p>{esc(summary(data))}</p>",
    ]
    for section in sections(data):
        parts.append(f"<h2>{esc(section.title)}</h2>")
        parts.append(f"<p>{esc(section.intro)}</p>")
        body = table(section)
        if body and section.collapsed:
            n = len(section.table.rows)
            body = f"<details><summary>{n} items</summary>\n{body}\n</details>"
        if body:
            parts.append(body)
        if section.note:
            parts.append(f'<p class="note">{esc(section.note)}</p>')
        if section.curve is not None:
            parts.append(
                f"<figure>\n{value_curve_svg(section.curve)}\n<figcaption>Share of the value "
                "delivered by working day: sequence (green), score order (grey).</figcaption>"
                "\n</figure>"
            )
    if charts:
        parts.append("<h2>Charts</h2>")
        for name, svg in charts.items():
            caption = esc(_CAPTIONS.get(name, name))
            parts.append(
                f"<figure>\n{inline_svg(svg)}\n<figcaption>{caption}</figcaption>\n</figure>"
            )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
