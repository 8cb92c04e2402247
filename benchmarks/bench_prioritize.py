"""Benchmark of the prioritisation (issue 11): run once, by hand, and read the figures.

    python benchmarks/bench_prioritize.py            # both scenarios
    python benchmarks/bench_prioritize.py --only ranking|cli|stages

1. ranking: a 1,000-item layered plan (the forecast benchmark's, ~3 dependencies per item),
   forecast once; then `prioritize` (the sequence plus its 14 rank-range reruns) is timed
   alone. Goal: under 1 s beyond the forecast. `sequence` alone is timed too.
2. cli: `roadmap prioritize` on a 5,000-item plan written to a temporary file, the whole
   process (start-up, load, forecast at the plan's runs, ranking, table). Goal: under 3 s.
3. stages: the same 5,000-item plan in one process, stage by stage (wall and CPU seconds):
   load, forecast, ranking (above 2,000 open items with approximate rank ranges), the
   default table (top 50 rows) and the whole table (`--all`).

Timings are medians of --repeat runs. Note the machine's load with the figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_simulate import layered_plan

from roadmap_tui.forecast import simulate
from roadmap_tui.priority import prioritize, sequence


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_ranking(repeat: int) -> None:
    plan = layered_plan(1000)
    forecast = simulate(plan, runs=2000)
    full = median_time(lambda: prioritize(plan, forecast), repeat)
    seq = median_time(lambda: sequence(plan, forecast), repeat)
    print(f"1,000 items: prioritize (sequence + 14 reruns) {full:.3f} s, sequence {seq:.3f} s")
    print(f"  goal < 1 s beyond the forecast: {'met' if full < 1.0 else 'NOT met'}")


def plan_toml(n: int) -> str:
    """A 5,000-item plan as TOML, the layered plan's shape, 1,000 forecast runs."""
    plan = layered_plan(n, risks=0)
    lines = [
        "[plan]",
        'name = "bench"',
        "start = 2027-01-04",
        "",
        "[forecast]",
        "runs = 1000",
        "seed = 1",
        "",
    ]
    for item in plan.items:
        est = item.estimate
        lines += [
            f"[items.{item.id}]",
            f'title = "{item.title}"',
            f"estimate = [{est.low:g}, {est.likely:g}, {est.high:g}]",
        ]
        if item.depends_on:
            lines.append("depends_on = [" + ", ".join(f'"{d}"' for d in item.depends_on) + "]")
        lines.append("")
    return "\n".join(lines)


def bench_cli(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.toml"
        path.write_text(plan_toml(5000), encoding="utf-8")
        cmd = [sys.executable, "-m", "roadmap_tui", "prioritize", str(path)]
        env = {**os.environ, "COLUMNS": "120"}

        def run() -> None:
            subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)

        took = median_time(run, repeat)
    print(f"5,000 items: roadmap prioritize, whole process {took:.2f} s")
    print(f"  goal < 3 s: {'met' if took < 3.0 else 'NOT met'}")


def bench_stages() -> None:
    import io

    from rich.console import Console

    from roadmap_tui.console.priority import render_ranking
    from roadmap_tui.store import load_plan

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.toml"
        path.write_text(plan_toml(5000), encoding="utf-8")
        marks = [("start", time.perf_counter(), time.process_time())]

        def mark(name: str) -> None:
            marks.append((name, time.perf_counter(), time.process_time()))

        plan = load_plan(path).plan
        mark("load")
        forecast = simulate(plan)
        mark("forecast")
        ranking = prioritize(plan, forecast)
        mark("ranking")
        for limit, name in ((50, "table, top 50"), (None, "table, all rows")):
            render_ranking(ranking, Console(file=io.StringIO(), width=120), heading="", limit=limit)
            mark(name)
    print("5,000 items, in one process:")
    for (_, t0, c0), (name, t1, c1) in itertools.pairwise(marks):
        print(f"  {name:<16} {t1 - t0:6.2f} s wall {c1 - c0:6.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["ranking", "cli", "stages"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if args.only in (None, "ranking"):
        bench_ranking(args.repeat)
    if args.only in (None, "cli"):
        bench_cli(args.repeat)
    if args.only in (None, "stages"):
        bench_stages()


if __name__ == "__main__":
    main()
