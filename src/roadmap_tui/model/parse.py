"""From a raw TOML dict to a validated Plan, collecting every problem at once.

Pure: no text, no lines, no files. A problem is a key path (``("items", "x", "estimate")``)
and a message; `store` turns key paths into line numbers. Each item and risk field has one
parser in a registry, and everything that accepts a field value (the loader, scenario
overrides, ``roadmap set`` and the TUI editor) goes through it, so the rules live in one place.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, TypeVar

from roadmap_tui.model import graph as graph_mod
from roadmap_tui.model.types import (
    DEFAULT_SIZES,
    DEFAULT_WEIGHTS,
    DEFAULT_WORKDAYS,
    DISTRIBUTIONS,
    FACTORS,
    KINDS,
    METHODS,
    ORDERS,
    QUEUES,
    STATUSES,
    WEEKDAYS,
    Estimate,
    Item,
    Metric,
    Override,
    Plan,
    PriorityConfig,
    Risk,
    Scenario,
    Team,
)

Keys = tuple[str, ...]
_T = TypeVar("_T")

ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")

#: Item fields in canonical order: the order `fmt` writes and the TUI editor shows.
ITEM_FIELDS: tuple[str, ...] = (
    "title",
    "kind",
    "estimate",
    "distribution",
    "p_success",
    "max_attempts",
    "metric",
    "depends_on",
    "impact",
    "data",
    "readiness",
    "target",
    "status",
    "started",
    "finished",
    "remaining",
    "team",
    "owner",
    "tags",
    "notes",
    "link",
)
#: Risk fields in canonical order.
RISK_FIELDS: tuple[str, ...] = ("title", "probability", "delay", "affects")
#: Team fields in canonical order.
TEAM_FIELDS: tuple[str, ...] = ("title", "capacity")
PLAN_FIELDS: tuple[str, ...] = ("name", "start", "workdays", "holidays", "as_of")
FORECAST_FIELDS: tuple[str, ...] = ("runs", "seed", "calibrate", "queue")
PRIORITY_FIELDS: tuple[str, ...] = ("method", *FACTORS, "order")
#: Keys that once existed, with what to write instead.
REMOVED_KEYS: Mapping[tuple[str, str], str] = {
    ("priority", "inherit"): (
        "removed: blockers no longer inherit scores, the order itself respects dependencies; "
        "did you mean 'order'? Write order = \"sequence\" (the default, was inherit = true) "
        'or order = "score" (roadmap fmt rewrites it)'
    ),
}
SCENARIO_FIELDS: tuple[str, ...] = ("title", "items", "risks", "teams")
TOP_LEVEL: tuple[str, ...] = (
    "plan",
    "forecast",
    "priority",
    "sizes",
    "teams",
    "items",
    "risks",
    "scenarios",
)
Sizes = Mapping[str, tuple[float, float, float]]

MAX_RUNS = 1_000_000
#: Largest duration (estimate, remaining, risk delay) in working days: about 40 years. With
#: the date range and MAX_ATTEMPTS it keeps every figure finite in the engine's float32.
MAX_DAYS = 10_000
#: Most attempts an experiment may have (`max_attempts`).
MAX_ATTEMPTS = 100
#: Every date of a plan (start, as_of, holidays, target, started, finished) lies in this range.
MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2200, 12, 31)
#: Values nested deeper than this are shown as `[...]` in messages (a hostile plan may nest
#: arrays hundreds of levels deep; no field nests more than two).
_SHOW_DEPTH = 4


@dataclass(frozen=True)
class ParseProblem:
    """One problem: where (a key path into the TOML document) and what."""

    keys: Keys
    message: str


#: JSON Schema fragments of the parsers the factories below make (`model.schema` reads them).
PARSER_SCHEMAS: dict[Callable[[Any], Any], dict[str, Any]] = {}


class FieldError(ValueError):
    """A field value is wrong. The text says what was found and what was expected."""


# ---------------------------------------------------------------- value display


def show(value: Any, _depth: int = 0) -> str:
    """A raw value as the user wrote it (roughly TOML), short enough for a message.

    Arrays and tables nested deeper than a few levels are shown as `[...]` / `{...}`, so a
    value nested hundreds of levels deep gives a message, not a RecursionError.
    """
    if _depth > _SHOW_DEPTH and isinstance(value, list | tuple | Mapping):
        return "[...]" if isinstance(value, list | tuple) else "{...}"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        # control characters as TOML escapes: a message never carries a raw ESC or U+202E
        text = '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text) + '"'
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, float):
        text = repr(value)  # nan, inf and -inf print as TOML writes them
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show(v, _depth + 1) for v in value[:30]) + "]"
    elif isinstance(value, Mapping):
        pairs = list(value.items())[:30]
        text = "{" + ", ".join(f"{k} = {show(v, _depth + 1)}" for k, v in pairs) + "}"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def _found(value: Any) -> str:
    if isinstance(value, Mapping):
        return "found a table"
    return f"found {show(value)} ({type_name(value)})"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'title'?' or the list of what is allowed."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and len(word) >= 3:  # an abbreviation: 'prob' for 'probability'
        close = [c for c in choices if c.startswith(word)][:1]
    if close:
        return f"; did you mean '{close[0]}'?"
    if len(choices) > 8:
        return f"; expected one of: {', '.join(choices[:8])}, ... ({len(choices)} in all)"
    return "; expected one of: " + ", ".join(choices)


# ---------------------------------------------------------------- field parsers


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, expected: str) -> float:
    if not _is_number(value):
        raise FieldError(f"expected {expected}, {_found(value)}")
    # an integer past float's range (TOML integers are read whole) is as wrong as inf
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > sys.float_info.max:
        raise FieldError(f"expected {expected}, found {show(value)}")
    return float(value)


def _ranged(lo: float, hi: float | None, what: str) -> Callable[[Any], float]:
    expected = (
        f"{what} from {_fmt(lo)} to {_fmt(hi)}" if hi is not None else f"{what} >= {_fmt(lo)}"
    )

    def parse(value: Any) -> float:
        x = _number(value, expected)
        if x < lo or (hi is not None and x > hi):
            raise FieldError(f"expected {expected}, found {show(value)}")
        return x

    PARSER_SCHEMAS[parse] = {"type": "number", "minimum": lo}
    if hi is not None:
        PARSER_SCHEMAS[parse]["maximum"] = hi
    return parse


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def _int_ranged(lo: int, hi: int | None, what: str) -> Callable[[Any], int]:
    expected = f"{what} from {lo} to {hi}" if hi is not None else f"{what} >= {lo}"

    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"expected {expected}, {_found(value)}")
        if value < lo or (hi is not None and value > hi):
            raise FieldError(f"expected {expected}, found {value}")
        return value

    PARSER_SCHEMAS[parse] = {"type": "integer", "minimum": lo}
    if hi is not None:
        PARSER_SCHEMAS[parse]["maximum"] = hi
    return parse


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"expected a string, {_found(value)}")
    return value


def _title(value: Any) -> str:
    text = _text(value)
    if not text.strip():
        raise FieldError('expected a non-empty title, found ""')
    return text


def _enum(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"expected one of {', '.join(choices)}, {_found(value)}")
        if value not in choices:
            hint = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
            mean = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise FieldError(f"expected one of {', '.join(choices)}, found {show(value)}{mean}")
        return value

    PARSER_SCHEMAS[parse] = {"type": "string", "enum": list(choices)}
    return parse


def parse_date(value: Any) -> date:
    """A TOML local date (2027-01-04) from MIN_DATE to MAX_DATE; a date-time or a string is
    refused. The range keeps every forecast date a Python date (year <= 9999)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise FieldError(f"expected a date like 2027-01-04, {_found(value)}")
    if not MIN_DATE <= value <= MAX_DATE:
        raise FieldError(
            f"expected a date from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}, "
            f"found {value.isoformat()}"
        )
    return value


def _distinct(
    value: Any, expected: str, noun: str, check: Callable[[Any], None]
) -> tuple[str, ...]:
    """An array whose elements each pass `check` (it raises FieldError) and appear once."""
    if not isinstance(value, list | tuple):
        raise FieldError(f"expected {expected}, {_found(value)}")
    seen: list[str] = []
    for v in value:
        check(v)
        if v in seen:
            raise FieldError(f"{show(v)} is listed twice; expected each {noun} once")
        seen.append(v)
    return tuple(seen)


def _ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):  # the usual array, checked at C speed
        try:
            if all(map(ID_RE.match, value)) and len(set(value)) == len(value):
                return tuple(value)
        except TypeError:  # not all strings: the checks below say what is wrong
            pass
    expected = 'an array of ids like ["collect-tickets"]'

    def check(v: Any) -> None:
        if not isinstance(v, str):
            raise FieldError(f"expected {expected}, found {show(v)} ({type_name(v)}) in the array")
        if not ID_RE.match(v):
            raise FieldError(f"expected ids of letters, digits, '-' and '_', found {show(v)}")

    return _distinct(value, expected, "id", check)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FieldError(f'expected an array of strings like ["nlp"], {_found(value)}')
    return tuple(value)


#: The number types of TOML values (bool, a subclass of int, is not one).
_PLAIN_NUMBERS = (int, float)


def parse_points(value: Any) -> tuple[float, float, float]:
    """`[low, likely, high]` working days or one number; checks order and sign."""
    if isinstance(value, list | tuple) and len(value) == 3:  # the usual estimate, quickly
        lo, ml, hi = value
        if (
            type(lo) in _PLAIN_NUMBERS
            and type(ml) in _PLAIN_NUMBERS
            and type(hi) in _PLAIN_NUMBERS
            and 0 <= lo <= ml <= hi <= MAX_DAYS  # false for nan; exact for any int
        ):
            return (float(lo), float(ml), float(hi))
    expected = "[low, likely, high] working days or one number"
    if _is_number(value):
        x = _number(value, expected)
        if x < 0:
            raise FieldError(f"expected a number >= 0, found {show(value)}")
        if x > MAX_DAYS:
            raise FieldError(f"expected at most {MAX_DAYS:,} working days, found {show(value)}")
        return (x, x, x)
    if not isinstance(value, list | tuple):
        raise FieldError(f"expected {expected}, {_found(value)}")
    if len(value) != 3:
        raise FieldError(f"expected {expected}, found {len(value)} values {show(value)}")
    lo, ml, hi = (_number(v, expected) for v in value)
    for name, x in (("low", lo), ("likely", ml), ("high", hi)):
        if x < 0:
            raise FieldError(f"{name} {_fmt(x)} is negative; expected numbers >= 0")
        if x > MAX_DAYS:
            raise FieldError(
                f"{name} {_fmt(x) if x < 1e15 else show(x)} is more than {MAX_DAYS:,} "
                f"working days; "
                f"expected numbers from 0 to {MAX_DAYS:,}"
            )
    if lo > ml:
        raise FieldError(
            f"low {_fmt(lo)} is greater than likely {_fmt(ml)}; expected low <= likely <= high"
        )
    if ml > hi:
        raise FieldError(
            f"likely {_fmt(ml)} is greater than high {_fmt(hi)}; expected low <= likely <= high"
        )
    return (lo, ml, hi)


def _estimate_value(value: Any) -> tuple[float, float, float] | str:
    """What `estimate` accepts: points (`parse_points`) or a size name, resolved against the
    plan's `[sizes]` by `parse_item`."""
    if isinstance(value, str):
        if not value.strip():
            raise FieldError('expected a size name like "M", found ""')
        return value
    return parse_points(value)


def resolve_size(name: str, sizes: Sizes) -> tuple[float, float, float]:
    """The points of a size name; FieldError with did-you-mean for an unknown one."""
    if name in sizes:
        return sizes[name]
    same = [s for s in sizes if s.lower() == name.lower()]
    hint = f"; did you mean '{same[0]}'?" if same else did_you_mean(name, list(sizes))
    if hint.startswith("; did you mean"):
        raise FieldError(f"unknown size {show(name)}{hint} (sizes come from [sizes])")
    raise FieldError(
        "expected [low, likely, high] working days, one number or a size from [sizes] "
        f"({', '.join(sizes)}), found {show(name)}"
    )


def size_for_points(points: float, sizes: Sizes) -> str | None:
    """The `[sizes]` key of a story-point value (3 -> "3", 0.5 -> "0.5"), if the table has it."""
    key = _fmt(points)
    return key if key in sizes else None


def _link(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", text):
        raise FieldError(
            f"expected a URL like https://github.com/org/repo/issues/12, {_found(value)}"
        )
    return text


def _metric(value: Any) -> Metric:
    expected = 'a table like { name = "F1", current = 0.78, target = 0.85 }'
    if not isinstance(value, Mapping):
        raise FieldError(f"expected {expected}, {_found(value)}")
    for key in value:
        if key not in ("name", "current", "target"):
            raise FieldError(
                f"unknown key '{key}'" + did_you_mean(key, ("name", "current", "target"))
            )
    if "name" not in value:
        raise FieldError(f"name is missing; expected {expected}")
    name = _text(value["name"])
    current = _number(value["current"], "a number") if "current" in value else None
    target = _number(value["target"], "a number") if "target" in value else None
    return Metric(name, current, target)


def _team_ref(value: Any) -> str:
    """A team id; whether the team exists is a plan rule (`validate_plan`)."""
    if not isinstance(value, str):
        raise FieldError(f'expected a team id like "ml", {_found(value)}')
    if not ID_RE.match(value):
        raise FieldError(f"expected a team id of letters, digits, '-' and '_', found {show(value)}")
    return value


def _capacity(value: Any) -> int | tuple[tuple[date, int], ...]:
    """A number of units >= 1, or dated steps [[date, units], ...] in date order (units >= 0).

    Whether the first step is on or before the plan's start is a plan rule.
    """
    expected = "an integer >= 1 or dated steps like [[2027-01-04, 2], [2027-03-01, 3]]"
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise FieldError(f"expected an integer >= 1 (a dated step may be 0), found {value}")
        return value
    if not isinstance(value, list | tuple) or not value:
        raise FieldError(f"expected {expected}, {_found(value)}")
    steps: list[tuple[date, int]] = []
    for step in value:
        if not isinstance(step, list | tuple) or len(step) != 2:
            raise FieldError(f"expected steps [date, units], found {show(step)}")
        day, units = step
        if isinstance(day, datetime) or not isinstance(day, date):
            raise FieldError(f"expected a step [date, units] with a date first, found {show(step)}")
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise FieldError(f"expected a step [date, units] with units >= 0, found {show(step)}")
        if steps and day <= steps[-1][0]:
            raise FieldError(
                f"step {show(step)} is not after the step on {steps[-1][0].isoformat()}; "
                "expected steps in date order"
            )
        steps.append((day, units))
    if not any(units for _, units in steps):
        raise FieldError(f"every step has 0 units, found {show(value)}; expected a step >= 1")
    return tuple(steps)


@dataclass(frozen=True)
class FieldSpec:
    """How one field is read: its parser, default and whether it must be present."""

    name: str
    parse: Callable[[Any], Any]
    default: Any = None
    required: bool = False
    help: str = ""


_ITEM_SPECS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        FieldSpec("title", _title, required=True, help="what the item delivers"),
        FieldSpec("kind", _enum(KINDS), "task", help="task | data | experiment | milestone"),
        FieldSpec(
            "estimate",
            _estimate_value,
            help='[low, likely, high] working days, one number, or a size from [sizes] like "M"',
        ),
        FieldSpec("distribution", _enum(DISTRIBUTIONS), help=" | ".join(DISTRIBUTIONS)),
        FieldSpec(
            "p_success", _ranged(0, 1, "a probability"), 1.0, help="chance one attempt works"
        ),
        FieldSpec(
            "max_attempts",
            _int_ranged(1, MAX_ATTEMPTS, "an integer"),
            1,
            help=f"attempts, 1-{MAX_ATTEMPTS}",
        ),
        FieldSpec("metric", _metric, help="{ name, current, target }"),
        FieldSpec("depends_on", _ids, (), help="ids that must finish first"),
        FieldSpec("impact", _ranged(0, 5, "a number"), 3.0, help="business impact 0-5"),
        FieldSpec("data", _ranged(0, 1, "a share"), 1.0, help="share of needed data in hand, 0-1"),
        FieldSpec("readiness", _int_ranged(0, 9, "an integer level"), 9, help="ML TRL 0-9"),
        FieldSpec("target", parse_date, help="deadline date"),
        FieldSpec("status", _enum(STATUSES), "todo", help="todo | doing | done | dropped"),
        FieldSpec("started", parse_date, help="actual start date"),
        FieldSpec("finished", parse_date, help="actual finish date"),
        FieldSpec("remaining", parse_points, help="what is left, for doing"),
        FieldSpec("team", _team_ref, help="id of the team whose capacity it uses"),
        FieldSpec("owner", _text, help="free text"),
        FieldSpec("tags", _strings, (), help="array of strings"),
        FieldSpec("notes", _text, help="free text"),
        FieldSpec("link", _link, help="URL of the issue in the tracker"),
    )
}
_RISK_SPECS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        FieldSpec("title", _title, required=True, help="what could go wrong"),
        FieldSpec("probability", _ranged(0, 1, "a probability"), required=True, help="0-1"),
        FieldSpec("delay", parse_points, required=True, help="[low, likely, high] working days"),
        FieldSpec("affects", _ids, (), help="ids of the items it delays"),
    )
}
_TEAM_SPECS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        FieldSpec("title", _title, required=True, help="who the team is"),
        FieldSpec(
            "capacity",
            _capacity,
            required=True,
            help="items worked on at once, or [[date, units], ...]",
        ),
    )
}
ITEM_SPECS: Mapping[str, FieldSpec] = _ITEM_SPECS
TEAM_SPECS: Mapping[str, FieldSpec] = _TEAM_SPECS
RISK_SPECS: Mapping[str, FieldSpec] = _RISK_SPECS


def parse_item_field(field: str, raw: Any) -> Any:
    """Check one raw item value on its own (no cross-field rules); raises FieldError.

    `estimate` and `remaining` give `(low, likely, high)`; use `update_item` to get an Item.
    """
    if field not in _ITEM_SPECS:
        raise FieldError(f"unknown field '{field}'" + did_you_mean(field, ITEM_FIELDS))
    return _ITEM_SPECS[field].parse(raw)


def parse_risk_field(field: str, raw: Any) -> Any:
    if field not in _RISK_SPECS:
        raise FieldError(f"unknown field '{field}'" + did_you_mean(field, RISK_FIELDS))
    return _RISK_SPECS[field].parse(raw)


def _estimate(
    points: tuple[float, float, float], distribution: str | None, size: str | None = None
) -> Estimate:
    """One number (or three equal ones) is a fixed duration whatever `distribution` says;
    three points follow `distribution`, PERT by default."""
    if points[0] == points[1] == points[2]:
        return Estimate(points[0], points[1], points[2], "fixed", size)
    return Estimate(points[0], points[1], points[2], distribution or "pert", size)  # type: ignore[arg-type]


def three_point_distribution(item: Item) -> str | None:
    """The distribution the item's three-point estimate (or remaining) uses, if it has one."""
    for est in (item.estimate, item.remaining):
        if est is not None and not est.low == est.likely == est.high:
            return est.distribution
    return None


# ---------------------------------------------------------------- items and risks


def _read_fields(
    who: str, obj_id: str, raw: Mapping[str, Any], specs: Mapping[str, FieldSpec], fields: Keys
) -> tuple[dict[str, Any], list[ParseProblem]]:
    """Each field of an item or risk table through its parser: the values that parsed, and a
    problem for a bad id, an unknown field or a bad value (cross-field rules are the caller's)."""
    problems: list[ParseProblem] = []
    if not ID_RE.match(obj_id):
        problems.append(
            ParseProblem((), f"{who}: the id must be a bare key of letters, digits, '-' and '_'")
        )
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(
                ParseProblem((key,), f"{who}: unknown field '{key}'" + did_you_mean(key, fields))
            )
            continue
        try:
            values[key] = spec.parse(value)
        except FieldError as err:
            problems.append(ParseProblem((key,), f"{who}: {key}: {err}"))
    return values, problems


def parse_item(
    item_id: str, raw: Any, sizes: Sizes | None = None
) -> tuple[Item | None, list[ParseProblem]]:
    """One item table -> Item. Problem keys are relative to the item table.

    `sizes` are the plan's (`Plan.sizes`) for an estimate written as a size name.
    """
    who = f"item '{item_id}'"
    if not isinstance(raw, Mapping):
        return None, [ParseProblem((), f"{who}: expected a table [items.{item_id}], {_found(raw)}")]
    values, problems = _read_fields(who, item_id, raw, _ITEM_SPECS, ITEM_FIELDS)
    size = values.get("estimate") if isinstance(values.get("estimate"), str) else None
    if size is not None:
        try:
            values["estimate"] = resolve_size(size, DEFAULT_SIZES if sizes is None else sizes)
        except FieldError as err:
            del values["estimate"]
            problems.append(ParseProblem(("estimate",), f"{who}: estimate: {err}"))
    if "title" not in raw:
        problems.append(ParseProblem((), f'{who}: title: missing; expected title = "..."'))
    if problems:
        return None, problems

    kind = values.get("kind", "task")
    status = values.get("status", "todo")
    explicit = values.get("distribution")
    estimate = remaining = None
    if "estimate" in values:
        estimate = _estimate(values["estimate"], explicit, size)
    if "remaining" in values:
        remaining = _estimate(values["remaining"], explicit)

    if kind == "milestone":
        for key in ("estimate", "remaining"):
            if key in values:
                problems.append(
                    ParseProblem(
                        (key,),
                        f"{who}: {key}: a milestone has no duration, found {show(raw[key])}; "
                        f"expected no {key} (or a kind other than milestone)",
                    )
                )
    elif estimate is None and status in ("todo", "doing") and remaining is None:
        problems.append(
            ParseProblem(
                (),
                f"{who}: estimate: missing; expected estimate = [low, likely, high] working days "
                "or one number (only a milestone has none)",
            )
        )
    for key, est in (("estimate", estimate), ("remaining", remaining)):
        if est is not None and est.distribution == "lognormal" and est.low <= 0 < est.high:
            problems.append(
                ParseProblem(
                    (key,),
                    f"{who}: {key}: a lognormal needs low > 0, found {show(raw[key])}; "
                    "expected low > 0 or another distribution",
                )
            )
    started, finished = values.get("started"), values.get("finished")
    if started is not None and finished is not None and finished < started:
        problems.append(
            ParseProblem(
                ("finished",),
                f"{who}: finished: {finished.isoformat()} is before started "
                f"{started.isoformat()}; expected finished on or after started",
            )
        )
    if status == "done" and finished is None:
        problems.append(
            ParseProblem(
                ("status",),
                f'{who}: status: "done" without finished; expected finished = <date>, '
                "the actual finish",
            )
        )
    if item_id in values.get("depends_on", ()):
        problems.append(
            ParseProblem(
                ("depends_on",),
                f"{who}: depends_on: the item depends on itself; expected other items' ids",
            )
        )
    if problems:
        return None, problems

    item = Item(
        id=item_id,
        title=values["title"],
        kind=kind,
        estimate=estimate,
        depends_on=values.get("depends_on", ()),
        impact=values.get("impact", 3.0),
        data=values.get("data", 1.0),
        readiness=values.get("readiness", 9),
        target=values.get("target"),
        status=status,
        started=started,
        finished=finished,
        remaining=remaining,
        owner=values.get("owner"),
        tags=values.get("tags", ()),
        notes=values.get("notes"),
        p_success=values.get("p_success", 1.0),
        max_attempts=values.get("max_attempts", 1),
        metric=values.get("metric"),
        link=values.get("link"),
        team=values.get("team"),
    )
    return item, []


def parse_risk(risk_id: str, raw: Any) -> tuple[Risk | None, list[ParseProblem]]:
    """One risk table -> Risk. Problem keys are relative to the risk table."""
    who = f"risk '{risk_id}'"
    if not isinstance(raw, Mapping):
        return None, [ParseProblem((), f"{who}: expected a table [risks.{risk_id}], {_found(raw)}")]
    values, problems = _read_fields(who, risk_id, raw, _RISK_SPECS, RISK_FIELDS)
    for name, spec in _RISK_SPECS.items():
        if spec.required and name not in raw:
            problems.append(ParseProblem((), f"{who}: {name}: missing; expected {spec.help}"))
    if problems:
        return None, problems
    delay = _estimate(values["delay"], None)
    return Risk(
        risk_id, values["title"], values["probability"], delay, values.get("affects", ())
    ), []


def parse_team(team_id: str, raw: Any) -> tuple[Team | None, list[ParseProblem]]:
    """One team table -> Team. Problem keys are relative to the team table."""
    who = f"team '{team_id}'"
    if not isinstance(raw, Mapping):
        return None, [ParseProblem((), f"{who}: expected a table [teams.{team_id}], {_found(raw)}")]
    values, problems = _read_fields(who, team_id, raw, _TEAM_SPECS, TEAM_FIELDS)
    for name, spec in _TEAM_SPECS.items():
        if spec.required and name not in raw:
            problems.append(ParseProblem((), f"{who}: {name}: missing; expected {spec.help}"))
    if problems:
        return None, problems
    return Team(team_id, values["title"], values["capacity"]), []


def parse_team_field(field: str, raw: Any) -> Any:
    if field not in _TEAM_SPECS:
        raise FieldError(f"unknown field '{field}'" + did_you_mean(field, TEAM_FIELDS))
    return _TEAM_SPECS[field].parse(raw)


# ---------------------------------------------------------------- back to TOML values


def item_to_toml(item: Item) -> dict[str, Any]:
    """The item as TOML values in canonical order, fields at their default left out."""
    out: dict[str, Any] = {}
    for name in ITEM_FIELDS:
        value = item_field_toml(item, name)
        if value is not None:
            out[name] = value
    return out


def item_field_toml(item: Item, field: str) -> Any:
    """One field as it is written in a plan, or None when it is absent (at its default)."""
    if field == "distribution":
        distribution = three_point_distribution(item)
        return None if distribution in (None, "pert") else distribution
    if field in ("estimate", "remaining"):
        est = getattr(item, field)
        return None if est is None else est.as_toml()
    if field == "metric":
        m = item.metric
        if m is None:
            return None
        out: dict[str, Any] = {"name": m.name}
        if m.current is not None:
            out["current"] = _num(m.current)
        if m.target is not None:
            out["target"] = _num(m.target)
        return out
    if field == "title":
        return item.title
    value = getattr(item, field)
    spec = _ITEM_SPECS[field]
    if value is None or value == spec.default or (isinstance(value, tuple) and not value):
        return None
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float):
        return _num(value)
    return value


def override_toml(override: Override) -> Any:
    """An override's value as written in a scenario table."""
    value = override.value
    if isinstance(value, Estimate):
        return value.as_toml()
    if override.section == "teams" and override.field == "capacity":
        return capacity_toml(value)
    if isinstance(value, Metric):
        out: dict[str, Any] = {"name": value.name}
        if value.current is not None:
            out["current"] = _num(value.current)
        if value.target is not None:
            out["target"] = _num(value.target)
        return out
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float):
        return _num(value)
    return value


def risk_to_toml(risk: Risk) -> dict[str, Any]:
    out: dict[str, Any] = {"title": risk.title, "probability": _num(risk.probability)}
    out["delay"] = risk.delay.as_toml()
    if risk.affects:
        out["affects"] = list(risk.affects)
    return out


def risk_field_toml(risk: Risk, field: str) -> Any:
    return risk_to_toml(risk).get(field)


def capacity_toml(capacity: Any) -> Any:
    """A capacity as written: a number, or [[date, units], ...]."""
    if isinstance(capacity, int):
        return capacity
    return [[day, units] for day, units in capacity]


def team_to_toml(team: Team) -> dict[str, Any]:
    return {"title": team.title, "capacity": capacity_toml(team.capacity)}


def team_field_toml(team: Team, field: str) -> Any:
    return team_to_toml(team).get(field)


def _num(x: float) -> float:
    return int(x) if float(x).is_integer() else x


def update_item(item: Item, field: str, raw: Any, sizes: Sizes | None = None) -> Item:
    """The item with one field set from a raw TOML value (None removes the field).

    Every item rule applies (e.g. low <= likely <= high, done needs finished); raises
    FieldError with the messages. References to other items are checked by `validate_plan`.
    `sizes` are the plan's, for an estimate written as a size name.
    """
    parse = functools.partial(parse_item, sizes=sizes)
    return _update(item.id, item_to_toml(item), field, raw, ITEM_FIELDS, parse)


def update_risk(risk: Risk, field: str, raw: Any) -> Risk:
    """The risk with one field set from a raw TOML value; raises FieldError."""
    return _update(risk.id, risk_to_toml(risk), field, raw, RISK_FIELDS, parse_risk)


def update_team(team: Team, field: str, raw: Any) -> Team:
    """The team with one field set from a raw TOML value; raises FieldError."""
    return _update(team.id, team_to_toml(team), field, raw, TEAM_FIELDS, parse_team)


def _update(
    obj_id: str,
    table: dict[str, Any],
    field: str,
    raw: Any,
    fields: Keys,
    parse: Callable[[str, Any], tuple[_T | None, list[ParseProblem]]],
) -> _T:
    """Re-parse the whole table with one field changed, so every rule applies to the result."""
    if field not in fields:
        raise FieldError(f"unknown field '{field}'" + did_you_mean(field, fields))
    if raw is None:
        table.pop(field, None)
    else:
        table[field] = raw
    new, problems = parse(obj_id, table)
    if new is None:
        raise FieldError("; ".join(p.message for p in problems))
    return new


# ---------------------------------------------------------------- whole plan


def validate_plan(plan: Plan) -> list[ParseProblem]:
    """Rules across items: unknown ids in depends_on / affects / overrides and cycles."""
    problems: list[ParseProblem] = []
    item_ids = list(plan.item_by_id)
    for item in plan.items:
        for dep in item.depends_on:
            if dep == item.id:
                problems.append(
                    ParseProblem(
                        ("items", item.id, "depends_on"),
                        f"item '{item.id}': depends_on: the item depends on itself; "
                        "expected other items' ids",
                    )
                )
            elif dep not in plan.item_by_id:
                problems.append(
                    ParseProblem(
                        ("items", item.id, "depends_on"),
                        f"item '{item.id}': depends_on: unknown item '{dep}'"
                        + did_you_mean(dep, item_ids),
                    )
                )
    for risk in plan.risks:
        for target in risk.affects:
            if target not in plan.item_by_id:
                problems.append(
                    ParseProblem(
                        ("risks", risk.id, "affects"),
                        f"risk '{risk.id}': affects: unknown item '{target}'"
                        + did_you_mean(target, item_ids),
                    )
                )
    problems.extend(_team_problems(plan))
    # a self-dependency is reported on its own above
    cycle = graph_mod.plan_cycle(plan, self_loops=False)
    if cycle is not None:
        problems.append(
            ParseProblem(
                ("items", cycle[1], "depends_on"),
                f"dependency cycle: {graph_mod.format_cycle(cycle)} "
                "(each item must finish before the next starts)",
            )
        )
    for scenario in plan.scenarios:
        for o in scenario.overrides:
            known: Mapping[str, Any] = {
                "items": plan.item_by_id,
                "risks": plan.risk_by_id,
                "teams": plan.team_by_id,
            }[o.section]
            if o.id not in known:
                noun = o.section[:-1]
                problems.append(
                    ParseProblem(
                        ("scenarios", scenario.id, o.section, o.id),
                        f"scenario '{scenario.id}': unknown {noun} '{o.id}'"
                        + did_you_mean(o.id, list(known)),
                    )
                )
    return problems


def _team_problems(plan: Plan) -> list[ParseProblem]:
    """An item's unknown team (with did-you-mean) and capacity steps that begin after start."""
    problems: list[ParseProblem] = []
    team_ids = list(plan.team_by_id)
    for item in plan.items:
        if item.team is not None and item.team not in plan.team_by_id:
            problems.append(
                ParseProblem(
                    ("items", item.id, "team"),
                    f"item '{item.id}': team: unknown team '{item.team}'"
                    + (did_you_mean(item.team, team_ids) if team_ids else "; no [teams] defined"),
                )
            )
    for team in plan.teams:
        if not isinstance(team.capacity, int) and team.capacity[0][0] > plan.start:
            first = team.capacity[0][0]
            problems.append(
                ParseProblem(
                    ("teams", team.id, "capacity"),
                    f"team '{team.id}': capacity: the first step is on {first.isoformat()}, "
                    f"after the plan's start {plan.start.isoformat()}; expected the first "
                    "step on or before start (how many units the team has from day 0)",
                )
            )
    return problems


def plan_warnings(plan: Plan) -> list[ParseProblem]:
    """Things a valid plan probably did not mean; `validate` prints them, still exiting 0:
    a `started` date on a todo item, a team no item (nor any scenario) uses."""
    warnings: list[ParseProblem] = []
    for item in plan.items:
        if item.status == "todo" and item.started is not None:
            warnings.append(
                ParseProblem(
                    ("items", item.id, "started"),
                    f"item '{item.id}': started {item.started.isoformat()} but status is "
                    '"todo"; expected status = "doing" (or no started date): a todo item is '
                    "forecast from the start of its dependencies, its started date is ignored",
                )
            )
    used = {i.team for i in plan.items}
    for scenario in plan.scenarios:
        used.update(o.value for o in scenario.overrides if o.field == "team")
    warnings.extend(
        ParseProblem(
            ("teams", team.id),
            f"team '{team.id}': no item uses it; expected team = \"{team.id}\" on an item, "
            "or remove the team",
        )
        for team in plan.teams
        if team.id not in used
    )
    return warnings


def _table(
    data: Mapping[str, Any], key: str, problems: list[ParseProblem], where: Keys = ()
) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        problems.append(
            ParseProblem((*where, key), f"{key}: expected a table [{key}], {_found(value)}")
        )
        return {}
    return value


def _unknown_keys(
    table: Mapping[str, Any], allowed: tuple[str, ...], where: Keys, who: str
) -> list[ParseProblem]:
    return [
        ParseProblem(
            (*where, key),
            f"{who}: {key}: {REMOVED_KEYS[(where[0], key)]}"
            if len(where) == 1 and (where[0], key) in REMOVED_KEYS
            else f"{who}: unknown key '{key}'" + did_you_mean(key, allowed),
        )
        for key in table
        if key not in allowed
    ]


def _setting_specs() -> dict[tuple[str, str], Callable[[Any], Any]]:
    specs: dict[tuple[str, str], Callable[[Any], Any]] = {
        ("plan", "name"): _title,
        ("plan", "start"): parse_date,
        ("plan", "workdays"): _workdays,
        ("plan", "holidays"): _dates,
        ("plan", "as_of"): parse_date,
        ("forecast", "runs"): _int_ranged(1, MAX_RUNS, "an integer"),
        ("forecast", "seed"): _int_ranged(0, 2**63 - 1, "an integer"),
        ("forecast", "calibrate"): _bool,
        ("forecast", "queue"): _enum(QUEUES),
        ("priority", "method"): _enum(METHODS),
        ("priority", "order"): _enum(ORDERS),
    }
    for name in FACTORS:
        specs[("priority", name)] = _ranged(0, None, "a weight")
    return specs


def _parse_settings(data: Mapping[str, Any], problems: list[ParseProblem]) -> dict[str, Any] | None:
    """[plan], [forecast] and [priority] -> keyword arguments for Plan."""
    found: dict[tuple[str, str], Any] = {}
    ok = True
    if "plan" not in data:
        problems.append(
            ParseProblem(
                (), 'missing [plan] table; expected [plan] with name = "..." and start = <date>'
            )
        )
        ok = False
    elif isinstance(data["plan"], Mapping):
        for key, help_ in (
            ("name", 'name = "..."'),
            ("start", "start = <date>, day 0 of the plan"),
        ):
            if key not in data["plan"]:
                problems.append(
                    ParseProblem(("plan",), f"[plan]: {key}: missing; expected {help_}")
                )
                ok = False
    for section, allowed in (
        ("plan", PLAN_FIELDS),
        ("forecast", FORECAST_FIELDS),
        ("priority", PRIORITY_FIELDS),
    ):
        table = _table(data, section, problems)
        problems.extend(_unknown_keys(table, allowed, (section,), f"[{section}]"))
        for key in allowed:
            if key in table:
                try:
                    found[(section, key)] = SETTING_SPECS[(section, key)](table[key])
                except FieldError as err:
                    ok = False
                    problems.append(ParseProblem((section, key), f"[{section}]: {key}: {err}"))
    if not ok or any(p.keys[:1] in (("plan",), ("forecast",), ("priority",)) for p in problems):
        return None
    try:
        return _settings_kwargs(found)
    except FieldError as err:
        problems.append(ParseProblem(("priority",), f"[priority]: {err}"))
        return None


def _settings_kwargs(found: Mapping[tuple[str, str], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: value for (section, key), value in found.items() if section != "priority"
    }
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({key: v for (section, key), v in found.items() if key in FACTORS})
    if not any(weights.values()):
        raise FieldError("every factor weight is 0; expected at least one weight > 0")
    out["priority"] = PriorityConfig(
        method=found.get(("priority", "method"), "weighted"),
        weights=weights,
        order=found.get(("priority", "order"), "sequence"),
    )
    return out


#: The keys of each settings table, by section.
SETTING_FIELDS: Mapping[str, Keys] = {
    "plan": PLAN_FIELDS,
    "forecast": FORECAST_FIELDS,
    "priority": PRIORITY_FIELDS,
}


class UnknownTargetError(LookupError):
    """`roadmap set` named an item, risk, field or setting the plan does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def resolve_target(plan: Plan, section: str, target_id: str, field: str) -> Keys:
    """The key path (`("plan", "as_of")`, `("items", id, field)`) a `set` of ID.FIELD means.

    `section` is "items" or "risks"; an "items" target named plan/forecast/priority is that
    settings table, unless an item has that id. Raises UnknownTargetError naming the nearest
    existing id or field.
    """
    if section == "items" and target_id in SETTING_FIELDS and target_id not in plan.item_by_id:
        section = target_id
    if section in SETTING_FIELDS:
        if (section, field) in REMOVED_KEYS:
            raise UnknownTargetError(f"[{section}]: {field}: {REMOVED_KEYS[(section, field)]}")
        if field not in SETTING_FIELDS[section]:
            raise UnknownTargetError(
                f"[{section}]: unknown key '{field}'" + did_you_mean(field, SETTING_FIELDS[section])
            )
        return (section, field)
    noun, known, fields = {
        "items": ("item", plan.item_by_id, ITEM_FIELDS),
        "risks": ("risk", plan.risk_by_id, RISK_FIELDS),
        "teams": ("team", plan.team_by_id, TEAM_FIELDS),
    }[section]
    if target_id not in known:
        raise UnknownTargetError(f"no {noun} '{target_id}'" + did_you_mean(target_id, known))
    if field not in fields:
        raise UnknownTargetError(f"unknown field '{field}'" + did_you_mean(field, fields))
    return (section, target_id, field)


def set_value(plan: Plan, keys: Keys, raw: Any) -> Plan:
    """The plan with the value at `keys` (from `resolve_target`) set; raises FieldError."""
    if len(keys) == 2:
        return update_setting(plan, keys[0], keys[1], raw)
    section, target_id, field = keys
    if section == "items":
        return plan.with_item(update_item(plan.item(target_id), field, raw, plan.sizes))
    if section == "teams":
        return plan.with_team(update_team(plan.team_by_id[target_id], field, raw))
    return plan.with_risk(update_risk(plan.risk_by_id[target_id], field, raw))


def update_setting(plan: Plan, section: str, key: str, raw: Any) -> Plan:
    """The plan with one [plan] / [forecast] / [priority] value set from a raw TOML value.

    `raw=None` resets an optional key (as_of, holidays, a weight...) to its default. Raises
    FieldError, e.g. for `priority.impact = -1` or a change that makes every weight 0.
    """
    allowed = SETTING_FIELDS
    if section not in allowed:
        raise FieldError(f"unknown section '{section}'" + did_you_mean(section, allowed))
    if (section, key) in REMOVED_KEYS:
        raise FieldError(f"[{section}]: {key}: {REMOVED_KEYS[(section, key)]}")
    if key not in allowed[section]:
        raise FieldError(f"[{section}]: unknown key '{key}'" + did_you_mean(key, allowed[section]))
    found: dict[tuple[str, str], Any] = {
        ("plan", "name"): plan.name,
        ("plan", "start"): plan.start,
        ("plan", "workdays"): plan.workdays,
        ("plan", "holidays"): plan.holidays,
        ("plan", "as_of"): plan.as_of,
        ("forecast", "runs"): plan.runs,
        ("forecast", "seed"): plan.seed,
        ("forecast", "calibrate"): plan.calibrate,
        ("forecast", "queue"): plan.queue,
        ("priority", "method"): plan.priority.method,
        ("priority", "order"): plan.priority.order,
        **{("priority", k): v for k, v in plan.priority.weights.items()},
    }
    if raw is None:
        if (section, key) in (("plan", "name"), ("plan", "start")):
            raise FieldError(f"[{section}]: {key}: is required")
        found.pop((section, key), None)
        if (section, key) == ("plan", "as_of"):
            found[(section, key)] = None
    else:
        try:
            found[(section, key)] = SETTING_SPECS[(section, key)](raw)
        except FieldError as err:
            raise FieldError(f"[{section}]: {key}: {err}") from None
    try:
        kwargs = _settings_kwargs(found)
    except FieldError as err:
        raise FieldError(f"[priority]: {err}") from None
    defaults = {
        "workdays": DEFAULT_WORKDAYS,
        "holidays": (),
        "runs": 10_000,
        "seed": 0,
        "calibrate": False,
        "queue": "priority",
    }
    for name, default in defaults.items():
        kwargs.setdefault(name, default)
    return replace(plan, **kwargs)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, {_found(value)}")
    return value


def _workdays(value: Any) -> tuple[str, ...]:
    def check(v: Any) -> None:
        if not isinstance(v, str) or v not in WEEKDAYS:
            raise FieldError(f"expected weekdays from {', '.join(WEEKDAYS)}, found {show(v)}")

    expected = 'an array of weekdays like ["mon", "tue", "wed", "thu", "fri"]'
    days = _distinct(value, expected, "weekday", check)
    if not days:
        raise FieldError(
            f"expected at least one working day, found []; default {list(DEFAULT_WORKDAYS)}"
        )
    return days


def _dates(value: Any) -> tuple[date, ...]:
    if not isinstance(value, list | tuple):
        raise FieldError(f"expected an array of dates like [2027-01-18], {_found(value)}")
    return tuple(parse_date(v) for v in value)


SETTING_SPECS: Mapping[tuple[str, str], Callable[[Any], Any]] = _setting_specs()


def _parse_section(
    data: Mapping[str, Any],
    section: str,
    parse_one: Callable[[str, Any], tuple[Any, list[ParseProblem]]],
    problems: list[ParseProblem],
) -> tuple[dict[str, Any], bool]:
    """Every table of [items] or [risks]: the ones that parsed, and whether all did."""
    ok = section not in data or isinstance(data[section], Mapping)
    good: dict[str, Any] = {}
    for key, raw in _table(data, section, problems).items():
        value, found = parse_one(key, raw)
        problems.extend(ParseProblem((section, key, *p.keys), p.message) for p in found)
        if value is None:
            ok = False
        else:
            good[key] = value
    return good, ok


def _parse_scenario(
    scenario_id: str,
    raw: Any,
    items: Mapping[str, Any],
    risks: Mapping[str, Any],
    good_items: Mapping[str, Item],
    good_risks: Mapping[str, Risk],
    sizes: Sizes | None = None,
    teams: Mapping[str, Any] | None = None,
    good_teams: Mapping[str, Team] | None = None,
) -> tuple[Scenario | None, list[ParseProblem]]:
    """Scenario overrides are parsed by merging them into the base table and parsing that."""
    who = f"scenario '{scenario_id}'"
    where: Keys = ("scenarios", scenario_id)
    if not isinstance(raw, Mapping):
        return None, [ParseProblem(where, f"{who}: expected a table, {_found(raw)}")]
    problems = _unknown_keys(raw, SCENARIO_FIELDS, where, who)
    title = scenario_id
    if "title" not in raw:
        problems.append(ParseProblem(where, f'{who}: title: missing; expected title = "..."'))
    else:
        try:
            title = _title(raw["title"])
        except FieldError as err:
            problems.append(ParseProblem((*where, "title"), f"{who}: title: {err}"))
    overrides: list[Override] = []
    teams = teams or {}
    good_of: Mapping[str, Mapping[str, Any]] = {
        "items": good_items,
        "risks": good_risks,
        "teams": good_teams or {},
    }
    parser_of: Mapping[str, Callable[[str, Any], tuple[Any, list[ParseProblem]]]] = {
        "items": functools.partial(parse_item, sizes=sizes),
        "risks": parse_risk,
        "teams": parse_team,
    }
    for section, base, fields, noun in (
        ("items", items, ITEM_FIELDS, "item"),
        ("risks", risks, RISK_FIELDS, "risk"),
        ("teams", teams, TEAM_FIELDS, "team"),
    ):
        table = raw.get(section, {})
        if not isinstance(table, Mapping):
            problems.append(
                ParseProblem(
                    (*where, section),
                    f"{who}: {section}: expected overrides like {section}.<id>.<field> = ..., "
                    f"{_found(table)}",
                )
            )
            continue
        for target_id, changes in table.items():
            at: Keys = (*where, section, target_id)
            if target_id not in base:
                problems.append(
                    ParseProblem(
                        at, f"{who}: unknown {noun} '{target_id}'" + did_you_mean(target_id, base)
                    )
                )
                continue
            if not isinstance(changes, Mapping):
                problems.append(
                    ParseProblem(
                        at,
                        f"{who}: {noun} '{target_id}': expected field overrides like "
                        f"{section}.{target_id}.<field> = ..., {_found(changes)}",
                    )
                )
                continue
            bad = _unknown_keys(changes, fields, at, f"{who}: {noun} '{target_id}'")
            problems.extend(
                ParseProblem(p.keys, p.message.replace("unknown key", "unknown field")) for p in bad
            )
            changes = {k: v for k, v in changes.items() if k in fields}
            good = good_of[section]
            if target_id not in good or not changes:
                continue  # the base table has its own problems, already reported
            merged = {**base[target_id], **changes}
            parse_one = parser_of[section]
            parsed, found = parse_one(target_id, merged)
            for p in found:
                if p.keys and p.keys[0] in changes:
                    problems.append(ParseProblem((*at, *p.keys), f"{who}: {p.message}"))
            if parsed is None:
                if not any(p.keys and p.keys[0] in changes for p in found):
                    problems.append(
                        ParseProblem(at, f"{who}: " + "; ".join(p.message for p in found))
                    )
                continue
            for key in changes:
                value = changes[key] if key == "distribution" else getattr(parsed, key)
                overrides.append(Override(section, target_id, key, value))  # type: ignore[arg-type]
    if problems:
        return None, problems
    return Scenario(scenario_id, title, tuple(overrides)), []


def parse_plan(data: Mapping[str, Any]) -> tuple[Plan | None, list[ParseProblem]]:
    """The whole document -> Plan, or None and every problem found."""
    problems: list[ParseProblem] = []
    problems.extend(_unknown_keys(data, TOP_LEVEL, (), "top level"))
    settings = _parse_settings(data, problems)
    sizes = _parse_sizes(data, problems)
    parse_one = functools.partial(parse_item, sizes=sizes)
    parsed_items, items_ok = _parse_section(data, "items", parse_one, problems)
    parsed_risks, risks_ok = _parse_section(data, "risks", parse_risk, problems)
    parsed_teams, teams_ok = _parse_section(data, "teams", parse_team, problems)
    raw_items = data.get("items") if isinstance(data.get("items"), Mapping) else {}
    raw_risks = data.get("risks") if isinstance(data.get("risks"), Mapping) else {}
    raw_teams = data.get("teams") if isinstance(data.get("teams"), Mapping) else {}

    scenarios: list[Scenario] = []
    scen_ok = True
    for scenario_id, raw in _table(data, "scenarios", problems).items():
        scenario, found = _parse_scenario(
            scenario_id,
            raw,
            raw_items,
            raw_risks,
            parsed_items,
            parsed_risks,
            sizes,
            raw_teams,
            parsed_teams,
        )
        problems.extend(found)
        if scenario is None:
            scen_ok = False
        else:
            scenarios.append(scenario)

    if settings is None or not (items_ok and risks_ok and teams_ok and scen_ok) or problems:
        # Cross-item rules still run, with stand-ins for the tables that did not parse, so
        # one pass reports everything.
        partial = Plan(
            name="",
            start=date(2000, 1, 1),
            items=tuple(parsed_items.get(k) or _stub_item(k, v) for k, v in raw_items.items()),
            risks=tuple(parsed_risks.get(k) or _stub_risk(k, v) for k, v in raw_risks.items()),
            teams=tuple(Team(k, k) for k in raw_teams),  # start is a stand-in too
        )
        problems.extend(validate_plan(partial))
        return None, _dedupe(problems)

    plan = Plan(
        items=tuple(parsed_items.values()),
        risks=tuple(parsed_risks.values()),
        teams=tuple(parsed_teams.values()),
        scenarios=tuple(scenarios),
        sizes=sizes,
        **settings,
    )
    problems.extend(validate_plan(plan))
    problems.extend(_scenario_graph_problems(plan))
    if problems:
        return None, _dedupe(problems)
    return plan, []


def _parse_sizes(data: Mapping[str, Any], problems: list[ParseProblem]) -> dict[str, Any]:
    """`[sizes]`: the defaults, each key of the table replacing or adding one size."""
    sizes: dict[str, Any] = dict(DEFAULT_SIZES)
    for name, raw in _table(data, "sizes", problems).items():
        try:
            sizes[name] = parse_points(raw)
        except FieldError as err:
            problems.append(ParseProblem(("sizes", name), f"[sizes]: {name}: {err}"))
    return sizes


def _safe_ids(raw: Any, key: str) -> tuple[str, ...]:
    try:
        return _ids(raw.get(key, ())) if isinstance(raw, Mapping) else ()
    except FieldError:
        return ()


def _stub_item(item_id: str, raw: Any) -> Item:
    """A stand-in for an item table with problems: its id and its dependencies only."""
    return Item(id=item_id, title=item_id, depends_on=_safe_ids(raw, "depends_on"))


def _stub_risk(risk_id: str, raw: Any) -> Risk:
    return Risk(risk_id, risk_id, 0.0, Estimate.fixed(0), _safe_ids(raw, "affects"))


def _scenario_graph_problems(plan: Plan) -> list[ParseProblem]:
    """A scenario whose overrides add an unknown dependency or close a cycle."""
    problems: list[ParseProblem] = []
    for scenario in plan.scenarios:
        applied = plan.apply_scenario(scenario.id)
        overridden = {(o.section, o.id, o.field) for o in scenario.overrides}
        for p in validate_plan(replace(applied, scenarios=())):
            if p.message.startswith("dependency cycle"):
                in_cycle = set(p.message.split(":", 1)[1].split(" (")[0].strip().split(" -> "))
                at: Keys = ("scenarios", scenario.id)
                for o in scenario.overrides:
                    if o.section == "items" and o.field == "depends_on" and o.id in in_cycle:
                        at = ("scenarios", scenario.id, "items", o.id, "depends_on")
                        break
                problems.append(
                    ParseProblem(
                        at,
                        f"scenario '{scenario.id}': {p.message}",
                    )
                )
            elif len(p.keys) == 3 and (p.keys[0], p.keys[1], p.keys[2]) in overridden:
                problems.append(
                    ParseProblem(
                        ("scenarios", scenario.id, *p.keys),
                        f"scenario '{scenario.id}': {p.message}",
                    )
                )
    return problems


def _dedupe(problems: list[ParseProblem]) -> list[ParseProblem]:
    seen: set[tuple[Keys, str]] = set()
    out = []
    for p in problems:
        if (p.keys, p.message) not in seen:
            seen.add((p.keys, p.message))
            out.append(p)
    return out
