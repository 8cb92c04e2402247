"""The pure domain layer: plan types, the dependency graph, the calendar and validation."""

from roadmap_tui.model.types import (
    Estimate,
    Item,
    Metric,
    Override,
    Plan,
    PriorityConfig,
    Risk,
    Scenario,
)

__all__ = ["Estimate", "Item", "Metric", "Override", "Plan", "PriorityConfig", "Risk", "Scenario"]
