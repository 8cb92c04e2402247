"""What the CLI, export and diff tests share: a small plan in two versions, a CLI runner that
lets no traceback through, and a git repository holding the plan's history.

(The example plans are the golden files'.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from roadmap_tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
#: The valid plan of the plan-file tests: 4 items, 1 risk.
VALID = FIXTURES / "valid.toml"

PLAN_V1 = """\
# A small AI feature, for the export tests.
[plan]
name = "Support assistant <script>alert(1)</script>"
start = 2027-01-04

[forecast]
runs = 2000
seed = 42

[items.collect]
title = "Collect | label tickets: 20k"
kind = "data"
estimate = [10, 15, 30]
data = 0.4

[items.intent]
title = "Intent model <b>F1</b> 0.85"
kind = "experiment"
estimate = [5, 10, 20]
p_success = 0.6
max_attempts = 3
depends_on = ["collect"]
readiness = 3

[items.ui]
title = "Chat UI"
estimate = [5, 8, 12]

[items.beta]
title = "Beta: section 1 & <launch>"
kind = "milestone"
depends_on = ["intent", "ui"]
target = 2027-03-15

[items.ga]
title = "General availability"
kind = "milestone"
depends_on = ["beta"]
target = 2027-04-30

[risks.vendor]
title = "Labeling vendor slips"
probability = 0.3
delay = [5, 10, 20]
affects = ["collect"]

[scenarios.second-vendor]
title = "Hire a second labeling vendor"
items.collect.estimate = [7, 10, 18]
"""

# v2: the UI takes longer and a new audit gates the beta; the vendor risk is likelier.
PLAN_V2 = (
    PLAN_V1.replace("estimate = [5, 8, 12]", "estimate = [10, 15, 25]")
    .replace('depends_on = ["intent", "ui"]', 'depends_on = ["intent", "ui", "audit"]')
    .replace("probability = 0.3", "probability = 0.5")
    + """
[items.audit]
title = "Bias and fairness audit"
estimate = [3, 5, 10]
depends_on = ["intent"]
"""
)


def invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """Run `roadmap ARGS` in-process; a crash (any exception but exit) fails the test as itself."""
    result = CliRunner(env=env).invoke(main, list(args))
    assert "Traceback" not in result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def roadmap_argv(*args: str) -> list[str]:
    """`roadmap ARGS` as a fresh interpreter runs it (for what only a real process shows)."""
    return [sys.executable, "-m", "roadmap_tui", *args]


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as a fixed user, without the machine's config or a pager."""
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_PAGER": "cat", "GIT_CONFIG_NOSYSTEM": "1"},
    ).stdout


def commit_versions(repo: Path, *texts: str, path: str = "plans/assistant.toml") -> Path:
    """Commit each text in turn as `path` of `repo` (which `git init` made); the first commit
    takes whatever else is in the work tree too. Returns the plan's path."""
    plan = repo / path
    plan.parent.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts, 1):
        plan.write_text(text)
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"v{n}")
    return plan
