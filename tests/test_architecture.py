"""The house rules of the architecture, checked in a fresh interpreter.

The core (model, forecast, priority) must stay importable without Textual, and the
headless commands must start without paying for Textual or matplotlib.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "roadmap_tui"
PLAN = Path(__file__).resolve().parents[1] / "plans" / "support-assistant.toml"


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    ["roadmap_tui.model", "roadmap_tui.store", "roadmap_tui.forecast", "roadmap_tui.priority"],
)
def test_core_does_not_import_faces_or_heavy_libraries(module: str) -> None:
    loaded = _modules_after(f"import {module}")
    assert module in loaded
    for banned in ("textual", "matplotlib", "roadmap_tui.cli", "roadmap_tui.tui"):
        assert banned not in loaded, f"{module} pulls in {banned}"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", str(PLAN)],
        ["simulate", str(PLAN), "--runs", "200", "--json"],
        ["prioritize", str(PLAN), "--runs", "200", "--json"],
        ["export", str(PLAN), "--format", "md", "--runs", "200"],
    ],
    ids=lambda a: a[0],
)
def test_headless_commands_do_not_import_textual_or_matplotlib(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from roadmap_tui.cli import main\n"
        f"try:\n    main({argv!r}, standalone_mode=False)\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
    )
    loaded = _modules_after(code)
    assert "roadmap_tui.cli" in loaded
    assert "textual" not in loaded
    assert "matplotlib" not in loaded


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["model", "forecast", "priority.py", "store", "report"])
def test_core_layers_never_import_a_face(layer: str) -> None:
    target = SRC / layer
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for path in files:
        for name in _imports_of(path):
            assert not name.startswith(("roadmap_tui.cli", "roadmap_tui.tui", "textual")), (
                f"{path.relative_to(SRC)} imports {name}"
            )


def test_model_does_no_io() -> None:
    for path in sorted((SRC / "model").rglob("*.py")):
        text = path.read_text()
        for call in (r"\bopen\(", r"\.read_text\(", r"\.write_text\(", r"import toml"):
            assert not re.search(call, text), f"{path.name} matches {call}: I/O belongs in store"


def test_no_face_module_below_cli_imports_cli() -> None:
    """cli.py sits on top: tui/ and exits.py take what they share from below it (no circle)."""
    for path in [*sorted((SRC / "tui").rglob("*.py")), SRC / "exits.py"]:
        for name in _imports_of(path):
            assert name != "roadmap_tui.cli", f"{path.relative_to(SRC)} imports roadmap_tui.cli"
