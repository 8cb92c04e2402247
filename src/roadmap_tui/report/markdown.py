"""The Markdown forecast report: for a pull request, a wiki or a committed `FORECAST.md`.

No timestamps and no environment in the output: the same plan and seed give the same bytes,
so a committed report diffs cleanly. GitHub renders the Mermaid `gantt` block as a chart.
"""

from __future__ import annotations

import re
from datetime import timedelta

from roadmap_tui.report.common import ReportData, p50_schedule
from roadmap_tui.report.content import Cell, Code, Section, Strong, headline, sections, summary

#: Words Mermaid's gantt grammar reads as a statement when they open a line.
_MERMAID_KEYWORDS = (
    "accdescr",
    "acctitle",
    "axisformat",
    "dateformat",
    "excludes",
    "gantt",
    "includes",
    "inclusiveenddates",
    "section",
    "tickinterval",
    "title",
    "todaymarker",
    "topaxis",
    "weekday",
    "weekend",
)

_SECTIONS = (
    ("data", "Data"),
    ("experiment", "Experiments"),
    ("task", "Tasks"),
    ("milestone", "Milestones"),
)


def md_text(text: str) -> str:
    """Plan text in Markdown: one line, Markdown and HTML syntax escaped."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|#~!&])", r"\\\1", text)


def md_cell(cell: Cell) -> str:
    if isinstance(cell, Code):
        return f"`{cell.text.replace('`', '')}`"
    if isinstance(cell, Strong):
        return f"**{md_text(cell.text)}**"
    return md_text(cell)


def mermaid_text(text: str, fallback: str = "item") -> str:
    """A title Mermaid's gantt grammar reads as plain text.

    `:` separates a task from its data, `#` and `;` end it, `%%` starts a comment, `<` `>`
    would be HTML and a backtick could close the code fence; a leading keyword (`section`,
    `title`...) would turn the line into a statement.
    """
    text = " ".join(str(text).split())
    for old, new in (
        (":", " -"),
        (";", ","),
        ("#", "＃"),
        ("<", "‹"),
        (">", "›"),
        ("`", "'"),
    ):
        text = text.replace(old, new)
    text = " ".join(re.sub("%+", "%", text).split())  # `%%` would start a comment
    if not text:
        return fallback
    if text.split(" ")[0].lower() in _MERMAID_KEYWORDS:
        text = "› " + text
    return text


def mermaid_gantt(data: ReportData) -> str:
    """The P50 timeline as a Mermaid gantt block (end dates exclusive, hence the +1 day)."""
    schedule = p50_schedule(data)
    fc = data.forecast
    lines = [
        "```mermaid",
        "gantt",
        f"    title {mermaid_text(data.title, 'Plan')} - P50 timeline",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m-%d",
    ]
    for kind, heading in _SECTIONS:
        rows = [s for s in schedule if data.plan.item(s.id).kind == kind]
        if not rows:
            continue
        lines.append(f"    section {heading}")
        for s in rows:
            item = data.plan.item(s.id)
            tags = []
            if item.status == "done":
                tags.append("done")
            elif item.status == "doing":
                tags.append("active")
            if fc.items[s.id].criticality >= 0.5:
                tags.append("crit")
            title = mermaid_text(item.title, s.id)
            if s.milestone:
                spec = ", ".join(["milestone", *tags, s.id, s.finish.isoformat(), "0d"])
            else:
                end = s.finish + timedelta(days=1)
                spec = ", ".join([*tags, s.id, s.start.isoformat(), end.isoformat()])
            lines.append(f"    {title} :{spec}")
    lines.append("```")
    return "\n".join(lines)


def _table(section: Section) -> list[str]:
    table = section.table
    if table is None:
        return []
    out = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join("---" for _ in table.headers) + "|",
    ]
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows]
    return out


def write_markdown(data: ReportData) -> str:
    out = [f"# Forecast: {md_text(data.title)}", "", f"**{md_text(headline(data))}**", ""]
    out += [md_text(summary(data)), ""]
    for section in sections(data):
        out += [f"## {section.title}", "", md_text(section.intro), ""]
        body = _table(section)
        if section.collapsed and body:
            out += ["<details>", f"<summary>{len(section.table.rows)} items</summary>", ""]
            out += [*body, "", "</details>", ""]
        elif body:
            out += [*body, ""]
        if section.note:
            out += [md_text(section.note), ""]
        if section.chart:
            out += ["```text", *section.chart, "```", ""]
    out += [
        "## Timeline (P50)",
        "",
        "Bars start when their dependencies' P50 finish; items that are never finished in half "
        "of the futures are left out; critical items (criticality at least 0.5) are highlighted.",
        "",
        mermaid_gantt(data),
        "",
    ]
    return "\n".join(out)
