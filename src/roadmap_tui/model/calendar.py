"""Working-day calendar: converts between dates and working-day offsets from the plan start.

Convention (docs/format.md): the plan starts at offset 0 on `start`. Work that occupies
offsets [s, s + d) finishes at the end of working day s + d - 1, so a 5-day item starting
Monday 2027-01-04 finishes Friday 2027-01-08, and its dependent starts at offset 5,
Monday 2027-01-11. numpy's business-day functions do the arithmetic, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from roadmap_tui.model.types import WEEKDAYS, Plan


@dataclass(frozen=True)
class Calendar:
    start: date
    workdays: tuple[str, ...]
    holidays: tuple[date, ...] = ()

    @classmethod
    def of(cls, plan: Plan) -> Calendar:
        return cls(plan.start, plan.workdays, plan.holidays)

    @property
    def _cal(self) -> np.busdaycalendar:
        mask = [day in self.workdays for day in WEEKDAYS]
        return np.busdaycalendar(weekmask=mask, holidays=list(self.holidays))

    @property
    def _origin(self) -> np.datetime64:
        return np.busday_offset(
            np.datetime64(self.start, "D"), 0, roll="forward", busdaycal=self._cal
        )

    def start_offset(self, day: date) -> int:
        """Offset at which work begun on `day` starts (a non-working day rolls forward)."""
        return int(np.busday_count(self._origin, np.datetime64(day, "D"), busdaycal=self._cal))

    def end_offset(self, day: date) -> int:
        """Offset reached by work that finishes at the end of `day` (inclusive)."""
        return int(
            np.busday_count(
                self._origin, np.datetime64(day + timedelta(days=1), "D"), busdaycal=self._cal
            )
        )

    def finish_dates(self, offsets: np.ndarray) -> np.ndarray:
        """Calendar dates (datetime64[D]) on which work ending at `offsets` is finished."""
        days = np.maximum(np.ceil(np.asarray(offsets, dtype=float)) - 1, 0).astype(np.int64)
        return np.busday_offset(self._origin, days, roll="forward", busdaycal=self._cal)

    def finish_date(self, offset: float) -> date:
        return self.finish_dates(np.array([offset]))[0].astype(date)

    def start_date(self, offset: int) -> date:
        """The working day on which work starting at `offset` begins."""
        return np.busday_offset(
            self._origin, int(offset), roll="forward", busdaycal=self._cal
        ).astype(date)
