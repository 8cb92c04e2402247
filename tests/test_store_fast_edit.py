"""A one-table edit cuts that table out of the text and edits it alone (issue 9: `roadmap
set` on a 5,000-item plan parsed the whole document with tomlkit). It must give exactly the
text the whole-document edit gives, and step aside when a layout does not allow it."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import VALID as VALID_PATH
from roadmap_tui import store
from roadmap_tui.model import parse
from roadmap_tui.store import edit

VALID = VALID_PATH.read_text(encoding="utf-8")
HEAD = '[plan]\nname = "P"\nstart = 2027-01-04\n\n'


def both_ways(text: str, target: str, field: str, value: str) -> tuple[str, str, bool]:
    """(edited text, whole-document edit, whether the one-table edit was taken)."""
    loaded = store.load_plan_text(text, "p.toml")
    section, target_id = ("risks", target[6:]) if target.startswith("risks.") else ("items", target)
    keys = parse.resolve_target(loaded.plan, section, target_id, field)
    new = parse.set_value(loaded.plan, keys, store.value_from_text(value))
    assert not parse.validate_plan(new)
    alone = edit._edit_tables_alone(text, loaded.plan, new)
    got = store.render_plan_changes(text, loaded.plan, new)
    with mock.patch.object(edit, "_edit_tables_alone", lambda *args: None):
        whole = store.render_plan_changes(text, loaded.plan, new)
    return got, whole, alone is not None


A = '[items.a]\ntitle = "A"\nestimate = 2\n'
B = '[items.b]\ntitle = "B"\nestimate = 1\n'
LAYOUTS = {
    "plain": HEAD + A + "\n" + B,
    "comments and blank lines around": HEAD
    + '# the first\n[items.a]  # a comment\ntitle = "A"   # why\nestimate = 2\n\n# about b\n\n'
    + B
    + "# trailing\n",
    "quoted header, spaces": HEAD + '[ items . "a" ]\ntitle = "A"\nestimate = 2\n\n' + B,
    "sub-table right after": HEAD
    + A
    + 'kind = "experiment"\n\n[items.a.metric]\nname = "F1"\ncurrent = 0.5\ntarget = 0.8\n\n'
    + B,
    "header-like line in a multi-line string": HEAD + A + 'notes = """\n[items.b]\n"""\n\n' + B,
    "last table without a final newline": HEAD + B + "\n" + A.rstrip("\n"),
    "risk": HEAD
    + A
    + '\n[risks.r]\ntitle = "R"\nprobability = 0.2\ndelay = [1, 2, 3]\naffects = ["a"]\n',
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("target", "field", "value"),
    [("a", "title", '"New"'), ("a", "owner", "ann"), ("a", "estimate", "[1, 2, 9]")],
)
def test_one_table_edit_gives_the_whole_document_edit(
    layout: str, target: str, field: str, value: str
) -> None:
    text = LAYOUTS[layout]
    if layout == "risk":
        target, field, value = (
            "risks.r",
            {"title": "title", "owner": "probability"}.get(field, "delay"),
            {"title": '"New"', "owner": "0.5"}.get(field, "[2, 3, 4]"),
        )
    got, whole, taken = both_ways(text, target, field, value)
    assert got == whole
    # a header inside a string cuts the piece short: tomlkit refuses it, the whole way is taken
    assert taken == (layout != "header-like line in a multi-line string")


@pytest.mark.parametrize(
    "text",
    [
        HEAD + '[items]\na = { title = "A", estimate = 2 }\nb = { title = "B", estimate = 1 }\n',
        HEAD + '[items]\na.title = "A"\na.estimate = 2\n',
        HEAD + A + "\n" + B + '\n[items.a.metric]\nname = "F1"\ncurrent = 0.5\ntarget = 0.8\n',
    ],
    ids=["inline", "dotted", "split"],
)
def test_layouts_it_cannot_cut_go_the_whole_document_way(text: str) -> None:
    loaded = store.load_plan_text(text, "p.toml")
    new = parse.set_value(loaded.plan, ("items", "a", "title"), "New")
    assert edit._edit_tables_alone(text, loaded.plan, new) is None


def test_settings_and_scenario_edits_go_the_whole_document_way() -> None:
    loaded = store.load_plan_text(VALID, "p.toml")
    new = parse.set_value(loaded.plan, ("plan", "name"), "Other")
    assert edit._edit_tables_alone(VALID, loaded.plan, new) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_one_field_edit_of_the_valid_plan_matches(data: st.DataObject) -> None:
    plan = store.load_plan_text(VALID, "p.toml").plan
    item = data.draw(st.sampled_from(plan.items))
    field, value = data.draw(
        st.sampled_from(
            [
                ("title", '"Renamed"'),
                ("owner", "zoe"),
                ("status", "doing"),
                ("estimate", "[2, 3, 8]"),
                ("estimate", "4"),
                ("distribution", "uniform"),
                ("notes", '"line"'),
                ("tags", '["x"]'),
                ("impact", "2"),
            ]
        )
    )
    try:
        got, whole, _ = both_ways(VALID, item.id, field, value)
    except (parse.FieldError, AssertionError):
        return  # not a valid edit of this item (e.g. an estimate on a milestone)
    assert got == whole


def test_a_big_plan_is_edited_alone_and_reads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Many tables, the edited one in the middle: one line changes, the plan reads back."""
    tables = "".join(
        f'\n[items.i{k}]\ntitle = "Item {k}"\nestimate = [1, 2, 3]\n'
        + (f'depends_on = ["i{k - 1}"]\n' if k else "")
        for k in range(300)
    )
    path = tmp_path / "big.toml"
    path.write_text(HEAD + tables, encoding="utf-8")
    loaded = store.load_plan(path)
    new = parse.set_value(loaded.plan, ("items", "i150", "owner"), "ann")
    assert edit._edit_tables_alone(loaded.text, loaded.plan, new) is not None
    saved = store.save_plan(loaded, new)
    assert saved.plan == new
    before, after = loaded.text.split("\n"), path.read_text(encoding="utf-8").split("\n")
    assert len(after) == len(before) + 1
    assert [line for line in after if line not in before] == ['owner = "ann"']
