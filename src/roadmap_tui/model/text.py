"""Plan text made safe to show: the one sanitiser every output path uses.

A plan is untrusted input: a title may hold terminal escape sequences (`\\x1b[2J` clears the
screen, OSC 52 writes the clipboard, OSC 8 makes a link), other control characters, or
bidirectional overrides (U+202E) that make text read differently from what it is. Every
face and export shows plan text through `clean` (or a plan through `display_plan`), which
replaces each such character with U+FFFD, visibly; the plan itself is never changed.
Rich markup and CSV formulas are the faces' own concern (console, csv_export).
"""

from __future__ import annotations

import re
from dataclasses import replace

from roadmap_tui.model.types import Item, Metric, Override, Plan, Risk, Scenario, Team

#: What an unsafe character is shown as.
PLACEHOLDER = "\ufffd"

# C0 controls but tab and newlines, DEL, C1 controls (CSI U+009B among them), the bidi marks,
# embeddings, overrides and isolates, and the line and paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
_BREAKS = re.compile("\r\n|[\r\n\t]")


def clean(text: str, *, multiline: bool = False) -> str:
    """`text` with control characters, escape sequences' ESC and bidi controls replaced by
    U+FFFD. A tab is a space; a line break (CR, LF or CRLF) is kept as LF when `multiline`,
    else it is a space."""
    if text.isprintable():  # the common case: nothing to do
        return text
    text = _BREAKS.sub(lambda m: "\n" if multiline and m.group() != "\t" else " ", text)
    return _UNSAFE.sub(PLACEHOLDER, text)


def is_clean(text: str, *, multiline: bool = False) -> bool:
    return clean(text, multiline=multiline) == text


def _opt(text: str | None, multiline: bool = False) -> str | None:
    return None if text is None else clean(text, multiline=multiline)


def _item(item: Item) -> Item:
    texts = (item.title, item.owner or "", *item.tags, item.metric.name if item.metric else "")
    if all(t.isprintable() for t in texts) and is_clean(item.notes or "", multiline=True):
        return item
    metric = item.metric
    if metric is not None:
        metric = Metric(clean(metric.name), metric.current, metric.target)
    return replace(
        item,
        title=clean(item.title),
        owner=_opt(item.owner),
        notes=_opt(item.notes, multiline=True),
        tags=tuple(clean(t) for t in item.tags),
        metric=metric,
    )


def _override(o: Override) -> Override:
    value = o.value
    if isinstance(value, str):
        value = clean(value, multiline=o.field == "notes")
    elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        value = tuple(clean(v) for v in value)
    elif isinstance(value, Metric):
        value = Metric(clean(value.name), value.current, value.target)
    return replace(o, value=value)


def _scenario(s: Scenario) -> Scenario:
    return replace(s, title=clean(s.title), overrides=tuple(_override(o) for o in s.overrides))


def _risk(risk: Risk) -> Risk:
    return risk if risk.title.isprintable() else replace(risk, title=clean(risk.title))


def _team(team: Team) -> Team:
    return team if team.title.isprintable() else replace(team, title=clean(team.title))


def display_plan(plan: Plan) -> Plan:
    """The plan with every free text (names, titles, owners, tags, notes, metric names,
    scenario text, team titles) made safe by `clean`: what faces and exports show. The same
    plan object when nothing needed cleaning."""
    items = tuple(_item(i) for i in plan.items)
    risks = tuple(_risk(r) for r in plan.risks)
    teams = tuple(_team(t) for t in plan.teams)
    scenarios = tuple(_scenario(s) for s in plan.scenarios)
    same = all(
        a is b
        for a, b in zip(items + risks + teams, plan.items + plan.risks + plan.teams, strict=True)
    )
    if same and plan.name.isprintable() and scenarios == plan.scenarios:
        return plan
    return replace(
        plan, name=clean(plan.name), items=items, risks=risks, teams=teams, scenarios=scenarios
    )
