"""Messages the views post to the app; the app owns the plan and answers them with @on."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message


class ItemSelected(Message):
    """A view moved its selection to an item; every other view follows."""

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id


class RiskSelected(Message):
    def __init__(self, risk_id: str) -> None:
        super().__init__()
        self.risk_id = risk_id


class TeamSelected(Message):
    def __init__(self, team_id: str) -> None:
        super().__init__()
        self.team_id = team_id


class WeightsChanged(Message):
    """The priority weights or method were edited in place on the priorities view."""

    def __init__(self, weights: dict[str, float], method: str) -> None:
        super().__init__()
        self.weights = weights
        self.method = method


class ScenarioChosen(Message):
    """The forecast view's scenario switcher picked a scenario (None: the baseline)."""

    def __init__(self, scenario: str | None) -> None:
        super().__init__()
        self.scenario = scenario


class FromWorker(Message):
    """A background worker's result to apply on the app's thread.

    Workers post this (posting is thread-safe and never waits) instead of calling
    `call_from_thread`, which waits for the app's loop to run the call: a worker still busy
    when the app quits would wait for ever, and its thread would keep the process (or a test
    session) from exiting.
    """

    def __init__(self, apply: Callable[[], object]) -> None:
        super().__init__()
        self.apply = apply
