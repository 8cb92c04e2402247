"""Benchmark of the forecast engine (issue 3): run once, by hand, and read the figures.

    python benchmarks/bench_simulate.py            # all three scenarios
    python benchmarks/bench_simulate.py --only speed|memory|typical

1. 1,000 items x 10,000 runs (PERT, ~3 dependencies per item, 10 risks, a tenth of the items
   experiments): wall time, and its ratio to numpy's Generator.beta drawing the same 10
   million samples. Goal: ratio <= 2.0.
2. 1,000 items x 100,000 runs: peak RSS of a fresh process. Goal: <= 1 GB.
3. 50 items x 10,000 runs (a typical plan, re-forecast by the TUI after each edit): wall
   time. Goal: well under 0.2 s.

Timings are medians of --repeat runs in one process; the simulation and the reference are
timed alternately, so that load on a shared machine hits both. Note the load with the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date

import numpy as np

from roadmap_tui.forecast import simulate
from roadmap_tui.model.types import Estimate, Item, Plan, Risk, Team


def layered_plan(
    n_items: int,
    *,
    seed: int = 7,
    deps: int = 3,
    risks: int = 10,
    teams: tuple[Team, ...] = (),
) -> Plan:
    """A random layered plan: ~sqrt(n) layers, each item depends on ~`deps` earlier ones.
    With `teams`, item k is in team k mod len(teams) (the same draws otherwise)."""
    rng = np.random.default_rng(seed)
    width = max(1, int(np.sqrt(n_items)))
    items: list[Item] = []
    for k in range(n_items):
        layer = k // width
        earlier = layer * width  # items of all previous layers
        n_deps = min(earlier, int(rng.poisson(deps))) if earlier else 0
        chosen = rng.choice(earlier, size=n_deps, replace=False) if n_deps else []
        low = float(rng.integers(1, 10))
        likely = low + float(rng.integers(0, 10))
        high = likely + float(rng.integers(1, 20))
        experiment = rng.random() < 0.1
        items.append(
            Item(
                id=f"i{k}",
                title=f"Item {k}",
                kind="experiment" if experiment else "task",
                estimate=Estimate(low, likely, high),
                depends_on=tuple(f"i{int(c)}" for c in sorted(chosen)),
                p_success=float(rng.uniform(0.5, 0.9)) if experiment else 1.0,
                max_attempts=int(rng.integers(2, 4)) if experiment else 1,
                team=teams[k % len(teams)].id if teams else None,
            )
        )
    risk_list = tuple(
        Risk(
            id=f"r{j}",
            title=f"Risk {j}",
            probability=float(rng.uniform(0.05, 0.4)),
            delay=Estimate(2, 5, 15),
            affects=tuple(
                f"i{int(c)}" for c in rng.choice(n_items, size=min(5, n_items), replace=False)
            ),
        )
        for j in range(risks)
    )
    return Plan(
        name="bench", start=date(2027, 1, 4), items=tuple(items), risks=risk_list, teams=teams
    )


def median_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_speed(repeat: int) -> None:
    """Simulation and reference timed alternately, so load on a shared machine hits both."""
    plan = layered_plan(1000)
    runs = 10_000
    rng = np.random.default_rng(1)
    simulate(plan, runs=runs, seed=1)  # warm up: imports, page faults of the first store
    sims, betas = [], []
    for _ in range(repeat):
        sims.append(median_of(lambda: simulate(plan, runs=runs, seed=1), 1))
        betas.append(median_of(lambda: rng.beta(2.0, 3.0, 1000 * runs), 1))
    sim, beta = statistics.median(sims), statistics.median(betas)
    ratios = sorted(s / b for s, b in zip(sims, betas, strict=True))
    sampling = sampling_only(plan, runs, repeat)
    print(f"1,000 items x 10,000 runs: simulate {sim:.3f} s (median of {repeat})")
    print(f"  numpy Generator.beta, 10M samples: {beta:.3f} s (median of {repeat})")
    print(f"  ratio of medians: {sim / beta:.2f} (goal <= 2.0)")
    print(f"  ratio per pair, sorted: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(
        f"  of which the engine's own sampler drawing the same 10M durations: "
        f"{sampling:.3f} s = {sampling / beta:.2f} x Generator.beta"
    )


def sampling_only(plan: Plan, runs: int, repeat: int) -> float:
    """The engine's first-attempt draws alone, without scheduling or statistics."""
    from roadmap_tui.forecast.engine import _Model
    from roadmap_tui.model.calendar import Calendar

    model = _Model(plan, Calendar.of(plan), None, 1)
    out = np.empty(runs, dtype=np.float32)

    def run() -> None:
        for node in model.nodes:
            node.samplers[0].draw(runs, out)

    return median_of(run, repeat)


def bench_memory() -> None:
    """Peak RSS of a fresh process that only builds the plan and simulates it.

    The peak is VmHWM from /proc (Linux): unlike ru_maxrss, it is not inherited from the
    parent across fork and exec.
    """
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})\n"
        "from bench_simulate import layered_plan, peak_rss_mb\n"
        "from roadmap_tui.forecast import simulate\n"
        "plan = layered_plan(1000)\n"
        "base = peak_rss_mb()\n"
        "t0 = time.perf_counter()\n"
        "simulate(plan, runs=100_000, seed=1)\n"
        "dt = time.perf_counter() - t0\n"
        "print(base, peak_rss_mb(), dt)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    base, peak, dt = (float(v) for v in out.stdout.split())
    print(
        f"1,000 items x 100,000 runs: peak RSS {peak:.0f} MB "
        f"(process before simulating: {base:.0f} MB; goal <= 1024 MB), wall {dt:.2f} s"
    )


def peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_typical(repeat: int) -> None:
    plan = layered_plan(50, risks=3)
    simulate(plan, runs=10_000, seed=1)
    sim = median_of(lambda: simulate(plan, runs=10_000, seed=1), repeat)
    print(
        f"50 items x 10,000 runs: simulate {sim * 1000:.0f} ms, median of {repeat} "
        "(goal well under 200 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["speed", "memory", "typical"])
    parser.add_argument("--repeat", type=int, default=7, help="timings per figure (median)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cpus")
    print(f"load average: {os.getloadavg()}")
    if args.only in (None, "typical"):
        bench_typical(args.repeat)
    if args.only in (None, "speed"):
        bench_speed(args.repeat)
    if args.only in (None, "memory"):
        bench_memory()
    print(
        f"this process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
