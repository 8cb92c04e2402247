"""A TOML forecast snapshot to commit next to the plan, so a pull request shows it move.

Written fresh with tomli-w (no comments to keep). Figures are rounded (days to 0.1,
probabilities to 0.001) so a snapshot line changes only when the forecast really moves.
A value that does not exist (a percentile among futures where the item never completes, a
P(on time) without target, a rank of a done item) is left out: TOML has no null.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from roadmap_tui.report.common import ReportData, toml_value

PERCENTILES = ("mean", "p10", "p50", "p80", "p95")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None and v != {}}


def _finish(entry: Any) -> dict[str, Any]:
    return {
        "finish_days": _drop_none(
            {p: _round(getattr(entry.finish_days, p), 1) for p in PERCENTILES}
        ),
        "finish": _drop_none({p: getattr(entry.finish, p) for p in PERCENTILES}),
    }


def snapshot_dict(data: ReportData) -> dict[str, Any]:
    fc = data.forecast
    ranked = {r.id: r for r in data.ranking.items}
    doc: dict[str, Any] = {
        "snapshot": _drop_none(
            {
                "plan": data.plan.name,
                "scenario": data.scenario,
                "runs": fc.runs,
                "seed": fc.seed,
                "start": fc.start,
                "as_of": fc.as_of,
                "priority_method": data.ranking.method,
            }
        ),
        "plan": _drop_none(
            {
                "p_success": _round(fc.plan.p_success, 3),
                **_finish(fc.plan),
                "deterministic_days": _round(fc.plan.deterministic_days, 1),
                "deterministic_date": fc.plan.deterministic_date,
            }
        ),
        "items": {},
    }
    for item_id, f in fc.items.items():
        r = ranked.get(item_id)
        doc["items"][item_id] = _drop_none(
            {
                "p_success": _round(f.p_success, 3),
                **_finish(f),
                "p_on_time": _round(f.p_on_time, 3),
                "criticality": _round(f.criticality, 3),
                "sensitivity": _round(f.sensitivity, 3),
                "score": None if r is None else _round(r.score, 1),
                "rank": None if r is None else r.rank,
            }
        )
    return doc


def write_snapshot(data: ReportData) -> str:
    header = (
        f"# Forecast snapshot of {toml_value(data.title)}\n"
        "# written by `roadmap export --format toml`.\n"
        "# Regenerate it; do not edit it by hand.\n\n"
    )
    return header + tomli_w.dumps(snapshot_dict(data))
