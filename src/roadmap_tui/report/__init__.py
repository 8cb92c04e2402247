"""Exports of a forecast (md, csv, json, html, svg, png, ics, toml) and plan diffs.

`FORMATS` maps a format name to its writer so that the CLI holds no logic: it builds a
`ReportData` once and asks the format for its outputs. Writers are imported lazily, so a text
export never imports matplotlib.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from roadmap_tui.report.common import ReportData, build_report

CHARTS: tuple[str, ...] = ("timeline", "scurve", "tornado")
CHART_CHOICES: tuple[str, ...] = (*CHARTS, "all")


@dataclass(frozen=True)
class Output:
    """One file of an export: `chart` names the chart when a format writes several."""

    content: bytes
    chart: str | None = None


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    writer: str  # "module:function", imported on first use
    binary: bool = False
    charts: bool = False  # takes --chart

    def write(self, data: ReportData, chart: str = "timeline") -> list[Output]:
        module, _, function = self.writer.partition(":")
        write = getattr(importlib.import_module(module), function)
        if not self.charts:
            return [Output(write(data).encode("utf-8"))]
        if chart not in CHART_CHOICES:
            raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(CHART_CHOICES)}")
        names = CHARTS if chart == "all" else (chart,)
        return [Output(write(data, name, self.name), name) for name in names]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "md",
            "Markdown report with a Mermaid gantt",
            "roadmap_tui.report.markdown:write_markdown",
        ),
        ExportFormat(
            "csv", "one row per item, every figure", "roadmap_tui.report.csv_export:write_csv"
        ),
        ExportFormat(
            "json", "the full forecast and ranking", "roadmap_tui.report.json_export:write_json"
        ),
        ExportFormat(
            "html", "self-contained report with charts", "roadmap_tui.report.html:write_html"
        ),
        ExportFormat(
            "svg", "chart(s) as SVG", "roadmap_tui.report.charts:render_chart", charts=True
        ),
        ExportFormat(
            "png",
            "chart(s) as PNG",
            "roadmap_tui.report.charts:render_chart",
            binary=True,
            charts=True,
        ),
        ExportFormat(
            "ics", "milestones' P80 dates as calendar events", "roadmap_tui.report.ics:write_ics"
        ),
        ExportFormat(
            "toml", "forecast snapshot to commit", "roadmap_tui.report.snapshot:write_snapshot"
        ),
    )
}


def chart_path(path: Path, chart: str) -> Path:
    """`report.svg` -> `report-timeline.svg`: one file per chart when `--chart all`."""
    return path.with_name(f"{path.stem}-{chart}{path.suffix}")


__all__ = [
    "CHARTS",
    "CHART_CHOICES",
    "FORMATS",
    "ExportFormat",
    "Output",
    "ReportData",
    "build_report",
    "chart_path",
]
