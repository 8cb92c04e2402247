"""Working-day calendar: converts between dates and working-day offsets from the plan start.

Convention (docs/format.md): the plan starts at offset 0 on `start`. Work that occupies
offsets [s, s + d) finishes at the end of working day s + d - 1, so a 5-day item starting
Monday 2027-01-04 finishes Friday 2027-01-08, and its dependent starts at offset 5,
Monday 2027-01-11. numpy's business-day functions do the arithmetic, vectorised.

Computed dates are clamped to FAR_FUTURE (9999-01-01), so an offset far beyond any plan's
dates (a long chain of long items, an as_of in 9999) is a date, never an OverflowError; a
report shows it as "9999 or later" (docs/format.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from roadmap_tui.model.types import WEEKDAYS, Plan

#: The latest date a forecast shows: later finishes are clamped to it. A year before
#: date.max, so a day or a month added to it (an iCalendar DTEND, a chart axis) still fits.
FAR_FUTURE = date(9999, 1, 1)
#: How a report writes a date clamped to FAR_FUTURE.
FAR_FUTURE_LABEL = "9999 or later"
_FAR = np.datetime64(FAR_FUTURE, "D")


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
        following = np.datetime64(day, "D") + 1  # numpy: no OverflowError for 9999-12-31
        return int(np.busday_count(self._origin, following, busdaycal=self._cal))

    def _last_offset(self) -> int:
        """Offsets beyond this one fall on or after FAR_FUTURE."""
        return max(int(np.busday_count(self._origin, _FAR, busdaycal=self._cal)), 0)

    def finish_dates(self, offsets: np.ndarray) -> np.ndarray:
        """Calendar dates (datetime64[D]) on which work ending at `offsets` is finished,
        at most FAR_FUTURE (nan counts as 0, inf as beyond FAR_FUTURE)."""
        x = np.nan_to_num(np.asarray(offsets, dtype=float), nan=0.0, posinf=np.inf, neginf=0.0)
        days = np.clip(np.ceil(x) - 1, 0, self._last_offset()).astype(np.int64)
        found = np.busday_offset(self._origin, days, roll="forward", busdaycal=self._cal)
        return np.minimum(found, _FAR)

    def finish_date(self, offset: float) -> date:
        return self.finish_dates(np.array([offset]))[0].astype(date)

    def start_date(self, offset: int) -> date:
        """The working day on which work starting at `offset` begins (at most FAR_FUTURE)."""
        days = min(int(offset), self._last_offset())
        found = np.busday_offset(self._origin, days, roll="forward", busdaycal=self._cal)
        return min(found, _FAR).astype(date)
