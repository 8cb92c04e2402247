"""Reading and saving a big plan fast (issue 9: `validate`, `set` and `fmt --check` under 0.5 s
at 5,000 items) without changing what is read, written or reported."""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import VALID as VALID_PATH
from roadmap_tui import store
from roadmap_tui.model import parse
from roadmap_tui.model.types import Estimate, Item
from roadmap_tui.store import keys, save, toml

HEAD = '[plan]\nname = "P"\nstart = 2027-01-04\n\n'
TABLES = "".join(
    f'[items.i{k}]\ntitle = "Item {k}"\nestimate = [1, 2, 3]\n'
    + (f'depends_on = ["i{k - 1}"]\n' if k else "")
    + "\n"
    for k in range(20)
)


@pytest.mark.skipif(importlib.util.find_spec("tomli") is None, reason="tomli not installed")
def test_plans_are_read_with_the_compiled_tomli_when_installed() -> None:
    assert toml.loads.__module__.startswith("tomli")


BROKEN = [
    "[plan\nname = 1\n",
    '[plan]\nname = "P\nstart = 2027-01-04\n',
    "[plan]\nname = \n",
    '[plan]\nname = "P"\nname = "Q"\n',
    "[plan]\nstart = 2027-13-01\n",
    "[items.a]\nestimate = [1, 2,\n",
    'x = 1\n[[x]]\ntitle = "t"\n',
    "[plan]\nname = 'a' 'b'\n",
    '[plan]\nname = "\\q"\n',
    "[plan]\r\nname = 1\r\r\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_syntax_errors_read_as_with_tomllib(text: str) -> None:
    """Same PATH:LINE: message whichever reader is installed (tomllib is the fallback)."""

    def problems() -> list[str]:
        with pytest.raises(store.PlanError) as err:
            store.load_plan_text(text, "p.toml")
        return [str(p) for p in err.value.problems]

    got = problems()
    with mock.patch.multiple(toml, loads=tomllib.loads, TOMLDecodeError=tomllib.TOMLDecodeError):
        assert problems() == got
    assert got[0].startswith("p.toml:") and "TOML syntax error" in got[0]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            HEAD
            + '[items.a]\ntitle = "A"\nestimate = 2\nmetric = {name = "F1",\n  current = 0.5}\n',
            8,
        ),
        (HEAD + '[items.a]\ntitle = "A\\e"\nestimate = 2\n', 6),
        (HEAD + '[items.a]\ntitle = "A"\nestimate = 2\nmetric = {name = "F1",}\n', 8),
    ],
    ids=["multi-line inline table", "escape \\e", "trailing comma in an inline table"],
)
def test_toml_1_1_syntax_stays_a_syntax_error(text: str, line: int) -> None:
    """tomli 2.4 reads TOML 1.1, which tomlkit and the key scanner do not: the bound in
    pyproject (tomli < 2.4) keeps plans TOML 1.0, as tomllib reads them."""
    with pytest.raises(store.PlanError) as err:
        store.load_plan_text(text, "p.toml")
    assert str(err.value.problems[0]).startswith(f"p.toml:{line}: TOML syntax error")


def _set(path: Path, keys: tuple[str, ...], raw: object) -> tuple[store.LoadedPlan, object]:
    loaded = store.load_plan(path)
    return loaded, parse.set_value(loaded.plan, keys, raw)


def test_a_one_table_save_reads_back_only_that_table(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(HEAD + TABLES, encoding="utf-8")
    loaded, new = _set(path, ("items", "i10", "owner"), "ann")
    with mock.patch.object(save, "load_plan_text", side_effect=AssertionError("whole read")):
        saved = store.save_plan(loaded, new)  # type: ignore[arg-type]
    assert saved.plan == new
    assert saved.digest == store.digest_of(path.read_bytes())
    again = store.load_plan(path)
    assert again.plan == new and again.text == saved.text


@pytest.mark.parametrize(
    "case",
    ["scenario", "a new table", "settings", "piece reads differently", "invalid plan"],
)
def test_other_saves_read_the_whole_text_back(tmp_path: Path, case: str) -> None:
    text = HEAD + TABLES
    if case == "scenario":
        text += '[scenarios.s]\ntitle = "S"\nitems.i3.estimate = 9\n'
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    loaded = store.load_plan(path)
    plan = loaded.plan
    new = {
        "scenario": lambda: parse.set_value(plan, ("items", "i3", "owner"), "ann"),
        "a new table": lambda: plan.with_item(Item(id="n", title="N", estimate=Estimate.fixed(1))),
        "settings": lambda: parse.set_value(plan, ("plan", "name"), "Q"),
        "piece reads differently": lambda: parse.set_value(plan, ("items", "i3", "owner"), "x"),
        "invalid plan": lambda: plan.with_item(replace(plan.item("i3"), depends_on=("ghost",))),
    }[case]()
    calls: list[str] = []
    real = save.load_plan_text

    def whole(text: str, where: object) -> store.LoadedPlan:
        calls.append(text)
        return real(text, where)  # type: ignore[arg-type]

    real_render = render = save.render_edit
    if case == "piece reads differently":

        def lying(text: str, old: object, want: object) -> tuple[str, object]:
            out, pieces = real_render(text, old, want)  # type: ignore[arg-type]
            return out, [(s, i, piece.replace('"x"', '"y"')) for s, i, piece in pieces or []]

        render = lying  # type: ignore[assignment]
    with (
        mock.patch.object(save, "load_plan_text", whole),
        mock.patch.object(save, "render_edit", render),
    ):
        if case == "invalid plan":
            with pytest.raises(store.PlanError) as err:
                store.save_plan(loaded, new)  # type: ignore[arg-type]
            assert "unknown item 'ghost'" in str(err.value)
            assert str(err.value).startswith(f"{path}:")
        else:
            saved = store.save_plan(loaded, new)  # type: ignore[arg-type]
            assert saved.plan == new
    assert calls, "the whole text was not read back"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]{}\"'# a=\\\n", max_size=30))
def test_bracket_depth_counts_as_the_character_walk(line: str) -> None:
    """The str-method count `fmt --check` uses per line gives the walk's net depth."""
    assert keys.bracket_depth(line) == keys.bracket_depths(line)[0]


def test_a_number_of_thousands_of_digits_is_a_syntax_error_at_its_line() -> None:
    text = HEAD + '[items.a]\ntitle = "A"\nestimate = ' + "1" * 5000 + "\n"
    with pytest.raises(store.PlanError) as err:
        store.load_plan_text(text, "p.toml")
    assert [str(p) for p in err.value.problems] == [
        "p.toml:7: TOML syntax error: a number of more than 4,300 digits"
    ]


def test_the_store_face_loads_each_module_when_first_used() -> None:
    """Every name of `store` resolves to its module's object; `validate` and `simulate`
    read a plan without importing the saving, formatting and template modules."""
    import subprocess
    import sys

    for name in store.__all__:
        assert getattr(store, name) is getattr(
            importlib.import_module(f"roadmap_tui.store.{store._HOME[name]}"), name
        )
    with pytest.raises(AttributeError):
        store.no_such_name  # noqa: B018
    code = (
        "import sys; from roadmap_tui import store; store.load_plan; "
        "print(sorted(m for m in sys.modules if m.startswith('roadmap_tui.store.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    assert "roadmap_tui.store.read" in loaded
    for module in ("save", "canonical", "atomic", "templates", "exports", "edit"):
        assert f"roadmap_tui.store.{module}" not in loaded


def test_a_checked_one_table_save_does_not_validate_again(tmp_path: Path) -> None:
    """`roadmap set` validates the new plan itself (messages at the loaded lines)."""
    path = tmp_path / "p.toml"
    path.write_text(HEAD + TABLES, encoding="utf-8")
    loaded, new = _set(path, ("items", "i10", "owner"), "ann")
    with mock.patch.object(parse, "validate_plan", side_effect=AssertionError("again")):
        saved = store.save_plan(loaded, new, checked=True)  # type: ignore[arg-type]
    assert saved.plan == new


def _run(code: str, **env: str) -> str:
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | env
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True
    )
    return proc.stdout.strip()


def test_fmt_check_of_a_canonical_plan_imports_no_tomlkit(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(HEAD + TABLES.rstrip("\n") + "\n", encoding="utf-8")
    code = (
        "import sys; from roadmap_tui.cli import main\n"
        f"try:\n    main(['fmt', '--check', {str(path)!r}])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('tomlkit' in sys.modules)"
    )
    assert _run(code) == "False"


def test_the_cli_asks_for_one_blas_thread_unless_told() -> None:
    code = "import os, roadmap_tui.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    assert _run(code) == "1"
    assert _run(code, OPENBLAS_NUM_THREADS="4") == "4"


def test_a_typed_value_too_long_for_python_stays_text() -> None:
    """`roadmap set ID.impact 111...` (5,000 digits) gets the field's message, not a crash."""
    assert store.value_from_text("1" * 5000) == "1" * 5000
    assert store.value_from_text("[" * 3000 + "]" * 3000) == "[" * 3000 + "]" * 3000


NO_SCENARIO = VALID_PATH.read_text(encoding="utf-8").split("[scenarios.")[0]
EDITS = [
    ("items", "title", '"Renamed"'),
    ("items", "owner", "zoe"),
    ("items", "notes", '"a\\nb"'),
    ("items", "estimate", "[2, 3, 8]"),
    ("items", "estimate", "4"),
    ("items", "distribution", "uniform"),
    ("items", "tags", '["x", "y"]'),
    ("items", "metric", '{ name = "F1", current = 0.5 }'),
    ("items", "depends_on", '["kickoff"]'),
    ("items", "target", "2027-06-01"),
    ("risks", "probability", "0.5"),
    ("risks", "delay", "[1, 2, 3]"),
    ("risks", "affects", '["launch"]'),
]


@settings(max_examples=60, deadline=None)
@given(st.data(), st.booleans())
def test_a_one_table_save_reads_as_a_whole_read_does(data: st.DataObject, crlf: bool) -> None:
    """Whatever one field a save changes, the plan it returns is the plan the saved file
    reads as (read whole, by the loader), and its text the file's."""
    import tempfile

    text = NO_SCENARIO.replace("\n", "\r\n") if crlf else NO_SCENARIO
    plan = store.load_plan_text(text, "p.toml").plan
    section, field, value = data.draw(st.sampled_from(EDITS))
    ids = [i.id for i in plan.items] if section == "items" else [r.id for r in plan.risks]
    target = data.draw(st.sampled_from(ids))
    try:
        new = parse.set_value(plan, (section, target, field), store.value_from_text(value))
    except parse.FieldError:
        return  # not a valid value for this item (e.g. an estimate on a milestone)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.toml"
        path.write_bytes(text.encode("utf-8"))
        loaded = store.load_plan(path)
        try:
            saved = store.save_plan(loaded, new)
        except store.PlanError:
            assert parse.validate_plan(new)  # e.g. a dependency cycle
            return
        again = store.load_plan(path)
    assert saved.plan == again.plan
    assert saved.text == again.text and saved.digest == again.digest
