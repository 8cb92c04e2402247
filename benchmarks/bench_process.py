"""Benchmark of whole `roadmap` processes (issue 9): run once, by hand, and read the figures.

    python benchmarks/bench_process.py                  # every case
    python benchmarks/bench_process.py --only ratio|large|small --repeat 5
    python benchmarks/bench_process.py --mcprojsim /path/to/venv/bin/mcprojsim

What a user waits for is the process, not the engine: start-up, imports, reading and
validating the plan, the forecast and the output. Each figure is the median of --repeat
fresh processes (wall time, and CPU time user+sys, which load on a shared machine inflates
less); processes that are compared are started alternately, so load hits both.

1. ratio: `roadmap simulate PLAN --runs 10000 --json` on a generated 1,000-item plan (the
   layered plan of bench_simulate.py) against a process that only imports numpy and draws
   the same 10 million Beta samples with Generator.beta. Goal: ratio <= 2.0.
2. large: a 5,000-item plan: validate, set (one field), fmt --check, simulate at 10,000
   runs, export md and prioritize. Goals: validate, set, fmt --check < 0.5 s; simulate and
   prioritize < 3 s.
3. small: the 8-activity Milwaukee Paper network (benchmarks/milwaukee-paper.toml), 100,000
   runs, against mcprojsim 0.15.2 on the same network (milwaukee-paper.yaml). mcprojsim needs
   Python >= 3.13: give it a virtual environment of its own and pass its `mcprojsim` with
   --mcprojsim (or put it on PATH). Goal: at least 20x faster.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_simulate import layered_plan  # noqa: E402

from roadmap_tui.model.types import Plan  # noqa: E402

#: The baseline process makes numpy's huge-page and BLAS-thread choices as `roadmap` does
#: (cli.py): on this machine's VM, first-touched huge pages cost ten times ordinary ones,
#: so the comparison would otherwise flatter roadmap.
BETA_ONLY = (
    "import os; os.environ.setdefault('NUMPY_MADVISE_HUGEPAGE', '0'); "
    "os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); "
    "import numpy as np; np.random.default_rng(1).beta(2.0, 3.0, {n})"
)


def plan_toml(plan: Plan, runs: int = 10_000) -> str:
    """The generated plan as a plan file, in the canonical layout (fmt --check passes)."""
    out = ["[plan]", f'name = "{plan.name}"', f"start = {plan.start.isoformat()}", ""]
    out += ["[forecast]", f"runs = {runs}", "seed = 1", ""]
    for item in plan.items:
        e = item.estimate
        out += [
            f"[items.{item.id}]",
            f'title = "{item.title}"',
            f'kind = "{item.kind}"',
            f"estimate = [{e.low:g}, {e.likely:g}, {e.high:g}]",
        ]
        if item.kind == "experiment":
            out.append(f"p_success = {round(item.p_success, 3)}")
            out.append(f"max_attempts = {item.max_attempts}")
        if item.depends_on:
            out.append("depends_on = [" + ", ".join(f'"{d}"' for d in item.depends_on) + "]")
        out.append("")
    for risk in plan.risks:
        d = risk.delay
        out += [
            f"[risks.{risk.id}]",
            f'title = "{risk.title}"',
            f"probability = {round(risk.probability, 3)}",
            f"delay = [{d.low:g}, {d.likely:g}, {d.high:g}]",
            "affects = [" + ", ".join(f'"{a}"' for a in risk.affects) + "]",
            "",
        ]
    return "\n".join(out)


def roadmap_cmd() -> list[str]:
    """The `roadmap` script of this interpreter's environment (what a user runs)."""
    script = Path(sys.executable).with_name("roadmap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "roadmap_tui"]


#: Processes run as a user's would: with Python's bytecode cache (a session that sets
#: PYTHONDONTWRITEBYTECODE recompiles every module of roadmap-tui in every process).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall, cpu user+sys) seconds of one fresh process; its output goes to /dev/null."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def alternate(
    cmds: list[list[str]], repeat: int, ok: tuple[int, ...] = (0,), before=None
) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Per command: (median wall, median cpu, all walls), the commands run in turn;
    `before()` (untimed) runs before each process, e.g. to restore a file it edits."""
    walls: list[list[float]] = [[] for _ in cmds]
    cpus: list[list[float]] = [[] for _ in cmds]
    for cmd in cmds:  # warm the file cache and the bytecode once
        if before:
            before()
        timed(cmd, ok)
    for _ in range(repeat):
        for k, cmd in enumerate(cmds):
            if before:
                before()
            wall, cpu = timed(cmd, ok)
            walls[k].append(wall)
            cpus[k].append(cpu)
    return [
        (statistics.median(w), statistics.median(c), w) for w, c in zip(walls, cpus, strict=True)
    ]


def bench_ratio(tmp: Path, repeat: int) -> None:
    path = tmp / "plan-1000.toml"
    path.write_text(plan_toml(layered_plan(1000)), encoding="utf-8")
    sim = [*roadmap_cmd(), "simulate", str(path), "--runs", "10000", "--json"]
    beta = [sys.executable, "-c", BETA_ONLY.format(n=1000 * 10_000)]
    (s_wall, s_cpu, s_all), (b_wall, b_cpu, b_all) = alternate([sim, beta], repeat)
    pairs = sorted(s / b for s, b in zip(s_all, b_all, strict=True))
    print(f"1,000 items x 10,000 runs, `simulate --json`: {s_wall:.2f} s (cpu {s_cpu:.2f} s)")
    print(f"  process drawing 10M Beta samples (numpy): {b_wall:.2f} s (cpu {b_cpu:.2f} s)")
    print(
        f"  ratio of medians: {s_wall / b_wall:.2f} wall, {s_cpu / b_cpu:.2f} cpu (goal <= 2.0); "
        f"per pair: {', '.join(f'{r:.2f}' for r in pairs)}"
    )


def bench_large(tmp: Path, repeat: int, ranking: bool = True) -> None:
    path = tmp / "plan-5000.toml"
    path.write_text(plan_toml(layered_plan(5000)), encoding="utf-8")
    edited = tmp / "plan-5000-set.toml"
    shutil.copyfile(path, edited)
    rm = roadmap_cmd()
    cases = [
        ("validate", [*rm, "validate", str(path)], 0.5),
        ("set (one field)", [*rm, "set", str(edited), "i2500.owner", "x"], 0.5),
        ("fmt --check", [*rm, "fmt", "--check", str(path)], 0.5),
        ("simulate --json, 10,000 runs", [*rm, "simulate", str(path), "--json"], 3.0),
        ("export md, 10,000 runs", [*rm, "export", str(path), "--format", "md"], None),
        ("prioritize, 10,000 runs", [*rm, "prioritize", str(path)], 3.0),
    ]
    print("5,000 items (median of fresh processes):")
    sim, beta = cases[3][1], [sys.executable, "-c", BETA_ONLY.format(n=5000 * 10_000)]
    (s_wall, s_cpu, _), (b_wall, b_cpu, _) = alternate([sim, beta], repeat)
    print(
        f"  simulate --json, 10,000 runs   {s_wall:6.2f} s  (cpu {s_cpu:.2f} s)  goal < 3 s; "
        f"the Beta-only process for its 50M samples: {b_wall:.2f} s (cpu {b_cpu:.2f} s), "
        f"ratio {s_wall / b_wall:.2f}"
    )
    del cases[3]
    if not ranking:
        cases = cases[:3]
    for name, cmd, goal in cases:
        restore = (lambda: shutil.copyfile(path, edited)) if cmd[len(rm)] == "set" else None
        wall, cpu, _ = alternate([cmd], repeat, before=restore)[0]
        aim = f"goal < {goal:g} s" if goal else ""
        print(f"  {name:30} {wall:6.2f} s  (cpu {cpu:.2f} s)  {aim}")


def find_mcprojsim(given: str | None) -> str | None:
    return given or os.environ.get("MCPROJSIM") or shutil.which("mcprojsim")


def bench_small(repeat: int, mcprojsim: str | None) -> None:
    ours = [*roadmap_cmd(), "simulate", str(HERE / "milwaukee-paper.toml"), "--runs", "100000"]
    ours_json = [*ours, "--json"]
    theirs = None
    if mcprojsim:
        yaml = str(HERE / "milwaukee-paper.yaml")
        theirs = [mcprojsim, "simulate", yaml, "-n", "100000", "-s", "1", "--no-fx"]
    cmds = [ours, ours_json] + ([theirs] if theirs else [])
    results = alternate(cmds, repeat)
    (o_wall, o_cpu, _), (j_wall, j_cpu, _) = results[:2]
    print("Milwaukee Paper, 8 activities x 100,000 runs:")
    print(f"  roadmap simulate (table): {o_wall:.3f} s (cpu {o_cpu:.3f} s)")
    print(f"  roadmap simulate --json:  {j_wall:.3f} s (cpu {j_cpu:.3f} s)")
    if theirs is None:
        print("  mcprojsim: not found (pass --mcprojsim PATH; it needs Python >= 3.13)")
        return
    version = subprocess.run([mcprojsim, "--version"], capture_output=True, text=True)
    m_wall, m_cpu, _ = results[2]
    print(f"  {version.stdout.strip()}: {m_wall:.3f} s (cpu {m_cpu:.3f} s)")
    print(
        f"  roadmap is {m_wall / o_wall:.1f}x faster wall ({m_cpu / o_cpu:.1f}x cpu) with its "
        f"table, {m_wall / j_wall:.1f}x ({m_cpu / j_cpu:.1f}x) with --json (goal >= 20x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["ratio", "large", "small"])
    parser.add_argument("--repeat", type=int, default=5, help="processes per figure (median)")
    parser.add_argument("--mcprojsim", help="the mcprojsim executable (a Python >= 3.13 venv)")
    parser.add_argument(
        "--no-ranking", action="store_true", help="5,000 items: skip export md and prioritize"
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cpus")
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "ratio"):
            bench_ratio(Path(tmp), args.repeat)
        if args.only in (None, "small"):
            bench_small(args.repeat, find_mcprojsim(args.mcprojsim))
        if args.only in (None, "large"):
            bench_large(Path(tmp), args.repeat, ranking=not args.no_ranking)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
