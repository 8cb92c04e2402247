"""Rendering edits into plan text with tomlkit, so a one-field change is a one-line diff."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from roadmap_tui.model.types import Plan
from roadmap_tui.store.keys import bracket_depth, locate_keys, split_lines, table_regions


def render_plan_changes(text: str, old: Plan, new: Plan) -> str:
    """`text` (which reads as `old`) edited to read as `new`, touching only what differs."""
    return render_edit(text, old, new)[0]


#: A table edited alone: (section, id, its text as now in the edited text).
Piece = tuple[str, str, str]


def render_edit(text: str, old: Plan, new: Plan) -> tuple[str, list[Piece] | None]:
    """`render_plan_changes`, and the tables edited alone when that is all that changed (the
    rest of the text is as it was: `save_plan` reads back only those); None otherwise."""
    import tomlkit

    from roadmap_tui.model import parse as P

    original = text

    # A renamed item keeps its table (and comments): its header is renamed in the text, then
    # the references to it are ordinary one-key changes.
    for old_id, new_id in _renamed_items(old, new):
        text = _rename_item_keys(text, old_id, new_id)
        old = replace(
            old,
            items=tuple(replace(i, id=new_id) if i.id == old_id else i for i in old.items),
            scenarios=tuple(
                replace(
                    s,
                    overrides=tuple(
                        replace(o, id=new_id) if (o.section, o.id) == ("items", old_id) else o
                        for o in s.overrides
                    ),
                )
                for s in old.scenarios
            ),
        )

    # Whole tables go in and out as text, so neighbouring comments and spacing stay put.
    for section, old_ids, new_ids in (
        ("items", old.item_by_id, new.item_by_id),
        ("risks", old.risk_by_id, new.risk_by_id),
        ("teams", old.team_by_id, new.team_by_id),
        ("scenarios", old.scenario_by_id, new.scenario_by_id),
    ):
        for table_id in old_ids:
            if table_id not in new_ids:
                text = _remove_table(text, (section, table_id))
    added = [
        ("items", f"[items.{i.id}]", P.item_to_toml(i))
        for i in new.items
        if i.id not in old.item_by_id
    ]
    added += [
        ("risks", f"[risks.{r.id}]", P.risk_to_toml(r))
        for r in new.risks
        if r.id not in old.risk_by_id
    ]
    added += [
        ("teams", f"[teams.{t.id}]", P.team_to_toml(t))
        for t in new.teams
        if t.id not in old.team_by_id
    ]
    added += [
        ("scenarios", f"[scenarios.{s.id}]", _scenario_toml(s))
        for s in new.scenarios
        if s.id not in old.scenario_by_id
    ]
    for section, header, table in added:
        text = _append_table(text, section, header, table)

    pieces: list[Piece] = []
    alone = _edit_tables_alone(text, old, new, pieces)
    if alone is not None:
        return alone, (pieces if text == original else None)
    doc = tomlkit.parse(text)
    moves = _edit_settings(doc, old, new)
    for item in new.items:
        before = old.item_by_id.get(item.id)
        if before is not None and before != item:
            _edit_item(doc["items"][item.id], before, item, moves)
    for risk in new.risks:
        before = old.risk_by_id.get(risk.id)
        if before is not None and before != risk:
            _edit_risk(doc["risks"][risk.id], before, risk, moves)
    for team in new.teams:
        before_team = old.team_by_id.get(team.id)
        if before_team is not None and before_team != team:
            _edit_team(doc["teams"][team.id], before_team, team, moves)
    for scenario in new.scenarios:
        before = old.scenario_by_id.get(scenario.id)
        if before is not None and before != scenario:
            _edit_scenario(doc["scenarios"][scenario.id], before, scenario)
    text = doc.as_string()
    for table_path, key, after in moves:
        if after is not None:
            text = _move_after(text, (*table_path, key), (*table_path, after))
    return text, None


Moves = list[tuple[tuple[str, ...], str, str | None]]


def _edit_item(table: Any, before: Any, item: Any, moves: Moves) -> None:
    """Edit the tomlkit table of one item from `before` to `item`, field by field."""
    from roadmap_tui.model import parse as P

    for field in P.ITEM_FIELDS:
        if field == "distribution":
            # Compared with the file: a `distribution` beside a one-number estimate
            # means nothing and stays; otherwise the file must say what the item uses.
            want = P.three_point_distribution(item)
            have = table.get("distribution")
            if want is not None and have != want and (have is not None or want != "pert"):
                after = _set_key(table, field, want, P.ITEM_FIELDS)
                moves.append((("items", item.id), field, after))
            continue
        a, b = P.item_field_toml(before, field), P.item_field_toml(item, field)
        if a != b:
            default = P.ITEM_SPECS[field].default
            if b is None and field in table and default not in (None, ()):
                b = P._num(default) if isinstance(default, float) else default
            after = _set_key(table, field, b, P.ITEM_FIELDS)
            moves.append((("items", item.id), field, after))


def _edit_fields(section: str, fields_name: str, as_toml_name: str) -> Callable[..., None]:
    """The editor of a risk's or a team's table: every field whose TOML value changed is set
    (parse's field list and its value-as-TOML function, named: parse is imported lazily)."""

    def edit(table: Any, before: Any, new: Any, moves: Moves) -> None:
        from roadmap_tui.model import parse as P

        fields, as_toml = getattr(P, fields_name), getattr(P, as_toml_name)
        for field in fields:
            value = as_toml(new, field)
            if as_toml(before, field) != value:
                after = _set_key(table, field, value, fields)
                moves.append(((section, new.id), field, after))

    return edit


_edit_risk = _edit_fields("risks", "RISK_FIELDS", "risk_field_toml")
_edit_team = _edit_fields("teams", "TEAM_FIELDS", "team_field_toml")


#: The field-by-field editor of one table of each section.
_EDITORS = {"items": _edit_item, "risks": _edit_risk, "teams": _edit_team}


#: A line that looks like a table header (`[a.b]`, `[[a]]`, a comment after it).
_HEADER = re.compile(r"""[ \t]*\[\[?[ \t]*[A-Za-z0-9_\-"' \t.]+\]\]?[ \t]*(#.*)?\n?""")


def _edit_tables_alone(
    text: str, old: Plan, new: Plan, pieces: list[Piece] | None = None
) -> str | None:
    """The edit of `render_plan_changes` when only existing item, risk and team tables change
    (`roadmap set`, most editor saves): each such table is cut out of the text, edited with
    tomlkit on its own and put back, instead of parsing the whole document (seconds at
    5,000 items). None when that does not apply: settings or scenarios change, or a table
    is not one `[items.ID]` header (with its sub-tables) in one place. A cut in the wrong
    place cannot go unnoticed: tomlkit refuses the piece, or the saved text does not read
    back as the new plan (save_plan checks). Each edited table's new text goes in `pieces`.
    """
    import tomlkit

    if old.scenarios != new.scenarios or _edit_settings(None, old, new):
        return None
    changed: list[tuple[str, Any, Any]] = []
    for item in new.items:
        before = old.item_by_id.get(item.id)
        # `is not` first: an unchanged item is the same object, and == builds two tuples
        if before is not None and before is not item and before != item:
            changed.append(("items", before, item))
    for risk in new.risks:
        before_risk = old.risk_by_id.get(risk.id)
        if before_risk is not None and before_risk != risk:
            changed.append(("risks", before_risk, risk))
    for team in new.teams:
        before_team = old.team_by_id.get(team.id)
        if before_team is not None and before_team != team:
            changed.append(("teams", before_team, team))
    for section, before, after in changed:
        lines = split_lines(text)
        span = _table_span(lines, section, after.id)
        if span is None:
            return None
        start, end = span
        try:
            doc = tomlkit.parse("".join(lines[start:end]))
            table = doc[section][after.id]
        except Exception:  # any trouble: the whole-document edit decides
            return None
        moves: Moves = []
        _EDITORS[section](table, before, after, moves)
        piece = doc.as_string()
        for table_path, key, follows in moves:
            if follows is not None:
                piece = _move_after(piece, (*table_path, key), (*table_path, follows))
        if end < len(lines) and piece and not piece.endswith("\n"):
            piece += "\n"
        text = "".join(lines[:start]) + piece + "".join(lines[end:])
        if pieces is not None:
            pieces.append((section, after.id, piece))
    return text


def _table_span(lines: list[str], section: str, table_id: str) -> tuple[int, int] | None:
    """Lines [start, end) of the one `[section.ID]` table and its sub-tables, else None."""
    mine = re.compile(
        rf"""[ \t]*\[[ \t]*{section}[ \t]*\.[ \t]*(["']?){re.escape(table_id)}\1[ \t]*[.\]]"""
    )
    # a header line begins with "[" or a blank (lines are never empty): the rest skip the regex
    heads = [n for n, line in enumerate(lines) if line[0] in "[ \t" and _HEADER.fullmatch(line)]
    own = [n for n in heads if mine.match(lines[n])]
    if not own:
        return None
    start = own[0]
    following = [n for n in heads if n > start and not mine.match(lines[n])]
    end = following[0] if following else len(lines)
    if own[-1] >= end:  # a sub-table of it elsewhere in the file
        return None
    return start, end


def _renamed_items(old: Plan, new: Plan) -> list[tuple[str, str]]:
    """(old id, new id) of each item that reads as renamed: one is gone, one is new, and the
    new one is the old one renamed (or at least has its title)."""
    gone = [i for i in old.items if i.id not in new.item_by_id]
    came = [i for i in new.items if i.id not in old.item_by_id]
    pairs = []
    for before in gone:
        for after in came:
            renamed = old.with_item_renamed(before.id, after.id).item(after.id)
            if renamed == after or before.title == after.title:
                pairs.append((before.id, after.id))
                came.remove(after)
                break
    return pairs


def _rename_item_keys(text: str, old_id: str, new_id: str) -> str:
    """The item's header `[items.old]` and the scenario overrides `items.old.field = ...`
    renamed in place, each line keeping its comment and layout."""
    import re

    import tomlkit

    new_key = tomlkit.key(new_id).as_string()
    lines = split_lines(text)
    for found, start, _ in table_regions(text):
        at = _id_position(found, old_id)
        if at is not None:
            renamed = (*found[:at], new_id, *found[at + 1 :])
            header = ".".join(tomlkit.key(k).as_string() for k in renamed)
            line = lines[start]
            rest = line[line.index("]") + 1 :] if "]" in line else "\n"
            lines[start] = f"[{header}]{rest}"
    dotted = re.compile(r"^(\s*items\s*\.\s*)(\"|'|)" + re.escape(old_id) + r"\2(\s*\.)")
    for found, line_no in locate_keys(text).items():
        if found[:1] == ("scenarios",) and found[2:4] == ("items", old_id):
            n = line_no - 1
            lines[n] = dotted.sub(lambda m: m.group(1) + new_key + m.group(3), lines[n], count=1)
    return "".join(lines)


def _id_position(keys: tuple[str, ...], old_id: str) -> int | None:
    """Where a table header names the item: [items.ID...] or [scenarios.S.items.ID...]."""
    if keys[:2] == ("items", old_id):
        return 1
    if keys[:1] == ("scenarios",) and keys[2:4] == ("items", old_id):
        return 3
    return None


def _move_after(text: str, key: tuple[str, ...], after: tuple[str, ...]) -> str:
    """Move the one-line `key = value` at `key` to just below the value of `after`."""
    lines = split_lines(text)
    located = locate_keys(text)
    if key not in located or after not in located:
        return text
    line = lines.pop(located[key] - 1)
    if not line.endswith("\n"):
        line += "\n"
    start = located[after] - 1
    if start > located[key] - 1:
        start -= 1
    # The predecessor's value may span lines (a multi-line array): its end is the last line
    # before the next key, header, comment or blank line at the table's level.
    end = start
    starts = {n - 1 for n in located.values()}
    depth = bracket_depth(lines[start])
    while depth > 0 and end + 1 < len(lines) and end + 1 not in starts:
        end += 1
        depth += bracket_depth(lines[end])
    lines.insert(end + 1, line)
    return "".join(lines)


def _edit_settings(doc: Any, old: Plan, new: Plan) -> list[tuple[tuple[str, ...], str, str | None]]:
    """Edit [plan], [forecast] and [priority] in `doc`; with `doc` None, only say whether
    anything there changed (a non-empty list)."""
    from roadmap_tui.model import parse as P

    def val(x: Any) -> Any:
        if isinstance(x, tuple):
            return list(x)
        return P._num(x) if isinstance(x, float) else x

    changes: list[tuple[str, str, Any, tuple[str, ...]]] = []
    for name in P.PLAN_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changes.append(("plan", name, val(getattr(new, name)), P.PLAN_FIELDS))
    for name in P.FORECAST_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changes.append(("forecast", name, getattr(new, name), P.FORECAST_FIELDS))
    a, b = old.priority, new.priority
    if a.method != b.method:
        changes.append(("priority", "method", b.method, P.PRIORITY_FIELDS))
    if a.order != b.order:
        changes.append(("priority", "order", b.order, P.PRIORITY_FIELDS))
    for name in P.FACTORS:
        if a.weights.get(name) != b.weights.get(name):
            changes.append(("priority", name, val(float(b.weights[name])), P.PRIORITY_FIELDS))
    if doc is None:
        return [((section,), name, None) for section, name, _, _ in changes]
    moves = []
    for section, name, value, order in changes:
        if section not in doc:
            import tomlkit

            doc.add(section, tomlkit.table())
        moves.append(((section,), name, _set_key(doc[section], name, value, order)))
    return moves


def _set_key(table: Any, key: str, value: Any, order: tuple[str, ...]) -> str | None:
    """Set, append or delete one key, keeping its comment.

    A new key is appended (tomlkit's public API); the key it should follow in canonical
    order is returned, and `_move_after` puts its line there in the text, because tomlkit has
    no public insert-after and its private one changed between releases.
    """
    import tomlkit

    if value is None:
        if key in table:
            del table[key]
        return None
    new = _toml_item(value)
    if key in table:
        old = table.value.item(key) if hasattr(table, "value") else table.item(key)
        trivia = getattr(old, "trivia", None)
        if trivia is not None:
            new.trivia.indent = trivia.indent
            new.trivia.comment_ws = trivia.comment_ws
            new.trivia.comment = trivia.comment
        table[key] = new
        return None
    table.add(tomlkit.key(key), new)
    position = order.index(key) if key in order else len(order)
    return next((b for b in reversed(order[:position]) if b in table), None)


def _toml_item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, Mapping):
        inline = tomlkit.inline_table()
        for k, v in value.items():
            inline[k] = v
        return inline
    return tomlkit.item(value)


def _scenario_toml(scenario: Any) -> dict[str, Any]:
    from roadmap_tui.model.parse import override_toml

    out: dict[str, Any] = {"title": scenario.title}
    for o in scenario.overrides:
        out[f"{o.section}.{o.id}.{o.field}"] = override_toml(o)
    return out


def _edit_scenario(table: Any, old: Any, new: Any) -> None:
    import tomlkit

    from roadmap_tui.model.parse import override_toml

    if old.title != new.title:
        _set_key(table, "title", new.title, ("title",))
    old_map = {(o.section, o.id, o.field): o for o in old.overrides}
    new_map = {(o.section, o.id, o.field): o for o in new.overrides}
    for key in old_map:
        if key not in new_map:
            section, target, field = key
            del table[section][target][field]
            if not table[section][target]:
                del table[section][target]
            if not table[section]:
                del table[section]
    for key, o in new_map.items():
        if old_map.get(key) == o:
            continue
        section, target, field = key
        value = override_toml(o)
        if section in table and target in table[section] and field in table[section][target]:
            _set_key(table[section][target], field, value, ())
        elif section in table and target in table[section]:
            table[section][target].add(tomlkit.key(field), _toml_item(value))
        elif section in table:
            table[section].add(tomlkit.key([target, field]), _toml_item(value))
        else:
            table.add(tomlkit.key([section, target, field]), _toml_item(value))


def render_table(header: str, table: Mapping[str, Any]) -> str:
    """A table in the canonical layout: header, then one `key = value` line per key."""
    lines = [header]
    for key, value in table.items():
        lines.append(f"{key} = {_toml_item(value).as_string()}")
    return "\n".join(lines) + "\n"


def _content_end(lines: list[str], start: int, end: int) -> int:
    """One past the last line of [start, end) that is neither blank nor a comment."""
    last = start
    for n in range(start, end):
        stripped = lines[n].strip()
        if stripped and not stripped.startswith("#"):
            last = n
    return last + 1


def _remove_table(text: str, keys: tuple[str, ...]) -> str:
    """Delete the table `keys` (and its sub-tables) with the blank lines after it.

    Comment lines after its last key are kept: they usually introduce the next table.
    """
    regions = table_regions(text)
    spans = [(a, b) for k, a, b in regions if k[: len(keys)] == keys]
    if not spans:
        import tomlkit

        doc = tomlkit.parse(text)
        container = doc
        for key in keys[:-1]:
            container = container[key]
        del container[keys[-1]]
        return doc.as_string()
    lines = split_lines(text)
    start = min(a for a, _ in spans)
    stop = max(b for _, b in spans)
    end = _content_end(lines, start, stop)
    while end < stop and not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


def _append_table(text: str, section: str, header: str, table: Mapping[str, Any]) -> str:
    """Insert a new table after the last table of its section (or where that section goes)."""
    rendered = render_table(header, table)
    regions = table_regions(text)
    lines = split_lines(text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    mine = [b for k, _, b in regions if k[:1] == (section,)]
    later = {
        "teams": ("items", "risks", "scenarios"),
        "items": ("risks", "scenarios"),
        "risks": ("scenarios",),
        "scenarios": (),
    }[section]
    if mine:
        last = max(a for k, a, _ in regions if k[:1] == (section,))
        at = _content_end(lines, last, max(mine))
    else:
        follow = [a for k, a, _ in regions if k[:1] and k[0] in later]
        at = min(follow) if follow else len(lines)
        while at > 0 and lines[at - 1].lstrip().startswith("#"):
            at -= 1  # comments right above the next section's header belong to it
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    block = split_lines(rendered)
    if at > 0:
        block.insert(0, "\n")
    if at < len(lines) and lines[at].strip():
        block.append("\n")
    return "".join(lines[:at] + block + lines[at:])
