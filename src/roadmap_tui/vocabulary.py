"""The words every face uses for the forecast's concepts (docs/glossary.md lists them once).

One name per concept: views, commands, exports and docs import these instead of spelling
their own, and tests/test_vocabulary.py fails on a retired synonym anywhere in src/.
"""

from __future__ import annotations

#: The chance that the work is ever finished (every attempt may fail): JSON `p_success`.
P_SUCCESS = "P(success)"
#: A percentile that falls among the futures in which the work is never finished.
NEVER = "never"
#: The chance of finishing by the item's target date: JSON `p_on_time`.
P_ON_TIME = "P(on time)"
#: The items whose drawn duration moves the plan finish most (rank correlation, JSON
#: `sensitivity`); executives see "drivers", never the statistic's name.
DRIVERS = "drivers"

#: Synonyms retired in favour of the words above; none may appear in a user-facing string.
RETIRED: dict[str, str] = {
    "P(ok)": P_SUCCESS,
    "P(done)": P_SUCCESS,
    "P(all done)": P_SUCCESS,
    "not ready": NEVER,
    "Spearman": DRIVERS,
}


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 risk`, `2 risks`, `1,000 runs`: a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
