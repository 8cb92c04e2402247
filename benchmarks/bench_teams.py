"""Benchmark of teams and capacity (issue 10): run once, by hand, and read the figures.

    python benchmarks/bench_teams.py [--repeat 15]

1,000 items (the layered plan of bench_simulate.py) in 8 teams of capacity 3, 10,000 runs,
`queue = "priority"` (so the time includes the forecast without capacity that ranks the
queue), against the same plan without teams. Each is timed as a whole process (a fresh
interpreter: imports, simulation, statistics), the two alternately so that load on a
shared machine hits both. Goal: ratio <= 1.3. CPU time (user + sys of the child) and peak
RSS are printed too: on a loaded machine CPU time is the steadier figure. On the 2-vCPU
benchmark VM single pairs range over +-0.2 even when idle: take 15 pairs or more.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_simulate import layered_plan

from roadmap_tui.model.types import Plan, Team

TEAMS = 8
CAPACITY = 3
RUNS = 10_000


def team_plan(with_teams: bool) -> Plan:
    """The plan, built the same way with and without teams (so building it costs the same)."""
    if not with_teams:
        return layered_plan(1000)
    teams = tuple(Team(f"t{k}", f"Team {k}", CAPACITY) for k in range(TEAMS))
    return layered_plan(1000, teams=teams)


#: As the `roadmap` command runs (cli.py): numpy without huge pages, one BLAS thread, Python's
#: bytecode cache (a session with PYTHONDONTWRITEBYTECODE recompiles roadmap-tui in every process).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
ENV.setdefault("OPENBLAS_NUM_THREADS", "1")


def one_process(with_teams: bool) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one fresh process."""
    code = (
        "import sys; sys.path.insert(0, 'benchmarks');"
        "from bench_teams import team_plan;"
        "from roadmap_tui.forecast import simulate;"
        f"simulate(team_plan({with_teams}), runs={RUNS}, seed=1)"
    )
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code:
        raise SystemExit(f"the benchmark process failed (exit {exit_code})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    one_process(True)  # warm the file cache
    plain, teams = [], []
    for k in range(args.repeat):  # which goes first alternates: no edge from the order
        if k % 2:
            teams.append(one_process(True))
            plain.append(one_process(False))
        else:
            plain.append(one_process(False))
            teams.append(one_process(True))
    print(f"1,000 items x {RUNS:,} runs, whole process (median of {args.repeat}):")
    for k, what in enumerate(("wall", "CPU")):
        a = statistics.median(p[k] for p in plain)
        b = statistics.median(t[k] for t in teams)
        print(f"  {what}: without teams {a:.2f} s, 8 teams of capacity {CAPACITY} {b:.2f} s")
        print(f"    ratio of medians: {b / a:.2f} (goal <= 1.3)")
        pairs = sorted(t[k] / p[k] for p, t in zip(plain, teams, strict=True))
        print(f"    median ratio of a pair: {statistics.median(pairs):.2f}")
        print(f"    ratio per pair, sorted: {', '.join(f'{r:.2f}' for r in pairs)}")
    for name, runs in (("without teams", plain), ("with teams", teams)):
        walls = sorted(r[0] for r in runs)
        print(f"  wall {name}: {', '.join(f'{w:.2f}' for w in walls)}")
    rss_a = statistics.median(p[2] for p in plain)
    rss_b = statistics.median(t[2] for t in teams)
    print(f"  peak RSS: without teams {rss_a:.0f} MB, with teams {rss_b:.0f} MB")


if __name__ == "__main__":
    main()
