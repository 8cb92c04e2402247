"""One vocabulary everywhere: no retired synonym in any user-facing string of src/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from roadmap_tui.model.types import Estimate
from roadmap_tui.tui.views import fmt_working_days
from roadmap_tui.vocabulary import RETIRED, plural

SRC = Path(__file__).resolve().parents[1] / "src" / "roadmap_tui"
DOCS = Path(__file__).resolve().parents[1] / "docs"


def _strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module, without docstrings (they talk to developers)."""
    tree = ast.parse(path.read_text())
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_retired_term_in_a_user_facing_string() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "vocabulary.py":  # where the retired terms are listed
            continue
        for line, text in _strings(path):
            found += [f"{path.relative_to(SRC)}:{line}: {old!r}" for old in RETIRED if old in text]
    assert not found, "retired terms (see docs/glossary.md):\n" + "\n".join(found)


def test_the_glossary_lists_each_term_once() -> None:
    glossary = (DOCS / "glossary.md").read_text()
    for term in ("P(success)", "P(on time)", "never", "drivers", "P80", "criticality"):
        assert glossary.count(f"**{term}**") == 1, term


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 risks"), (1, "1 risk"), (2, "2 risks"), (1000, "1,000 risks")]
)
def test_plural(n: int, expected: str) -> None:
    assert plural(n, "risk") == expected


def test_estimates_in_sentences_read_as_words() -> None:
    assert fmt_working_days(Estimate(5, 10, 20)) == "5 to 20 working days (likely 10)"
    assert fmt_working_days(Estimate(1, 1, 1)) == "1 working day"
    assert "d working" not in fmt_working_days(Estimate(5, 10, 20))
