"""One CSV row per item with every forecast and priority figure, for spreadsheets.

Dropped items have no forecast and done/dropped items no rank: those cells are empty, never
zero; so is `wait_days` (the name `simulate --json` uses) for an item without a team. Dates
are ISO, probabilities are fractions (0-1), durations are working days.

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
#: Factors whose raw input is a pair: one column per value (a cell holds one value, never
#: a list a spreadsheet cannot read).
PAIR_RAWS: dict[str, tuple[str, ...]] = {"urgency": ("criticality", "p_on_time")}


def _raw_columns(name: str) -> list[str]:
    parts = PAIR_RAWS.get(name)
    return [f"{name}_raw"] if parts is None else [f"{name}_raw_{p}" for p in parts]


def columns() -> list[str]:
    cols = ["id", "title", "kind", "status", "owner", "target", "p_success"]
    cols += [f"finish_days_{p}" for p in PERCENTILES]
    cols += [f"finish_{p}" for p in PERCENTILES]
    cols += ["p_on_time", "criticality", "sensitivity", "mean_duration", "wait_days"]
    cols += ["rank", "score", "days", "per_day", "with", "ready", "rank_best", "rank_worst"]
    for name in FACTORS:
        cols += [*_raw_columns(name), f"{name}_value", f"{name}_weight", f"{name}_contribution"]
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
    """One raw value: a number or a word; empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return _num(value)


def _raws(name: str, value: object) -> list[str]:
    """A factor's raw input in its columns: urgency's pair in two cells, `0.9500` and ``."""
    width = len(_raw_columns(name))
    if isinstance(value, (list, tuple)):
        cells = [_raw(v) for v in value]
        return (cells + [""] * width)[:width]
    return [_raw(value)] + [""] * (width - 1)


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
            row += [""] * (1 + 2 * len(PERCENTILES) + 5)
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
                _num(f.wait_days, 2),  # empty for an item without a team, as JSON's null
            ]
        r = ranked.get(item.id)
        if r is None:
            row += [""] * (8 + sum(3 + len(_raw_columns(n)) for n in FACTORS))
        else:
            row += [str(r.rank), _num(r.score, 2), _num(r.days, 2), _num(r.per_day, 4)]
            row += [text_cell(" ".join(r.with_ids)), str(bool(r.ready)).lower()]
            row += [str(r.rank_range[0]), str(r.rank_range[1])]
            for name in FACTORS:
                fv = r.factors.get(name)
                if fv is None:
                    row += [""] * (3 + len(_raw_columns(name)))
                    continue
                row += _raws(name, fv.raw)
                row += [_num(fv.value), _num(fv.weight, 2), _num(fv.contribution, 2)]
        writer.writerow(row)
    return buf.getvalue()
