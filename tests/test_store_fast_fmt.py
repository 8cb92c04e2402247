"""`fmt --check` first reads the file line by line (issue 9: tomlkit took 5 s at 5,000 items):
`already_canonical` may only say yes when the tomlkit formatting would change nothing."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap_tui import store
from roadmap_tui.store import canonical

ROOT = Path(__file__).resolve().parents[1]
CANONICAL = [
    *sorted((ROOT / "plans").glob("*.toml")),
    *sorted((ROOT / "src" / "roadmap_tui" / "templates").glob("*.toml")),
    ROOT / "benchmarks" / "milwaukee-paper.toml",
]


def tomlkit_way(text: str) -> str:
    with mock.patch.object(canonical, "already_canonical", lambda text: False):
        return store.format_canonical(text)


@pytest.mark.parametrize("path", CANONICAL, ids=lambda p: p.name)
def test_the_shipped_plans_are_seen_canonical_without_tomlkit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert canonical.already_canonical(text)
    assert tomlkit_way(text) == text


HEAD = '[plan]\nname = "P"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 2\n'


@pytest.mark.parametrize(
    "text",
    [
        '[plan]\nstart = 2027-01-04\nname = "P"\n\n[items.a]\ntitle = "A"\nestimate = 2\n',
        HEAD.replace('title = "A"\nestimate = 2\n', 'estimate = 2\ntitle = "A"\n'),
        HEAD.replace("\n\n[items", "\n\n\n[items"),
        HEAD.replace("\n\n[items", "\n[items"),
        HEAD.replace("estimate = 2", "estimate = [\n  1,\n  2,\n  3,\n]"),
        HEAD.rstrip("\n"),
        "\n" + HEAD,
        HEAD + '\n[items.a.metric]\nname = "F1"\ncurrent = 0.5\ntarget = 0.8\n',
        HEAD.replace("[items.a]", '[items."a"]'),
        HEAD.replace("\n", "\r\n"),
    ],
    ids=[
        "plan keys",
        "item keys",
        "two blank lines",
        "no blank line",
        "multi-line array",
        "no final newline",
        "leading blank line",
        "sub-table",
        "quoted key",
        "crlf",
    ],
)
def test_anything_else_goes_the_tomlkit_way(text: str) -> None:
    assert not canonical.already_canonical(text)
    assert store.format_canonical(text) == tomlkit_way(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CANONICAL[:3]), st.data())
def test_a_yes_is_always_right_on_mutated_plans(path: Path, data: st.DataObject) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["swap", "blank", "drop", "space", "comment", "indent"]))
        if op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "blank":
            lines.insert(i, "")
        elif op == "drop" and not lines[i].strip():
            del lines[i]
        elif op == "space":
            lines[i] += "  "
        elif op == "comment":
            lines.insert(i, "# a note")
        elif op == "indent":
            lines[i] = "  " + lines[i]
    text = "\n".join(lines)
    try:
        expected = tomlkit_way(text)
    except (store.PlanError, store.PlanFileError):
        return  # the mutation made the plan invalid: both ways refuse it
    if canonical.already_canonical(text):
        assert expected == text
