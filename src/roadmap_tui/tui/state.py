"""Undo/redo history of plan snapshots, and whether the shown plan differs from the saved one.

Plans are immutable values, so a history is just a list of them: undo and redo move a cursor,
and "dirty" is a comparison with the plan last loaded or saved. No domain rules live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roadmap_tui.model.types import Plan

#: How many edits can be undone; the spec asks for at least 100.
DEFAULT_LIMIT = 200


@dataclass
class History:
    """Snapshots of the plan, each with the label of the edit that produced it."""

    saved: Plan
    limit: int = DEFAULT_LIMIT
    _plans: list[Plan] = field(default_factory=list)
    _labels: list[str] = field(default_factory=list)
    _cursor: int = 0

    def __post_init__(self) -> None:
        if not self._plans:
            self._plans = [self.saved]
            self._labels = ["open"]
            self._cursor = 0

    @property
    def present(self) -> Plan:
        return self._plans[self._cursor]

    @property
    def dirty(self) -> bool:
        """True when the shown plan is not the one on disk (undoing back to it cleans it)."""
        return self.present != self.saved

    @property
    def can_undo(self) -> bool:
        return self._cursor > 0

    @property
    def can_redo(self) -> bool:
        return self._cursor < len(self._plans) - 1

    @property
    def undo_label(self) -> str | None:
        return self._labels[self._cursor] if self.can_undo else None

    @property
    def redo_label(self) -> str | None:
        return self._labels[self._cursor + 1] if self.can_redo else None

    def push(self, plan: Plan, label: str) -> bool:
        """Record an edit; a no-op edit records nothing. Redo steps after the cursor are dropped."""
        if plan == self.present:
            return False
        del self._plans[self._cursor + 1 :]
        del self._labels[self._cursor + 1 :]
        self._plans.append(plan)
        self._labels.append(label)
        overflow = len(self._plans) - (self.limit + 1)
        if overflow > 0:
            del self._plans[:overflow]
            del self._labels[:overflow]
        self._cursor = len(self._plans) - 1
        return True

    def undo(self) -> str | None:
        """Step back; returns the label of the edit undone, or None when there is none."""
        if not self.can_undo:
            return None
        label = self._labels[self._cursor]
        self._cursor -= 1
        return label

    def redo(self) -> str | None:
        if not self.can_redo:
            return None
        self._cursor += 1
        return self._labels[self._cursor]

    def mark_saved(self, plan: Plan | None = None) -> None:
        """The plan on disk is now `plan` (default: the present one)."""
        self.saved = self.present if plan is None else plan
