"""Benchmark of `roadmap history` (issue 12): run once, by hand, and read the figures.

    python benchmarks/bench_history.py [--commits 50] [--items 50] [--runs 2000]

Builds a temporary git repository with a plan of `--items` items (PERT estimates, a layered
dependency graph, a milestone) committed `--commits` times, each commit changing one estimate,
then times the history:
1. cold: no cache, every commit parsed and simulated. Goal: < 5 s for 50 x 50 x 2,000.
2. warm: the same again, every figure from `.roadmap-cache/`. Goal: < 0.5 s.
3. warm through the CLI in a fresh process (`roadmap history --json`), start-up included.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from roadmap_tui.report.history import plan_history


def plan_text(n_items: int, version: int, seed: int = 7) -> str:
    rng = np.random.default_rng(seed)
    lines = ['[plan]\nname = "Bench"\nstart = 2027-01-04\n', "[forecast]\nruns = 2000\nseed = 1\n"]
    width = max(1, int(np.sqrt(n_items)))
    for k in range(n_items):
        low = int(rng.integers(1, 10))
        likely = low + int(rng.integers(0, 10))
        high = likely + int(rng.integers(1, 20))
        if k == version % n_items:
            high += 1 + version // n_items  # this commit's edit
        layer = k // width
        deps = sorted({int(d) for d in rng.integers(0, layer * width, size=2)}) if layer else []
        dep_text = ", ".join(f'"i{d}"' for d in deps)
        lines.append(
            f'[items.i{k}]\ntitle = "Item {k}"\nestimate = [{low}, {likely}, {high}]\n'
            f"depends_on = [{dep_text}]\n"
        )
    ends = ", ".join(f'"i{k}"' for k in range(n_items - width, n_items))
    lines.append(f'[items.ship]\ntitle = "Ship"\nkind = "milestone"\ndepends_on = [{ends}]\n')
    return "\n".join(lines)


def git(repo: Path, *args: str, day: int = 0) -> None:
    stamp = f"2027-01-{1 + day % 28:02d}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        git(repo, "init", "-q")
        plan = repo / "plan.toml"
        for v in range(args.commits):
            plan.write_text(plan_text(args.items, v))
            git(repo, "add", "plan.toml", day=v)
            git(repo, "commit", "-qm", f"v{v}", day=v)
        t0 = time.perf_counter()
        cold = plan_history(plan, runs=args.runs)
        t1 = time.perf_counter()
        warm = plan_history(plan, runs=args.runs)
        t2 = time.perf_counter()
        assert all(p.cached for p in warm.points) and len(warm.points) == args.commits
        cli = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "roadmap_tui",
                "history",
                str(plan),
                "--json",
                "--runs",
                str(args.runs),
            ],
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - cli
        load = os.getloadavg()[0]
        print(f"history of {args.commits} commits x {args.items} items x {args.runs} runs")
        print(f"  cold {t1 - t0:.2f} s (goal < 5 s), {len(cold.points)} points")
        print(f"  warm {t2 - t1:.3f} s in-process (goal < 0.5 s)")
        print(f"  warm {cli:.2f} s through the CLI in a fresh process, start-up included")
        print(f"  load average {load:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
