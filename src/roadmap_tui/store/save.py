"""Saving a plan over its file: only what changed, validated first, refused if the file moved on."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from roadmap_tui.model.types import Plan
from roadmap_tui.store import toml
from roadmap_tui.store.atomic import atomic_write
from roadmap_tui.store.edit import Piece, render_edit
from roadmap_tui.store.errors import ExternalChangeError, PlanFileError, SaveError
from roadmap_tui.store.lock import locked
from roadmap_tui.store.read import MAX_BYTES, LoadedPlan, digest_of, file_bytes, load_plan_text


def line_endings_like(text: str, original: str) -> str:
    """`text` with the line endings of `original`: a CRLF file gets CRLF on inserted lines too."""
    if "\r\n" not in original:
        return text
    return re.sub(r"(?<!\r)\n", "\r\n", text)


def file_changed(loaded: LoadedPlan) -> bool:
    """True when the file on disk is not the one `loaded` was read from (or is gone)."""
    try:
        data = Path(loaded.path).read_bytes()
    except OSError:
        return True
    return digest_of(data) != loaded.digest


def save_plan(
    loaded: LoadedPlan, new_plan: Plan, *, force: bool = False, checked: bool = False
) -> LoadedPlan:
    """Write `new_plan` over the file `loaded` came from, changing only what changed.

    Raises ExternalChangeError when the file changed on disk since it was loaded (unless
    `force`), PlanError when `new_plan` is not valid (nothing is written then), and
    PlanFileError when the folder cannot be written. Returns the plan as now on disk.
    `checked`: the caller found no problem with `validate_plan(new_plan)` (`roadmap set`
    does, to report at the loaded lines), so a one-table save need not run it again.
    """
    with locked(loaded.path):
        edited, pieces = render_edit(loaded.text, loaded.plan, new_plan)
        text = line_endings_like(edited, loaded.text)
        saved = _read_back_pieces(loaded, text, pieces, new_plan, checked)
        if saved is None:
            saved = load_plan_text(text, loaded.path)
            _check_round_trip(saved.plan, new_plan, loaded.path)
        data = file_bytes(text, loaded.bom)
        # Checked under the lock, right before the rename: no save in between can be lost.
        if not force and file_changed(loaded):
            raise ExternalChangeError(loaded.path)
        try:
            atomic_write(loaded.path, data)
        except OSError as err:
            raise PlanFileError(loaded.path, f"cannot write: {err.strerror or err}") from None
    return replace(saved, digest=digest_of(data), bom=loaded.bom)


def _read_back_pieces(
    loaded: LoadedPlan, text: str, pieces: list[Piece] | None, new_plan: Plan, checked: bool
) -> LoadedPlan | None:
    """The saved plan, when reading back only the tables edited alone shows it is `new_plan`.

    Then the rest of the text is as loaded (it read as `loaded.plan`), and TOML lets nothing
    outside an `[items.ID]` table add to it (its sub-tables were all in the cut): each piece
    must read alone as exactly the wanted table, and the plan pass `validate_plan`. Reading
    the whole text again cost as much as loading it (a third of `roadmap set` at 5,000
    items). None (read it all) for anything else: another edit, scenarios (their overrides
    are read merged with the tables), a piece that differs or a plan with problems (the
    whole read reports them with their lines).
    """
    if pieces is None or new_plan.scenarios or len(text) > MAX_BYTES:
        return None
    from roadmap_tui.model import parse as P

    parsers: dict[str, Any] = {
        "items": lambda key, raw: P.parse_item(key, raw, new_plan.sizes),
        "risks": P.parse_risk,
        "teams": P.parse_team,
    }
    wanted: dict[str, Any] = {
        "items": new_plan.item_by_id,
        "risks": new_plan.risk_by_id,
        "teams": new_plan.team_by_id,
    }
    for section, table_id, piece in pieces:
        try:
            data = toml.loads(line_endings_like(piece, loaded.text))
        except (ValueError, RecursionError):  # a TOMLDecodeError is a ValueError
            return None
        tables = data.get(section)
        if list(data) != [section] or not isinstance(tables, dict) or list(tables) != [table_id]:
            return None
        parsed, problems = parsers[section](table_id, tables[table_id])
        if problems or parsed != wanted[section].get(table_id):
            return None
    if not checked and P.validate_plan(new_plan):
        return None
    return LoadedPlan(plan=new_plan, path=Path(loaded.path), text=text)


def write_new_plan(path: str | os.PathLike[str], text: str) -> LoadedPlan:
    """Create a plan file from text after validating it; refuses to overwrite anything."""
    loaded = load_plan_text(text, path)
    p = Path(path)
    if p.exists() or p.is_symlink():
        raise PlanFileError(path, "already exists; refusing to overwrite it")
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise PlanFileError(path, "already exists; refusing to overwrite it") from None
    except OSError as err:
        raise PlanFileError(path, f"cannot create: {err.strerror or err}") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    return loaded


def _check_round_trip(saved: Plan, wanted: Plan, path: str | os.PathLike[str]) -> None:
    """Nothing is written unless the new text reads back as the plan that was asked for."""
    if saved == wanted:  # the usual case, and much cheaper than normalising every item
        return
    from roadmap_tui.model.parse import override_toml

    def fixed(est: Any) -> Any:
        if est is not None and est.low == est.likely == est.high:
            return replace(est, distribution="fixed")
        return est

    def items(plan: Plan) -> dict[str, Any]:
        return {
            i.id: replace(i, estimate=fixed(i.estimate), remaining=fixed(i.remaining))
            for i in plan.items
        }

    def risks(plan: Plan) -> dict[str, Any]:
        return {r.id: replace(r, delay=fixed(r.delay)) for r in plan.risks}

    def teams(plan: Plan) -> dict[str, Any]:
        return {t.id: t for t in plan.teams}

    def overrides(scenario: Any) -> list[tuple[Any, ...]]:
        # As written: an estimate override takes its distribution from the item when read.
        return sorted(
            (o.section, o.id, o.field, repr(override_toml(o))) for o in scenario.overrides
        )

    def norm(plan: Plan) -> tuple[Any, ...]:
        return (
            plan.name,
            plan.start,
            plan.workdays,
            plan.holidays,
            plan.as_of,
            plan.runs,
            plan.seed,
            plan.calibrate,
            plan.queue,
            plan.priority,
            teams(plan),
            items(plan),
            risks(plan),
            {s.id: (s.title, overrides(s)) for s in plan.scenarios},
        )

    if norm(saved) != norm(wanted):
        raise SaveError(path, "the edited file would not read back as the plan being saved")
