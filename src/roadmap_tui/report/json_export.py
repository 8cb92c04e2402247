"""The full forecast and ranking as one JSON document, for scripts and dashboards.

`forecast` is the schema of `roadmap simulate --json` and `priority` that of
`roadmap prioritize --json`; the same plan and seed give the same bytes.
"""

from __future__ import annotations

import json

from roadmap_tui.report.common import ReportData


def write_json(data: ReportData) -> str:
    document = {
        "plan": data.plan.name,
        "scenario": data.scenario,
        "forecast": data.forecast.to_json_dict(),
        "priority": data.ranking.to_json_dict(),
    }
    if data.calibration is not None:  # [forecast] calibrate = true: as `simulate --json` has it
        document["calibration"] = {
            "summary": data.calibration,
            "forecast": None if data.calibrated is None else data.calibrated.to_json_dict(),
        }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
