"""`.pre-commit-hooks.yaml`: the hooks run `roadmap validate` and `roadmap fmt --check`."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from helpers import PLAN_V1
from roadmap_tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


def hooks() -> dict[str, dict[str, str]]:
    """The hooks file is flat `key: value` YAML; read it without a YAML library."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        match = re.match(r"^(- |  )(\w+): (.*)$", line)
        assert match, f"unexpected line: {line!r}"
        if match.group(1) == "- ":
            current = {}
        current[match.group(2)] = match.group(3)
        if match.group(2) == "id":
            out[match.group(3)] = current
    return out


def run(entry: str, *files: str) -> int:
    argv = shlex.split(entry)
    assert argv[0] == "roadmap"
    return CliRunner().invoke(main, [*argv[1:], *files]).exit_code


def test_hooks_are_python_hooks_on_toml_files() -> None:
    found = hooks()
    assert set(found) == {"roadmap-validate", "roadmap-fmt"}
    for hook in found.values():
        assert hook["language"] == "python"
        pattern = re.compile(hook["files"])
        assert pattern.search("plans/support-assistant.toml")
        assert not pattern.search("README.md")
    assert found["roadmap-validate"]["entry"] == "roadmap validate"
    assert found["roadmap-fmt"]["entry"] == "roadmap fmt --check"


def test_hooks_pass_on_the_example_plans_and_catch_problems(tmp_path: Path) -> None:
    found = hooks()
    plans = sorted(str(p) for p in (ROOT / "plans").glob("*.toml"))
    assert plans
    assert run(found["roadmap-validate"]["entry"], *plans) == 0
    assert run(found["roadmap-fmt"]["entry"], *plans) == 0
    broken = tmp_path / "broken.toml"
    broken.write_text(PLAN_V1.replace('kind = "data"', 'kind = "dataset"'))
    assert run(found["roadmap-validate"]["entry"], str(broken)) == 1
    untidy = tmp_path / "untidy.toml"
    untidy.write_text(
        PLAN_V1.replace(
            'title = "Chat UI"\nestimate = [5, 8, 12]', 'estimate = [5, 8, 12]\ntitle = "Chat UI"'
        )
    )
    assert run(found["roadmap-validate"]["entry"], str(untidy)) == 0
    assert run(found["roadmap-fmt"]["entry"], str(untidy)) == 1
