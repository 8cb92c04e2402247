"""One CSV row per item with every forecast and priority figure, for spreadsheets.

Dropped items have no forecast and done/dropped items no rank: those cells are empty, never
zero. Dates are ISO, probabilities are fractions (0-1), durations are working days.

Plan text (ids, titles, owners) is a cell a spreadsheet must not run: one that starts with
= + - @ (after any blanks), a tab or a CR gets a leading apostrophe (OWASP's advice against
CSV injection), and control characters are replaced (model.text.clean: a line break is a
space, so no cell splits a row). Figures we write, negative ones included, are left as
they are.
"""

from __future__ import annotations

import csv
import io

from roadmap_tui.model.text import clean
from roadmap_tui.model.types import FACTORS
from roadmap_tui.report.common import ReportData

PERCENTILES = ("mean", "p10", "p50", "p80", "p95")


def columns() -> list[str]:
    cols = ["id", "title", "kind", "status", "owner", "target", "p_success"]
    cols += [f"finish_days_{p}" for p in PERCENTILES]
    cols += [f"finish_{p}" for p in PERCENTILES]
    cols += ["p_on_time", "criticality", "sensitivity", "mean_duration"]
    cols += ["rank", "score", "ready", "rank_best", "rank_worst"]
    for name in FACTORS:
        cols += [f"{name}_raw", f"{name}_value", f"{name}_weight", f"{name}_contribution"]
    cols += ["inherited_contribution", "inherited_from"]
    return cols


#: What a formula starts with in Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """Plan text as a CSV cell no spreadsheet reads as a formula."""
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START):
        text = "'" + text
    return clean(text)


def _num(value: float | None, digits: int = 4) -> str:
    if value is None:
        return ""
    return f"{float(value):.{digits}f}"


def _raw(value: object) -> str:
    """A factor's raw input: a number, a word, or a pair like urgency's `[0.9500, 0.8480]`."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_raw(v) or "null" for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return _num(value)


def write_csv(data: ReportData) -> str:
    fc = data.forecast
    ranked = {r.id: r for r in data.ranking.items}
    buf = io.StringIO()
    # text_cell makes a CR or LF a space: a bare CR (which the csv module does not quote
    # with lineterminator "\n") can never split a row
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns())
    for item in data.plan.items:
        f = fc.items.get(item.id)
        row: list[str] = [
            text_cell(item.id),
            text_cell(item.title),
            item.kind,
            item.status,
            text_cell(item.owner or ""),
            item.target.isoformat() if item.target else "",
        ]
        if f is None:
            row += [""] * (1 + 2 * len(PERCENTILES) + 4)
        else:
            row.append(_num(f.p_success))
            row += [_num(getattr(f.finish_days, p), 2) for p in PERCENTILES]
            row += [
                "" if getattr(f.finish, p) is None else getattr(f.finish, p).isoformat()
                for p in PERCENTILES
            ]
            row += [
                _num(f.p_on_time),
                _num(f.criticality),
                _num(f.sensitivity),
                _num(f.mean_duration, 2),
            ]
        r = ranked.get(item.id)
        if r is None:
            row += [""] * (5 + 4 * len(FACTORS) + 2)
        else:
            row += [str(r.rank), _num(r.score, 2), str(bool(r.ready)).lower()]
            row += [str(r.rank_range[0]), str(r.rank_range[1])]
            for name in FACTORS:
                fv = r.factors.get(name)
                if fv is None:
                    row += ["", "", "", ""]
                    continue
                row += [_raw(fv.raw), _num(fv.value), _num(fv.weight, 2), _num(fv.contribution, 2)]
            if r.inherited is None:
                row += ["", ""]
            else:
                contribution, source = r.inherited
                row += [_num(contribution, 2), text_cell(source)]
        writer.writerow(row)
    return buf.getvalue()
