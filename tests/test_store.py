"""Loading with line numbers, clean file errors, style-preserving atomic saves, fmt."""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import VALID
from roadmap_tui import store
from roadmap_tui.model import parse
from roadmap_tui.model.types import Estimate, Item, Risk


def changed_lines(a: str, b: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts."""
    removed, added = [], []
    for line in difflib.ndiff(a.split("\n"), b.split("\n")):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


# ---------------------------------------------------------------- loading


def test_load_plan_keeps_text_path_and_digest(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    assert loaded.path == plan_file
    assert loaded.text == plan_file.read_text()
    assert loaded.digest == store.digest_of(plan_file.read_bytes())
    assert [i.id for i in loaded.plan.items] == [
        "kickoff",
        "collect-tickets",
        "intent-model",
        "launch",
    ]
    assert loaded.line_of("items", "intent-model", "metric") == 45


def test_load_plan_text_names_the_source_in_problems() -> None:
    with pytest.raises(store.PlanError) as info:
        store.load_plan_text('[plan]\nname = "x"\n', "HEAD:plan.toml")
    assert str(info.value.problems[0]) == (
        "HEAD:plan.toml:1: [plan]: start: missing; expected start = <date>, day 0 of the plan"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(store.PlanFileError, match="no such file"):
        store.load_plan(tmp_path / "nope.toml")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(store.PlanFileError, match="is a directory"):
        store.load_plan(tmp_path)


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.toml"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(store.PlanFileError, match="binary"):
        store.load_plan(path)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[plan]\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(store.PlanFileError) as err:
        store.load_plan(path)
    assert str(err.value).startswith(f"{path}:2: not valid UTF-8")
    assert err.value.line == 2


def test_empty_file_is_an_invalid_plan(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")
    with pytest.raises(store.PlanError) as info:
        store.load_plan(path)
    assert [p.line for p in info.value.problems] == [1]
    assert "missing [plan] table" in info.value.problems[0].message


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:  # 50 MB, sparse: quick to make
        f.seek(50 * 2**20)
        f.write(b"x")
    with pytest.raises(store.PlanFileError, match="MB"):
        store.load_plan(path)


def test_huge_text_is_refused() -> None:
    with pytest.raises(store.PlanFileError):
        store.load_plan_text("# x\n" * (store.MAX_BYTES // 4 + 1), "big.toml")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.read_bytes())
    assert store.load_plan(path).plan.name == "Support assistant"


def test_deep_nesting_is_a_clean_error() -> None:
    with pytest.raises(store.PlanError) as info:
        store.load_plan_text("a = " + "[" * 100_000, "deep.toml")
    assert info.value.problems[0].message.startswith("TOML syntax error")


# ---------------------------------------------------------------- the key locator


def test_locator_handles_dotted_keys_inline_tables_and_multiline_values() -> None:
    text = "\n".join(
        [
            "[plan]",  # 1
            'name = """',  # 2
            "[items.fake]",  # 3: inside a string, not a header
            'title = "no"',  # 4
            '"""',  # 5
            "[items.a]",  # 6
            "depends_on = [",  # 7
            '  "b",  # a comment with = and [brackets]',  # 8
            "]",  # 9
            'metric = { name = "F1", target = 0.9 }',  # 10
            "target = 2027-01-01",  # 11
            '"quoted key" = 1',  # 12
            "[scenarios.s]",  # 13
            "items.a.estimate = [1, 2, 3]",  # 14
            "risks . r . probability = 0.1",  # 15
        ]
    )
    lines = store.locate_keys(text)
    assert lines[("plan", "name")] == 2
    assert ("items", "fake") not in lines
    assert lines[("items", "a")] == 6
    assert lines[("items", "a", "depends_on")] == 7
    assert lines[("items", "a", "metric", "name")] == 10
    assert lines[("items", "a", "target")] == 11
    assert lines[("items", "a", "quoted key")] == 12
    assert lines[("scenarios", "s", "items", "a", "estimate")] == 14
    assert lines[("scenarios", "s", "risks", "r", "probability")] == 15
    assert store.line_for(lines, ("items", "a", "owner")) == 6
    assert store.line_for(lines, ("nothing",)) == 1


def test_problem_in_an_inline_table_points_at_its_line(tmp_path: Path) -> None:
    text = VALID.read_text().replace('name = "F1"', "name = 5")
    with pytest.raises(store.PlanError) as info:
        store.load_plan_text(text, "p.toml")
    (problem,) = info.value.problems
    assert problem.line == 45
    assert problem.message == "item 'intent-model': metric: expected a string, found 5 (an integer)"


# ---------------------------------------------------------------- saving


EDITS = [
    ("intent-model", "estimate", [6, 10, 20]),
    ("intent-model", "p_success", 0.7),
    ("collect-tickets", "status", "done"),  # needs finished: see below
    ("collect-tickets", "owner", "ml-team"),
    ("collect-tickets", "tags", ["data"]),
    ("collect-tickets", "target", date(2027, 4, 1)),
    ("launch", "title", "Launch to everyone"),
    ("launch", "estimate", [3, 5, 9]),
]


@pytest.mark.parametrize(("item_id", "field", "value"), EDITS)
def test_one_field_edit_changes_one_line(
    plan_file: Path, item_id: str, field: str, value: object
) -> None:
    loaded = store.load_plan(plan_file)
    item = loaded.plan.item(item_id)
    if field == "status":
        item = replace(item, finished=date(2027, 1, 20))
        loaded = store.save_plan(loaded, loaded.plan.with_item(item))
    before = plan_file.read_text()
    new_plan = loaded.plan.with_item(parse.update_item(item, field, value))
    saved = store.save_plan(loaded, new_plan)
    after = plan_file.read_text()
    removed, added = changed_lines(before, after)
    assert len(removed) == 1 and len(added) == 1, (removed, added)
    assert added[0].startswith(f"{field} = ")
    assert saved.text == after
    assert store.load_plan(plan_file).plan == new_plan


def test_the_comment_on_an_edited_line_is_kept(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    item = parse.update_item(loaded.plan.item("intent-model"), "estimate", [6, 10, 20])
    store.save_plan(loaded, loaded.plan.with_item(item))
    removed, added = changed_lines(loaded.text, plan_file.read_text())
    assert removed == ["estimate = [5, 10, 20]        # one attempt"]
    assert added == ["estimate = [6, 10, 20]        # one attempt"]


def test_a_new_field_goes_in_canonical_position(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    item = parse.update_item(loaded.plan.item("launch"), "impact", 5)
    store.save_plan(loaded, loaded.plan.with_item(item))
    after = plan_file.read_text()
    removed, added = changed_lines(loaded.text, after)
    assert (removed, added) == ([], ["impact = 5"])
    block = after.split("[items.launch]\n")[1].split("\n\n")[0].splitlines()
    assert block == [
        'title = "Launch"',
        "estimate = 5",
        'depends_on = ["intent-model"]',
        "impact = 5",
        'notes = "Staged rollout"',
    ]


def test_removing_an_optional_field_removes_its_line(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    item = parse.update_item(loaded.plan.item("collect-tickets"), "target", None)
    store.save_plan(loaded, loaded.plan.with_item(item))
    assert changed_lines(loaded.text, plan_file.read_text()) == (["target = 2027-03-01"], [])


def test_setting_a_default_value_keeps_the_key(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    item = parse.update_item(loaded.plan.item("collect-tickets"), "impact", 3)
    store.save_plan(loaded, loaded.plan.with_item(item))
    assert changed_lines(loaded.text, plan_file.read_text()) == (["impact = 4"], ["impact = 3"])


def test_settings_edits(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    weights = {**loaded.plan.priority.weights, "impact": 4.5}
    new = replace(loaded.plan, seed=7, priority=replace(loaded.plan.priority, weights=weights))
    store.save_plan(loaded, new)
    assert changed_lines(loaded.text, plan_file.read_text()) == (
        ["seed = 42", "impact = 3.0"],
        ["seed = 7", "impact = 4.5"],
    )
    assert store.load_plan(plan_file).plan == new


def test_add_item_appends_a_canonical_table_after_the_last_item(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    new_item = Item(
        id="monitoring",
        title="Drift monitoring",
        estimate=Estimate(2, 3, 5),
        depends_on=("launch",),
        tags=("ops",),
    )
    store.save_plan(loaded, loaded.plan.with_item(new_item))
    after = plan_file.read_text()
    removed, added = changed_lines(loaded.text, after)
    assert removed == []
    assert added == [
        "[items.monitoring]",
        'title = "Drift monitoring"',
        "estimate = [2, 3, 5]",
        'depends_on = ["launch"]',
        'tags = ["ops"]',
        "",
    ]
    assert after.index("[items.monitoring]") < after.index("[risks.vendor-slip]")
    assert store.load_plan(plan_file).plan.item("monitoring") == new_item


def test_remove_item_removes_its_table_and_references_only(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    store.save_plan(loaded, loaded.plan.without_item("intent-model"))
    after = plan_file.read_text()
    removed, added = changed_lines(loaded.text, after)
    assert added == ["depends_on = []"] or added == []
    assert removed[:8] == [
        "[items.intent-model]",
        'title = "Intent classifier reaches F1 0.85"',
        'kind = "experiment"',
        "estimate = [5, 10, 20]        # one attempt",
        "p_success = 0.6",
        "max_attempts = 3",
        'metric = { name = "F1", current = 0.78, target = 0.85 }',
        'depends_on = ["collect-tickets"]',
    ]
    # the blank line after it, and launch's only dependency
    assert removed[8:] == ["", 'depends_on = ["intent-model"]']
    assert "[items.launch]" in after and "# --- data work ---" in after


def test_remove_item_keeps_the_comment_that_introduces_the_next_table(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[plan]\nname = "P"\nstart = 2027-01-04\n\n'
        '[items.a]\ntitle = "A"\nestimate = 1\n\n'
        "# B is the important one\n"
        '[items.b]\ntitle = "B"\nestimate = 1\n'
    )
    loaded = store.load_plan(path)
    store.save_plan(loaded, loaded.plan.without_item("a"))
    assert path.read_text() == (
        '[plan]\nname = "P"\nstart = 2027-01-04\n\n'
        "# B is the important one\n"
        '[items.b]\ntitle = "B"\nestimate = 1\n'
    )


def test_remove_item_drops_its_scenario_overrides(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    store.save_plan(loaded, loaded.plan.without_item("collect-tickets"))
    after = plan_file.read_text()
    assert "items.collect-tickets.estimate" not in after
    assert "risks.vendor-slip.probability = 0.1" in after
    assert store.load_plan(plan_file).plan.scenarios[0].overrides[0].id == "vendor-slip"


def test_add_and_remove_risk(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    risk = Risk("gpu-shortage", "GPU quota cut", 0.2, Estimate(2, 4, 8), ("intent-model",))
    saved = store.save_plan(loaded, loaded.plan.with_risk(risk))
    assert changed_lines(loaded.text, saved.text) == (
        [],
        [
            "[risks.gpu-shortage]",
            'title = "GPU quota cut"',
            "probability = 0.2",
            "delay = [2, 4, 8]",
            'affects = ["intent-model"]',
            "",
        ],
    )
    assert saved.text.index("[risks.gpu-shortage]") < saved.text.index("[scenarios.")
    again = store.save_plan(saved, saved.plan.without_risk("gpu-shortage"))
    assert again.text == loaded.text


def test_first_risk_goes_before_the_scenarios(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[plan]\nname = "P"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 1\n\n'
        '[scenarios.s]\ntitle = "S"\nitems.a.estimate = 2\n'
    )
    loaded = store.load_plan(path)
    risk = Risk("r", "R", 0.5, Estimate.fixed(3), ("a",))
    saved = store.save_plan(loaded, loaded.plan.with_risk(risk))
    assert saved.text == (
        '[plan]\nname = "P"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 1\n\n'
        '[risks.r]\ntitle = "R"\nprobability = 0.5\ndelay = 3\naffects = ["a"]\n\n'
        '[scenarios.s]\ntitle = "S"\nitems.a.estimate = 2\n'
    )


def test_scenario_override_edits(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    plan = loaded.plan
    (scenario,) = plan.scenarios
    overrides = (
        parse.Override("items", "collect-tickets", "estimate", Estimate(8, 10, 18)),
        scenario.overrides[1],
        parse.Override("items", "launch", "readiness", 7),
    )
    new = replace(plan, scenarios=(replace(scenario, overrides=overrides),))
    saved = store.save_plan(loaded, new)
    assert changed_lines(loaded.text, saved.text) == (
        ["items.collect-tickets.estimate = [7, 10, 18]"],
        ["items.collect-tickets.estimate = [8, 10, 18]", "items.launch.readiness = 7"],
    )
    assert saved.plan.apply_scenario("second-vendor").item("launch").readiness == 7


def test_an_invalid_plan_is_not_written(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    looped = loaded.plan.with_item(replace(loaded.plan.item("kickoff"), depends_on=("launch",)))
    with pytest.raises(store.PlanError, match="dependency cycle"):
        store.save_plan(loaded, looped)
    assert plan_file.read_text() == loaded.text


def test_save_refuses_after_an_external_change(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    plan_file.write_text(loaded.text.replace("runs = 2000", "runs = 3000"))
    new = replace(loaded.plan, seed=1)
    with pytest.raises(store.ExternalChangeError, match="changed on disk since it was loaded"):
        store.save_plan(loaded, new)
    assert "runs = 3000" in plan_file.read_text()
    store.save_plan(loaded, new, force=True)
    assert store.load_plan(plan_file).plan == new


def test_save_refuses_when_the_file_was_deleted(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    plan_file.unlink()
    with pytest.raises(store.ExternalChangeError):
        store.save_plan(loaded, replace(loaded.plan, seed=1))


def test_save_is_atomic(plan_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = store.load_plan(plan_file)

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", crash)
    with pytest.raises(store.PlanFileError, match="No space left on device"):
        store.save_plan(loaded, replace(loaded.plan, seed=1))
    assert plan_file.read_text() == loaded.text
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["plan.toml"]


def test_save_interrupted_while_writing_leaves_the_original(
    plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = store.load_plan(plan_file)

    def die(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store.os, "fsync", die)
    with pytest.raises(KeyboardInterrupt):
        store.save_plan(loaded, replace(loaded.plan, seed=1))
    assert plan_file.read_text() == loaded.text
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["plan.toml"]


def test_save_keeps_the_file_mode(plan_file: Path) -> None:
    plan_file.chmod(0o600)
    loaded = store.load_plan(plan_file)
    saved = store.save_plan(loaded, replace(loaded.plan, seed=1))
    assert stat.S_IMODE(plan_file.stat().st_mode) == 0o600
    # the returned plan can be saved again without an external-change refusal
    store.save_plan(saved, replace(saved.plan, seed=2))
    assert store.load_plan(plan_file).plan.seed == 2


def test_write_new_plan_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    text = store.template_text("blank")
    store.write_new_plan(path, text)
    assert path.read_text() == text
    with pytest.raises(store.PlanFileError, match="already exists"):
        store.write_new_plan(path, text)
    with pytest.raises(store.PlanError):
        store.write_new_plan(tmp_path / "bad.toml", "[plan]\n")
    assert not (tmp_path / "bad.toml").exists()


@pytest.mark.parametrize("name", store.TEMPLATES)
def test_templates_are_valid_canonical_and_commented(name: str) -> None:
    text = store.template_text(name)
    loaded = store.load_plan_text(text, f"{name}.toml")
    assert loaded.plan.items
    assert store.format_canonical(text) == text
    assert text.count("#") >= 10


# ---------------------------------------------------------------- fmt


MESSY = """\
# header comment
[plan]
start = 2027-01-04
name = "X"   # the name

[items.a]
estimate = 3
# the title explains
title = "A"
depends_on = [
  "b",
  "c",
]

# --- next
[items.b]
kind = "milestone"
title = "B"

[items]
c = { title = "C", estimate = [1, 2, 3] }
"""


def test_format_canonical() -> None:
    out = store.format_canonical(MESSY)
    assert out.startswith(
        '# header comment\n[plan]\nname = "X"   # the name\nstart = 2027-01-04\n\n'
        '[items.a]\n# the title explains\ntitle = "A"\nestimate = 3\ndepends_on = ["b", "c"]\n'
        '\n# --- next\n[items.b]\ntitle = "B"\nkind = "milestone"\n'
    )
    assert "c = {" not in out
    assert '[items.c]\ntitle = "C"\nestimate = [1, 2, 3]\n' in out
    assert "\n\n\n" not in out and "[items]\n" not in out
    assert store.load_plan_text(out, "x").plan == store.load_plan_text(MESSY, "x").plan
    assert store.format_canonical(out) == out


def test_format_canonical_keeps_a_canonical_file_byte_identical() -> None:
    text = VALID.read_text()
    assert store.format_canonical(text) == text


def test_format_file_check_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.toml"
    path.write_text(MESSY)
    assert store.format_file(path, check=True) is True
    assert path.read_text() == MESSY
    assert store.format_file(path) is True
    assert path.read_text() == store.format_canonical(MESSY)
    assert store.format_file(path, check=True) is False


def test_format_refuses_an_invalid_plan() -> None:
    with pytest.raises(store.PlanError):
        store.format_canonical("[plan]\n")


# ---------------------------------------------------------------- fuzzing


CLEAN = (store.PlanError, store.PlanFileError)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_gives_only_clean_errors(text: str) -> None:
    with contextlib.suppress(CLEAN):
        store.load_plan_text(text, "fuzz.toml")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_only_clean_errors(data: bytes) -> None:
    with contextlib.suppress(CLEAN):
        store.load_plan_text(store.decode(data, "fuzz.toml"), "fuzz.toml")


_VALID_TEXT = VALID.read_text()
_SNIPPETS = [
    "[",
    "]",
    "=",
    '"',
    "'",
    "{",
    "}",
    ",",
    "\n",
    "#",
    ".",
    "-1",
    "nan",
    "inf",
    "1e400",
    "2027-13-40",
    "2027-01-04T10:00:00",
    "true",
    "[items.x]",
    "[[items]]",
    "[]",
    "{}",
    "0",
    "9999999999999999999999",
    'depends_on = ["launch"]',
    'kind = "milestone"',
    'status = "done"',
    '"""',
    "items.a.b = 1",
    "estimate = [3, 2, 1]",
    "readiness = 1.5",
]


@st.composite
def mutated_plans(draw: st.DrawFn) -> str:
    text = _VALID_TEXT
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        if action == "insert":
            text = text[:pos] + draw(st.sampled_from(_SNIPPETS)) + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif action == "replace":
            text = text[:pos] + draw(st.sampled_from(_SNIPPETS)) + text[pos + 1 :]
        else:
            lines = text.splitlines(keepends=True)
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_plans())
def test_mutated_plans_give_only_clean_errors(text: str) -> None:
    try:
        loaded = store.load_plan_text(text, "fuzz.toml")
    except store.PlanError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.line >= 1 and problem.message
        return
    # a mutation that still reads as a plan also formats to the same plan
    assert store.load_plan_text(store.format_canonical(text), "x").plan == loaded.plan


toml_scalars = st.one_of(
    st.integers(-10, 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(["todo", "done", "milestone", "pert", "mon", "a", "b"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from([*parse.ITEM_FIELDS, "a", "b", "name", "start", "items", "x"]),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*parse.TOP_LEVEL, "other"]),
        toml_values,
        max_size=6,
    )
)
def test_parse_plan_never_raises_on_any_structure(data: dict) -> None:
    plan, problems = parse.parse_plan(data)
    assert (plan is None) == bool(problems)


# ---------------------------------------------------------------- layering


def test_model_and_store_do_not_import_textual_or_matplotlib() -> None:
    code = (
        "import sys, roadmap_tui.model, roadmap_tui.model.parse, roadmap_tui.store; "
        "roadmap_tui.store.load_plan(sys.argv[1]); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'matplotlib')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(VALID)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_problem_str() -> None:
    assert str(store.Problem("p.toml", 3, "boom")) == "p.toml:3: boom"
    assert os.fspath(store.PlanFileError("x.toml", "no such file").path) == "x.toml"


def test_format_turns_inline_items_into_tables_in_order() -> None:
    text = (
        '[plan]\nname = "X"\nstart = 2027-01-04\n\n[items]\n'
        'c = { title = "C", estimate = [1, 2, 3] }\n'
        'd = { title = "D", estimate = 1 }  # the second\n'
        '[risks.r]\ntitle = "R"\nprobability = 0.1\ndelay = 1\n'
    )
    assert store.format_canonical(text) == (
        '[plan]\nname = "X"\nstart = 2027-01-04\n\n'
        '[items.c]\ntitle = "C"\nestimate = [1, 2, 3]\n\n'
        '[items.d]\n# the second\ntitle = "D"\nestimate = 1\n\n'
        '[risks.r]\ntitle = "R"\nprobability = 0.1\ndelay = 1\n'
    )


def test_an_explicit_distribution_line_follows_the_estimate(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)  # collect-tickets has distribution = "pert" written out
    item = parse.update_item(loaded.plan.item("collect-tickets"), "distribution", "uniform")
    saved = store.save_plan(loaded, loaded.plan.with_item(item))
    assert changed_lines(loaded.text, saved.text) == (
        ['distribution = "pert"'],
        ['distribution = "uniform"'],
    )
    assert saved.plan.item("collect-tickets").remaining == Estimate(3, 5, 8, "uniform")
    fixed = parse.update_item(saved.plan.item("collect-tickets"), "estimate", 12)
    fixed = parse.update_item(fixed, "remaining", 4)
    again = store.save_plan(saved, saved.plan.with_item(fixed))
    assert again.plan.item("collect-tickets").estimate == Estimate(12, 12, 12, "fixed")


def test_a_degenerate_three_point_estimate_saves_as_one_number(plan_file: Path) -> None:
    loaded = store.load_plan(plan_file)
    item = replace(loaded.plan.item("launch"), estimate=Estimate(4, 4, 4, "pert"))
    saved = store.save_plan(loaded, loaded.plan.with_item(item))
    assert changed_lines(loaded.text, saved.text) == (["estimate = 5"], ["estimate = 4"])


FIELD_VALUES = {
    "title": st.text(min_size=1, max_size=20),
    "kind": st.sampled_from(["task", "data", "experiment"]),
    "estimate": st.one_of(
        st.integers(0, 50),
        st.lists(st.integers(0, 60), min_size=3, max_size=3).map(sorted),
    ),
    "distribution": st.sampled_from(["pert", "triangular", "uniform", "fixed"]),
    "p_success": st.floats(0, 1),
    "max_attempts": st.integers(1, 9),
    "impact": st.one_of(st.integers(0, 5), st.floats(0, 5)),
    "data": st.floats(0, 1),
    "readiness": st.integers(0, 9),
    "target": st.dates(date(2027, 1, 1), date(2028, 12, 31)),
    "owner": st.text(max_size=15),
    "tags": st.lists(st.text(max_size=8), max_size=3),
    "notes": st.text(max_size=40),
    "depends_on": st.sampled_from([[], ["kickoff"], ["kickoff", "collect-tickets"]]),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item_id=st.sampled_from(["kickoff", "collect-tickets", "intent-model", "launch"]),
    data=st.data(),
)
def test_any_one_field_edit_is_at_most_a_one_line_diff(item_id: str, data: st.DataObject) -> None:
    import tempfile

    field = data.draw(st.sampled_from(sorted(FIELD_VALUES)))
    value = data.draw(FIELD_VALUES[field])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.toml"
        shutil.copy(VALID, path)
        loaded = store.load_plan(path)
        try:
            item = parse.update_item(loaded.plan.item(item_id), field, value)
        except parse.FieldError:
            return  # e.g. an estimate on the milestone: refused before any save
        new_plan = loaded.plan.with_item(item)
        if parse.validate_plan(new_plan):
            return
        saved = store.save_plan(loaded, new_plan)
        removed, added = changed_lines(loaded.text, path.read_text())
        assert len(removed) <= 1 and len(added) <= 1, (field, value, removed, added)
        assert store.load_plan(path).plan.item(item_id) == saved.plan.item(item_id)
        assert saved.plan.item(item_id).__getattribute__(
            "estimate" if field == "distribution" else field
        ) == item.__getattribute__("estimate" if field == "distribution" else field)


@pytest.mark.parametrize("name", store.TEMPLATES)
def test_templates_explain_every_field(name: str) -> None:
    text = store.template_text(name)
    for field in (*parse.PLAN_FIELDS, *parse.ITEM_FIELDS, *parse.RISK_FIELDS):
        assert f"{field} =" in text, field


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}=,.\"'#\\ \n\tab1")), max_size=200))
def test_the_locator_ends_on_any_text(text: str) -> None:
    lines = store.locate_keys(text)
    assert all(1 <= line <= text.count("\n") + 1 for line in lines.values())


BUNDLED = sorted((Path(__file__).parent.parent / "plans").glob("*.toml"))


@pytest.mark.parametrize("source", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_plans_one_line_edits_and_canonical(source: Path, tmp_path: Path) -> None:
    path = tmp_path / source.name
    shutil.copy(source, path)
    text = path.read_text()
    assert store.format_canonical(text) == text
    loaded = store.load_plan(path)
    for item in loaded.plan.items:
        before = loaded.text
        new_item = parse.update_item(item, "title", item.title + " (edited)")
        loaded = store.save_plan(loaded, loaded.plan.with_item(new_item))
        removed, added = changed_lines(before, loaded.text)
        assert len(removed) == 1 and len(added) == 1
        assert removed[0].startswith("title = ") and "(edited)" in added[0]
    assert loaded.text.count("(edited)") == len(loaded.plan.items)
    assert text.count("#") == loaded.text.count("#")  # every comment survived


def test_value_from_text_reads_one_toml_value_else_keeps_the_text() -> None:
    assert store.value_from_text("5") == 5
    assert store.value_from_text("[3, 5, 8]") == [3, 5, 8]
    assert store.value_from_text("2027-02-01") == date(2027, 2, 1)
    assert store.value_from_text('"two words"') == "two words"
    assert store.value_from_text("done") == "done"  # a bare word is a string
    assert store.value_from_text("2027-02-31") == "2027-02-31"  # the field parser refuses it
    assert store.value_from_text("1\nx = 2") == "1\nx = 2"  # one value, never a second key


def test_a_new_field_follows_a_multi_line_predecessor(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        '[plan]\nname = "X"\nstart = 2027-01-04\n\n'
        '[items.a]\ntitle = "A"\nestimate = [\n  1,\n  2,  # likely\n  3,\n]\nnotes = "n"\n'
    )
    loaded = store.load_plan(path)
    item = parse.update_item(loaded.plan.item("a"), "p_success", 0.5)
    store.save_plan(loaded, loaded.plan.with_item(item))
    block = path.read_text().split("[items.a]\n")[1].splitlines()
    assert block == [
        'title = "A"',
        "estimate = [",
        "  1,",
        "  2,  # likely",
        "  3,",
        "]",
        "p_success = 0.5",
        'notes = "n"',
    ]
