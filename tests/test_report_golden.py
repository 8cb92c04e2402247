"""The Markdown report of an example plan, byte for byte against a reviewed golden file.

A committed report must diff cleanly, so any change to its bytes is a change to review. When
the report, the engine, the priority score or the example plan changes on purpose, regenerate
the golden file and review its diff before committing it:

    roadmap export plans/support-assistant.toml --format md --seed 42 --runs 2000 \\
        -o tests/golden/support-assistant.md
"""

from __future__ import annotations

import difflib
from pathlib import Path

from click.testing import CliRunner

from roadmap_tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "support-assistant.toml"
GOLDEN = ROOT / "tests" / "golden" / "support-assistant.md"
ARGS = ["--format", "md", "--seed", "42", "--runs", "2000"]


def test_md_export_matches_golden_file() -> None:
    result = CliRunner().invoke(main, ["export", str(PLAN), *ARGS])
    assert result.exit_code == 0, result.stderr
    expected = GOLDEN.read_bytes()
    if result.stdout_bytes != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.decode().splitlines(keepends=True),
                result.stdout.splitlines(keepends=True),
                "golden",
                "export",
                n=1,
            )
        )
        raise AssertionError(
            "the md export differs from tests/golden/support-assistant.md; if the change is "
            f"intended, regenerate it as the module docstring says and review the diff:\n{diff}"
        )
