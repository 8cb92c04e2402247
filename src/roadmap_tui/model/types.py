"""Plan types: small immutable values that every layer shares.

They hold parsed, validated data only; reading TOML and checking it is the job of
`model.parse`, and touching files is the job of `store`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cached_property
from typing import Any, Literal

Kind = Literal["task", "data", "experiment", "milestone"]
Status = Literal["todo", "doing", "done", "dropped"]
Distribution = Literal["pert", "triangular", "uniform", "lognormal", "fixed"]

KINDS: tuple[str, ...] = ("task", "data", "experiment", "milestone")
STATUSES: tuple[str, ...] = ("todo", "doing", "done", "dropped")
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular", "uniform", "lognormal", "fixed")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WORKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
#: The `[sizes]` a plan has without writing any: T-shirt sizes as [low, likely, high] days.
DEFAULT_SIZES: Mapping[str, tuple[float, float, float]] = {
    "XS": (0.5, 1.0, 2.0),
    "S": (1.0, 2.0, 4.0),
    "M": (3.0, 5.0, 10.0),
    "L": (8.0, 13.0, 25.0),
    "XL": (15.0, 25.0, 50.0),
}

#: ML technology readiness levels of Lavin et al., Nature Communications 13, 6039 (2022).
READINESS_LEVELS: tuple[str, ...] = (
    "first principles",
    "goal-oriented research",
    "proof of principle",
    "system development",
    "proof of concept",
    "ML capability",
    "application development",
    "integrations",
    "flight-ready",
    "deployment",
)

#: z-score of the 90th percentile of a standard normal, for lognormal P10/P90 fits.
_Z90 = 1.2815515655446004


def readiness_name(level: int) -> str:
    """'3 system development': a level is never shown without its name."""
    return f"{level} {READINESS_LEVELS[level]}"


@dataclass(frozen=True)
class Estimate:
    """A duration in working days, as a three-point estimate and its distribution."""

    low: float
    likely: float
    high: float
    distribution: Distribution = "pert"
    #: The `[sizes]` name the estimate was written as ("M"), so saves write it back as such.
    size: str | None = None

    @classmethod
    def fixed(cls, days: float) -> Estimate:
        return cls(days, days, days, "fixed")

    @property
    def is_fixed(self) -> bool:
        return self.distribution == "fixed" or self.low == self.high

    @property
    def mean(self) -> float:
        """Expected duration of one draw, used by the priority score's `ease`."""
        lo, ml, hi = self.low, self.likely, self.high
        if self.is_fixed:
            return ml
        if self.distribution == "pert":
            return (lo + 4 * ml + hi) / 6
        if self.distribution == "triangular":
            return (lo + ml + hi) / 3
        if self.distribution == "uniform":
            return (lo + hi) / 2
        # lognormal with P10 = low and P90 = high
        if lo <= 0:
            return (lo + hi) / 2
        mu = (math.log(lo) + math.log(hi)) / 2
        sigma = (math.log(hi) - math.log(lo)) / (2 * _Z90)
        return math.exp(mu + sigma**2 / 2)

    def as_toml(self) -> float | list[float] | str:
        """The value as written in a plan: its size name, one number when fixed, else
        [low, likely, high]."""
        if self.size is not None:
            return self.size
        if self.low == self.likely == self.high:
            return _num(self.likely)
        return [_num(self.low), _num(self.likely), _num(self.high)]


def _num(x: float) -> float:
    return int(x) if float(x).is_integer() else x


@dataclass(frozen=True)
class Metric:
    """The target metric an experiment is trying to reach (shown, not simulated)."""

    name: str
    current: float | None = None
    target: float | None = None

    @property
    def progress(self) -> float | None:
        """How close `current` is to `target`, 0-1: current/target, or target/current when
        the target is below the current value (a latency or an error rate to bring down).
        None without both values, or when a zero makes the ratio meaningless."""
        if self.current is None or self.target is None:
            return None
        if self.current == self.target:
            return 1.0
        low, high = sorted((abs(self.current), abs(self.target)))
        if high == 0 or (self.current < 0) != (self.target < 0):
            return None
        return low / high


@dataclass(frozen=True)
class Item:
    """One piece of work on the roadmap: a task, data work, an experiment or a milestone."""

    id: str
    title: str
    kind: Kind = "task"
    estimate: Estimate | None = None
    depends_on: tuple[str, ...] = ()
    impact: float = 3.0
    data: float = 1.0
    readiness: int = 9
    target: date | None = None
    status: Status = "todo"
    started: date | None = None
    finished: date | None = None
    remaining: Estimate | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    p_success: float = 1.0
    max_attempts: int = 1
    metric: Metric | None = None
    link: str | None = None
    team: str | None = None

    @property
    def duration(self) -> Estimate:
        """What is left to do: `remaining` for work in progress, else the estimate (0 if none)."""
        if self.status == "doing" and self.remaining is not None:
            return self.remaining
        return self.estimate if self.estimate is not None else Estimate.fixed(0)

    @property
    def is_open(self) -> bool:
        return self.status in ("todo", "doing")


@dataclass(frozen=True)
class Risk:
    """A shared cause of delay: when it strikes, every affected item slips by the same draw."""

    id: str
    title: str
    probability: float
    delay: Estimate
    affects: tuple[str, ...] = ()


#: A capacity as written: a number of units, or dated steps `((date, units), ...)`.
Capacity = int | tuple[tuple[date, int], ...]
QUEUES: tuple[str, ...] = ("priority", "file")


@dataclass(frozen=True)
class Team:
    """People who work on a limited number of items at once: each holds one unit."""

    id: str
    title: str
    capacity: Capacity = 1

    def steps(self, start: date) -> tuple[tuple[date, int], ...]:
        """The capacity as dated steps; a plain number is one step on the plan's `start`."""
        if isinstance(self.capacity, int):
            return ((start, self.capacity),)
        return self.capacity

    @property
    def units(self) -> int:
        """The most units it ever has at once: how many parallel lanes the engine keeps."""
        if isinstance(self.capacity, int):
            return self.capacity
        return max((n for _, n in self.capacity), default=0)


@dataclass(frozen=True)
class Override:
    """One scenario override: `section.id.field = value` with the value already parsed."""

    section: Literal["items", "risks", "teams"]
    id: str
    field: str
    value: Any


@dataclass(frozen=True)
class Scenario:
    """A named what-if: overrides applied to the base plan."""

    id: str
    title: str
    overrides: tuple[Override, ...] = ()


FACTORS: tuple[str, ...] = (
    "impact",
    "data",
    "readiness",
    "confidence",
    "urgency",
    "unblocks",
    "ease",
)
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "impact": 3.0,
    "data": 2.0,
    "readiness": 2.0,
    "confidence": 1.0,
    "urgency": 2.0,
    "unblocks": 1.0,
    # 0: time already divides the value in the sequence (value per day); a weight on ease
    # would count an item's duration twice (docs/prioritisation.md)
    "ease": 0.0,
}
METHODS: tuple[str, ...] = ("weighted", "gated")
#: `[priority] order`: the value-per-day sequence that respects dependencies, or plain score.
ORDERS: tuple[str, ...] = ("sequence", "score")


@dataclass(frozen=True)
class PriorityConfig:
    """The `[priority]` table: method, factor weights (defaults filled in) and order."""

    method: Literal["weighted", "gated"] = "weighted"
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    order: Literal["sequence", "score"] = "sequence"


@dataclass(frozen=True)
class Plan:
    """A whole roadmap. Items, risks and scenarios keep the order of the file."""

    name: str
    start: date
    workdays: tuple[str, ...] = DEFAULT_WORKDAYS
    holidays: tuple[date, ...] = ()
    as_of: date | None = None
    runs: int = 10_000
    seed: int = 0
    calibrate: bool = False  # forecasts also draw on the done items' actuals (calibration)
    priority: PriorityConfig = field(default_factory=PriorityConfig)
    queue: Literal["priority", "file"] = "priority"
    teams: tuple[Team, ...] = ()
    items: tuple[Item, ...] = ()
    risks: tuple[Risk, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    #: Size names an estimate may use: the defaults, overridden and extended by `[sizes]`.
    sizes: Mapping[str, tuple[float, float, float]] = field(
        default_factory=lambda: dict(DEFAULT_SIZES)
    )

    @cached_property
    def item_by_id(self) -> Mapping[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def risk_by_id(self) -> Mapping[str, Risk]:
        return {risk.id: risk for risk in self.risks}

    @cached_property
    def team_by_id(self) -> Mapping[str, Team]:
        return {team.id: team for team in self.teams}

    @cached_property
    def scenario_by_id(self) -> Mapping[str, Scenario]:
        return {s.id: s for s in self.scenarios}

    def item(self, item_id: str) -> Item:
        return self.item_by_id[item_id]

    def with_item(self, item: Item) -> Plan:
        """A copy with `item` replaced (same id) or appended (new id)."""
        if item.id in self.item_by_id:
            items = tuple(item if i.id == item.id else i for i in self.items)
        else:
            items = (*self.items, item)
        return replace(self, items=items)

    def without_item(self, item_id: str) -> Plan:
        """A copy without the item, its id removed from every `depends_on` and `affects`."""
        items = tuple(
            replace(i, depends_on=tuple(d for d in i.depends_on if d != item_id))
            for i in self.items
            if i.id != item_id
        )
        risks = tuple(
            replace(r, affects=tuple(a for a in r.affects if a != item_id)) for r in self.risks
        )
        return replace(
            self, items=items, risks=risks, scenarios=self._scenarios_without("items", item_id)
        )

    def _scenarios_without(self, section: str, target_id: str) -> tuple[Scenario, ...]:
        """Scenarios without the overrides of a removed item or risk, and without its id in
        overridden `depends_on` / `affects` lists."""

        def keep(o: Override) -> Override:
            if section == "items" and o.field in ("depends_on", "affects"):
                return replace(o, value=tuple(v for v in o.value if v != target_id))
            return o

        return tuple(
            replace(
                s,
                overrides=tuple(
                    keep(o) for o in s.overrides if not (o.section == section and o.id == target_id)
                ),
            )
            for s in self.scenarios
        )

    def with_risk(self, risk: Risk) -> Plan:
        if risk.id in self.risk_by_id:
            risks = tuple(risk if r.id == risk.id else r for r in self.risks)
        else:
            risks = (*self.risks, risk)
        return replace(self, risks=risks)

    def with_team(self, team: Team) -> Plan:
        if team.id in self.team_by_id:
            teams = tuple(team if t.id == team.id else t for t in self.teams)
        else:
            teams = (*self.teams, team)
        return replace(self, teams=teams)

    def without_risk(self, risk_id: str) -> Plan:
        return replace(
            self,
            risks=tuple(r for r in self.risks if r.id != risk_id),
            scenarios=self._scenarios_without("risks", risk_id),
        )

    def without_team(self, team_id: str) -> Plan:
        """A copy without the team: the items that named it lose their `team` (they are
        forecast without a capacity limit, as before the team existed), and the scenarios lose
        its overrides and every override that moved an item to it."""
        items = tuple(replace(i, team=None) if i.team == team_id else i for i in self.items)
        scenarios = tuple(
            replace(
                s,
                overrides=tuple(
                    o
                    for o in s.overrides
                    if not (o.section == "items" and o.field == "team" and o.value == team_id)
                ),
            )
            for s in self._scenarios_without("teams", team_id)
        )
        return replace(
            self,
            teams=tuple(t for t in self.teams if t.id != team_id),
            items=items,
            scenarios=scenarios,
        )

    def with_scenario(self, scenario: Scenario) -> Plan:
        """A copy with `scenario` replaced (same id) or appended (new id)."""
        if scenario.id in self.scenario_by_id:
            scenarios = tuple(scenario if s.id == scenario.id else s for s in self.scenarios)
        else:
            scenarios = (*self.scenarios, scenario)
        return replace(self, scenarios=scenarios)

    def without_scenario(self, scenario_id: str) -> Plan:
        return replace(self, scenarios=tuple(s for s in self.scenarios if s.id != scenario_id))

    def with_item_renamed(self, old_id: str, new_id: str) -> Plan:
        """A copy with the item `old_id` called `new_id`, in its place, and every reference
        to it renamed: `depends_on`, risks' `affects`, scenario overrides and their values."""

        def ids(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new_id if v == old_id else v for v in values)

        def override(o: Override) -> Override:
            if o.section == "items" and o.id == old_id:
                o = replace(o, id=new_id)
            if o.field in ("depends_on", "affects"):
                o = replace(o, value=ids(o.value))
            return o

        items = tuple(
            replace(i, id=new_id if i.id == old_id else i.id, depends_on=ids(i.depends_on))
            for i in self.items
        )
        risks = tuple(replace(r, affects=ids(r.affects)) for r in self.risks)
        scenarios = tuple(
            replace(s, overrides=tuple(override(o) for o in s.overrides)) for s in self.scenarios
        )
        return replace(self, items=items, risks=risks, scenarios=scenarios)

    def with_scenario_seeing(self, scenario_id: str, obj: Item | Risk | Team) -> Plan:
        """A copy whose scenario sees `obj` (an item, risk or team of this plan) as given: an
        override for each field where `obj` differs from the plan's own, none where they agree
        (an edit back to the base value removes the override). Other overrides stay in order."""
        section: Literal["items", "risks", "teams"]
        base: Item | Risk | Team
        if isinstance(obj, Item):
            section, base = "items", self.item(obj.id)
        elif isinstance(obj, Team):
            section, base = "teams", self.team_by_id[obj.id]
        else:
            section, base = "risks", self.risk_by_id[obj.id]
        scenario = self.scenario_by_id[scenario_id]
        wanted: dict[str, Any] = {}
        for f in fields(obj):
            value, before = getattr(obj, f.name), getattr(base, f.name)
            if f.name == "id" or value == before:
                continue
            wanted[f.name] = value
            if isinstance(value, Estimate) and (
                before is None or value.distribution != before.distribution
            ):
                # written as numbers only: the distribution is an override of its own
                wanted["distribution"] = value.distribution
        kept = [
            replace(o, value=wanted.pop(o.field))
            for o in scenario.overrides
            if (o.section, o.id) == (section, obj.id) and o.field in wanted
        ]
        others = [o for o in scenario.overrides if (o.section, o.id) != (section, obj.id)]
        mine = [*kept, *(Override(section, obj.id, k, v) for k, v in wanted.items())]
        position = next(
            (n for n, o in enumerate(scenario.overrides) if (o.section, o.id) == (section, obj.id)),
            len(others),
        )
        overrides = (*others[:position], *mine, *others[position:])
        scenarios = tuple(
            replace(s, overrides=overrides) if s.id == scenario_id else s for s in self.scenarios
        )
        return replace(self, scenarios=scenarios)

    def apply_scenario(self, scenario_id: str) -> Plan:
        """The plan as the scenario sees it; raises KeyError for an unknown scenario."""
        scenario = self.scenario_by_id[scenario_id]
        plan = self
        for o in scenario.overrides:
            if o.section == "items" and o.field == "distribution":
                # `distribution` is written beside `estimate` but lives inside the Estimates.
                item = plan.item(o.id)
                plan = plan.with_item(
                    replace(
                        item,
                        estimate=item.estimate and replace(item.estimate, distribution=o.value),
                        remaining=item.remaining and replace(item.remaining, distribution=o.value),
                    )
                )
            elif o.section == "items":
                plan = plan.with_item(replace(plan.item(o.id), **{o.field: o.value}))
            elif o.section == "teams":
                plan = plan.with_team(replace(plan.team_by_id[o.id], **{o.field: o.value}))
            else:
                plan = plan.with_risk(replace(plan.risk_by_id[o.id], **{o.field: o.value}))
        return plan
