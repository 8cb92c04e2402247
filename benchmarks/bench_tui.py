"""How soon fresh figures follow an edit in the editor: 50 items x 10,000 runs.

Run: python benchmarks/bench_tui.py. Prints, for 7 edits, the time from the edit to fresh
figures, the engine's own time for that run, and what the app added beyond the 0.15 s
debounce and the engine (timers, re-ranking, redrawing six views). A benchmark, not a test:
the figure depends on the machine and its load.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import roadmap_tui.tui.app as app_module
from roadmap_tui.model.types import Estimate
from test_tui_layout import fifty_item_plan
from tui_helpers import running

DEBOUNCE = 0.15


async def main() -> None:
    engine: list[float] = []
    real = app_module.simulate

    def timed(plan, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(plan, **kwargs)
        finally:
            engine.append(time.perf_counter() - start)

    app_module.simulate = timed
    added = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fifty.toml"
        path.write_text(fifty_item_plan(), encoding="utf-8")
        async with running(path, runs=None, debounce=DEBOUNCE) as (app, _pilot):
            for n in range(7):
                engine.clear()
                item = app.plan.item("i30")
                edited = replace(item, estimate=Estimate(3 + n, 8 + n, 20 + n))
                gc.disable()
                start = time.perf_counter()
                app.apply(app.plan.with_item(edited), "edit")
                while app.stale:
                    await asyncio.sleep(0.005)
                latency = time.perf_counter() - start
                gc.enable()
                added.append(latency - DEBOUNCE - engine[-1])
                print(f"edit {n + 1}: {latency:.3f} s (engine {engine[-1]:.3f} s)")
    print(f"median added by the app beyond debounce + engine: {statistics.median(added):.3f} s")


if __name__ == "__main__":
    asyncio.run(main())
