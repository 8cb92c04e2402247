"""The forecast layer: a vectorised Monte Carlo of the plan. Pure: plan in, result out.

Imports numpy and the model only; never Textual or matplotlib (a test checks it).
"""

from roadmap_tui.forecast.effects import (
    RISK_EFFECT_RUNS,
    RiskEffect,
    RiskEffects,
    risk_effects,
    simulate_with_effects,
)
from roadmap_tui.forecast.engine import (
    DEFAULT_CHUNK,
    SENSITIVITY_RUNS,
    ForecastError,
    ForecastFigures,
    Progress,
    compare,
    figures,
    simulate,
)
from roadmap_tui.forecast.result import (
    COMPARE_SCHEMA,
    PERCENTILE_KEYS,
    SCHEMA,
    DatePercentiles,
    ForecastResult,
    Histogram,
    ItemForecast,
    Percentiles,
    PlanForecast,
    ReadinessCurve,
    compare_to_json_dict,
)

__all__ = [
    "COMPARE_SCHEMA",
    "DEFAULT_CHUNK",
    "PERCENTILE_KEYS",
    "RISK_EFFECT_RUNS",
    "SCHEMA",
    "SENSITIVITY_RUNS",
    "DatePercentiles",
    "ForecastError",
    "ForecastFigures",
    "ForecastResult",
    "Histogram",
    "ItemForecast",
    "Percentiles",
    "PlanForecast",
    "Progress",
    "ReadinessCurve",
    "RiskEffect",
    "RiskEffects",
    "compare",
    "compare_to_json_dict",
    "figures",
    "risk_effects",
    "simulate",
    "simulate_with_effects",
]
