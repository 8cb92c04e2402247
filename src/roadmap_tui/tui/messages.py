"""Messages the views post to the app; the app owns the plan and answers them with @on."""

from __future__ import annotations

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
