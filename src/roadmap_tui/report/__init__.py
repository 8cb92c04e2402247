"""Exports of a forecast (md, csv, json, html, svg, png, ics, toml) and plan diffs.

`FORMATS` maps a format name to its writer so that the CLI holds no logic: it builds a
`ReportData` once and asks the format for its outputs. Writers are imported lazily, so a text
export never imports matplotlib.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from roadmap_tui.report.common import CHARTS, ReportData, build_report

#: `history` (the milestone trend over the plan's commits) needs git, so `all` leaves it out.
CHART_CHOICES: tuple[str, ...] = (*CHARTS, "all", "history")


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


class ExportError(Exception):
    """An export that cannot be written (bad output path, binary to a terminal...)."""


def output_paths(fmt: ExportFormat, chart: str, output: Path | None) -> list[Path | None]:
    """Where each output goes (None: stdout), checked before any forecast is run.

    Raises ExportError for several files without `-o`, or a path that cannot be written.
    """
    charts = CHARTS if fmt.charts and chart == "all" else (None,)
    if output is not None and str(output) == "-":  # the usual spelling of stdout
        output = None
    if output is None:
        if len(charts) > 1:
            raise ExportError(f"--chart all writes {len(charts)} files: give -o FILE.{fmt.name}")
        return [None]
    paths = [output if c is None else chart_path(output, c) for c in charts]
    for path in paths:
        check_writable(path)
    return paths


def check_writable(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path}: is a directory, expected a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ExportError(f"{path}: not writable (permission denied)")


def check_not_the_plan(output: str | list[Path | None] | None, plan: Path) -> None:
    """Refuse an output that would overwrite the plan being exported (`-o PLAN.toml`), and a
    folder-looking `-o NAME/` that is no folder (the path would silently lose its slash)."""
    if isinstance(output, str):
        if output.endswith(("/", os.sep)) and not Path(output).is_dir():
            raise ExportError(f"{output}: not a folder; give a file name, e.g. -o report.md")
        return
    for path in output or ():
        if path is None:
            continue
        same = path.resolve() == plan.resolve()
        if not same and path.exists() and plan.exists():
            same = os.path.samefile(path, plan)
        if same:
            raise ExportError(f"{path}: is the plan being exported; refusing to overwrite it")


def write_stdout(content: bytes) -> None:
    """Bytes to stdout as they are; a reader that went away (`| head`) is not an error."""
    import sys

    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0) from None


def write_outputs(outputs: list[Output], paths: list[Path | None]) -> list[Path]:
    """Write each output to its file (bytes as they are: ics keeps its CRLF)."""
    written: list[Path] = []
    for out, path in zip(outputs, paths, strict=True):
        if path is None:
            continue
        try:
            path.write_bytes(out.content)
        except OSError as exc:
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        written.append(path)
    return written


__all__ = [
    "CHARTS",
    "CHART_CHOICES",
    "FORMATS",
    "ExportError",
    "ExportFormat",
    "Output",
    "ReportData",
    "build_report",
    "chart_path",
    "check_not_the_plan",
    "check_writable",
    "output_paths",
    "write_outputs",
    "write_stdout",
]
