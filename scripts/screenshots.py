"""Regenerate screenshots/*.svg: every view of the editor on an example plan.

    python scripts/screenshots.py [PLAN] [--size 120x36]

PLAN defaults to plans/support-assistant.toml (or the first plan in plans/). The app runs
headless with the plan's seed and 2,000 runs, waits for the forecast, and saves one SVG per
view, so the images only change when the views or the plan do.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

from roadmap_tui.tui.app import RoadmapApp

ROOT = Path(__file__).resolve().parent.parent
SHOTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1-items", ("1",)),
    ("2-timeline", ("2",)),
    ("3-graph", ("3",)),
    ("4-forecast", ("4",)),
    ("4-forecast-scenario", ("4", "c")),
    ("5-priorities", ("5",)),
    ("6-risks", ("6",)),
    ("item-editor", ("1", "down", "enter")),
    ("1-items-scenario", ("c", "1", *["down"] * 10)),  # label-intents, which it overrides
    ("2-timeline-weeks", ("2", "z")),
    ("3-graph-compact", ("3", "m")),
    ("filter", ("slash",)),
    ("scenarios", ("C",)),
    ("plan-settings", ("p",)),
)


def default_plan() -> Path:
    preferred = ROOT / "plans" / "support-assistant.toml"
    if preferred.exists():
        return preferred
    plans = sorted((ROOT / "plans").glob("*.toml"))
    if not plans:
        raise SystemExit("no plan in plans/: pass one")
    return plans[0]


async def shoot(plan: Path, name: str, keys: tuple[str, ...], size: tuple[int, int]) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / plan.name  # the app never touches the original
        shutil.copyfile(plan, copy)
        app = RoadmapApp(copy, runs=2000, poll_interval=None)
        async with app.run_test(size=size) as pilot:
            await app.wait_for_forecast()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await app.wait_for_forecast()
            await pilot.pause()
            out = ROOT / "screenshots" / f"{name}.svg"
            app.save_screenshot(filename=out.name, path=str(out.parent))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", type=Path)
    parser.add_argument("--size", default="120x36", help="terminal size WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    plan = args.plan or default_plan()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    for name, keys in SHOTS:
        out = asyncio.run(shoot(plan, name, keys, (width, height)))
        print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()
