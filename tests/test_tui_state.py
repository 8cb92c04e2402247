"""The undo history and dirty tracking of the editor (no Textual needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from roadmap_tui.model.types import Estimate, Item, Plan
from roadmap_tui.tui.state import History


def plan_with(n: int) -> Plan:
    base = Plan(name="p", start=date(2027, 1, 4))
    return base.with_item(Item(id="a", title="A", estimate=Estimate.fixed(n)))


def test_undo_and_redo_walk_the_snapshots_and_dirty_follows_the_saved_plan() -> None:
    history = History(plan_with(1))
    assert not history.dirty and not history.can_undo
    history.push(plan_with(2), "edit a")
    history.push(plan_with(3), "edit a again")
    assert history.dirty and history.present == plan_with(3)
    assert history.undo() == "edit a again"
    assert history.present == plan_with(2)
    assert history.undo() == "edit a"
    assert history.present == plan_with(1) and not history.dirty
    assert history.undo() is None
    assert history.redo() == "edit a"
    assert history.redo() == "edit a again"
    assert history.redo() is None and history.present == plan_with(3)


def test_an_edit_after_undo_drops_the_redo_branch() -> None:
    history = History(plan_with(1))
    history.push(plan_with(2), "two")
    history.undo()
    history.push(plan_with(5), "five")
    assert not history.can_redo
    assert history.undo() == "five" and history.present == plan_with(1)


def test_a_no_op_edit_is_not_recorded() -> None:
    history = History(plan_with(1))
    assert history.push(plan_with(1), "nothing") is False
    assert not history.can_undo


def test_at_least_a_hundred_steps_can_be_undone_and_the_oldest_fall_off_beyond_the_limit() -> None:
    history = History(plan_with(0), limit=150)
    for n in range(1, 201):
        history.push(plan_with(n), f"step {n}")
    undone = 0
    while history.undo() is not None:
        undone += 1
    assert undone == 150
    assert history.present == plan_with(50)


def test_saving_moves_the_clean_point() -> None:
    history = History(plan_with(1))
    history.push(plan_with(2), "two")
    history.mark_saved()
    assert not history.dirty
    history.undo()
    assert history.dirty  # the file now holds 2, the screen shows 1
    history.push(replace(plan_with(2)), "two again")
    assert not history.dirty
