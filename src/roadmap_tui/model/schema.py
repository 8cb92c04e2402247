"""The JSON Schema (draft 2020-12) of plan format v1, generated from the field registry.

Editors (Even Better TOML / taplo in VS Code, JetBrains, Neovim) read it for completion,
hover docs and validation. It is built from `parse.ITEM_SPECS`, `RISK_SPECS`, `SETTING_SPECS`
and `TOP_LEVEL`, the tables the loader itself uses, so a new field appears here without a
second list to keep in step. The loader stays the authority: the schema cannot express
cross-field rules (done needs finished, known ids in depends_on, no cycles).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from roadmap_tui.model import parse as P
from roadmap_tui.model.types import DEFAULT_SIZES, WEEKDAYS

#: Where the shipped schema/roadmap-plan.schema.json is published; `roadmap new` writes
#: `#:schema SCHEMA_URL` on the first line of a new plan.
SCHEMA_URL = (
    "https://raw.githubusercontent.com/OWNER/roadmap-tui/main/schema/roadmap-plan.schema.json"
)

_DATE: dict[str, Any] = {"type": "string", "format": "date", "examples": ["2027-01-04"]}
_NUMBER0: dict[str, Any] = {"type": "number", "minimum": 0}
_POINTS: dict[str, Any] = {
    "anyOf": [
        _NUMBER0,
        {"type": "array", "items": _NUMBER0, "minItems": 3, "maxItems": 3},
    ]
}
_ID_PATTERN = P.ID_RE.pattern


def _parser_schemas() -> dict[Callable[[Any], Any], dict[str, Any]]:
    """The schema of every parser that is a plain function (factories register their own)."""
    return {
        P._title: {"type": "string", "minLength": 1, "pattern": r"\S"},
        P._text: {"type": "string"},
        P._link: {"type": "string", "format": "uri", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$"},
        P.parse_date: _DATE,
        P._dates: {"type": "array", "items": _DATE},
        P._bool: {"type": "boolean"},
        P._ids: {
            "type": "array",
            "items": {"type": "string", "pattern": _ID_PATTERN},
            "uniqueItems": True,
        },
        P._strings: {"type": "array", "items": {"type": "string"}},
        P.parse_points: _POINTS,
        P._estimate_value: {
            "anyOf": [
                *_POINTS["anyOf"],
                {"type": "string", "minLength": 1, "examples": list(DEFAULT_SIZES)},
            ]
        },
        P._metric: {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "current": {"type": "number"},
                "target": {"type": "number"},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
        P._workdays: {
            "type": "array",
            "items": {"type": "string", "enum": list(WEEKDAYS)},
            "minItems": 1,
            "uniqueItems": True,
        },
    }


def unknown_parsers() -> list[str]:
    """Registry parsers with no schema here: their fields are in the schema but accept any
    value until one is registered above (a test lists them)."""
    parsers = [
        *(s.parse for s in P.ITEM_SPECS.values()),
        *(s.parse for s in P.RISK_SPECS.values()),
        *P.SETTING_SPECS.values(),
    ]
    known = {**_parser_schemas(), **P.PARSER_SCHEMAS}
    names = [getattr(p, "__qualname__", repr(p)) for p in parsers if p not in known]
    return sorted(set(names))


def field_schema(parser: Callable[[Any], Any]) -> dict[str, Any]:
    """The schema of one field's value, from its parser: any value for a parser that has
    none yet, so a field added to the registry is always in the schema."""
    known = P.PARSER_SCHEMAS.get(parser) or _parser_schemas().get(parser) or {}
    return json.loads(json.dumps(known))  # a deep copy the caller may decorate


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_default(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _fields(specs: Mapping[str, P.FieldSpec], order: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in order:
        spec = specs[name]
        schema = field_schema(spec.parse)
        if spec.help:
            schema["description"] = spec.help
        if spec.default not in (None, ()):
            schema["default"] = _json_default(spec.default)
        out[name] = schema
    return out


_SETTING_HELP: Mapping[tuple[str, str], str] = {
    ("plan", "name"): "the plan's name",
    ("plan", "start"): "day 0 of the plan",
    ("plan", "workdays"): "the days work happens on",
    ("plan", "holidays"): "dates without work",
    ("plan", "as_of"): "forecast from this day: statuses and actuals apply",
    ("forecast", "runs"): "Monte Carlo runs",
    ("forecast", "seed"): "same seed, same forecast",
    ("priority", "method"): "weighted | gated",
    ("priority", "inherit"): "a blocker scores at least what it blocks",
}


def _settings(section: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    keys = [*P.SETTING_FIELDS[section]]
    keys += [k for (sec, k) in P.SETTING_SPECS if sec == section and k not in keys]
    for key in keys:
        schema = field_schema(P.SETTING_SPECS[(section, key)])
        default_help = "factor weight" if section == "priority" else ""
        help_ = _SETTING_HELP.get((section, key), default_help)
        if help_:
            schema["description"] = help_
        properties[key] = schema
    table: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if section == "plan":
        table["required"] = ["name", "start"]
    return table


def _id_table(entry: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "propertyNames": {"pattern": _ID_PATTERN},
        "additionalProperties": entry,
    }


def plan_schema() -> dict[str, Any]:
    """The whole schema as a JSON-ready dict, in registry order (stable output)."""
    item_fields = _fields(P.ITEM_SPECS, P.ITEM_FIELDS)
    risk_fields = _fields(P.RISK_SPECS, P.RISK_FIELDS)
    item = {
        "type": "object",
        "properties": item_fields,
        "required": [n for n, s in P.ITEM_SPECS.items() if s.required],
        "additionalProperties": False,
    }
    risk = {
        "type": "object",
        "properties": risk_fields,
        "required": [n for n, s in P.RISK_SPECS.items() if s.required],
        "additionalProperties": False,
    }
    overrides = {
        "items": _id_table(
            {"type": "object", "properties": item_fields, "additionalProperties": False},
            "item fields to override: items.<id>.<field> = ...",
        ),
        "risks": _id_table(
            {"type": "object", "properties": risk_fields, "additionalProperties": False},
            "risk fields to override: risks.<id>.<field> = ...",
        ),
    }
    scenario = {
        "type": "object",
        "properties": {
            "title": {**field_schema(P._title), "description": "what the scenario assumes"},
            **overrides,
        },
        "required": ["title"],
        "additionalProperties": False,
    }
    sections: dict[str, Any] = {
        "plan": _settings("plan"),
        "forecast": _settings("forecast"),
        "priority": _settings("priority"),
        "sizes": {
            "type": "object",
            "description": 'size names an estimate may use (estimate = "M"); numeric keys map '
            "story points; these replace or add to the defaults",
            "additionalProperties": _POINTS,
            "default": {k: [_json_default(x) for x in v] for k, v in DEFAULT_SIZES.items()},
        },
        "items": _id_table(item, "one table per item: [items.<id>]"),
        "risks": _id_table(risk, "one table per risk: [risks.<id>]"),
        "scenarios": _id_table(scenario, "named what-ifs: [scenarios.<id>]"),
    }
    properties = {}
    for name in P.TOP_LEVEL:
        properties[name] = sections.get(name, {"type": "object"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "roadmap-tui plan (format v1)",
        "description": "A roadmap-tui plan file; every field is described in docs/format.md.",
        "type": "object",
        "properties": properties,
        "required": ["plan"],
        "additionalProperties": False,
    }


def schema_text() -> str:
    """The schema as `roadmap schema` prints it and schema/roadmap-plan.schema.json holds it."""
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"


def to_json_value(value: Any) -> Any:
    """A TOML value (tomllib's) as JSON sees it, the way taplo converts it: dates as text."""
    if isinstance(value, Mapping):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value
