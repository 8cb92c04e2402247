"""Large plans: the greedy sequence's fast form, approximate rank ranges, the top-N table."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from helpers import invoke
from roadmap_tui import priority as P
from roadmap_tui.console import priority as C
from roadmap_tui.console.priority import DEFAULT_ROWS, render_ranking
from roadmap_tui.model.types import Item, Plan

START = date(2026, 1, 5)


def random_plan(n: int, seed: int, deps: int = 2) -> tuple[Plan, dict[str, P.Figures]]:
    """n items, each (but the first) after 1..deps earlier ones: one connected component.
    Continuous figures, so no two items tie on any score or ratio."""
    rng = random.Random(seed)
    items = []
    figures = {}
    for k in range(n):
        before = rng.sample(range(k), min(k, rng.randint(1, deps))) if k else []
        items.append(
            Item(
                f"i{k:03d}",
                f"Item {k}",
                impact=rng.uniform(0.5, 5),
                data=rng.uniform(0.1, 1),
                depends_on=tuple(f"i{j:03d}" for j in sorted(before)),
            )
        )
        figures[f"i{k:03d}"] = P.Figures(
            p_success=rng.uniform(0.3, 1),
            criticality=rng.uniform(0, 1),
            mean_duration=rng.uniform(1, 30),
        )
    return Plan("big", START, items=tuple(items)), figures


def reference_greedy(inst: P._Instance, nodes: list[int]) -> list[frozenset[int]]:
    """The greedy rule written plainly: each time, the item whose unscheduled ancestors and
    itself have the highest value per day, taken with them."""
    left = set(nodes)
    out = []
    while left:
        best = max(sorted(left), key=lambda j: inst.ratio(P._closure(inst, j, left)))
        chosen = P._closure(inst, best, left)
        out.append(frozenset(chosen))
        left -= chosen
    return out


@pytest.mark.parametrize("seed", range(3))
def test_the_vectorised_greedy_follows_the_rule(seed: int) -> None:
    plan, figures = random_plan(120, seed)
    inp = P._inputs(plan, figures)
    sequencer = P._Sequencer(inp)
    assert list(sequencer.large) == [0]  # one component, above EXACT_MAX_ITEMS
    rng = np.random.default_rng(seed)
    value = rng.uniform(0, 100, len(inp.ids))
    inst = P._Instance(inp.ids, value, inp.days, inp.preds)
    got = P._order_greedy(inst, sequencer.large[0])
    assert [frozenset(b.members) for b in got] == reference_greedy(inst, sequencer.components[0])
    for b in got:  # each block in dependency order, with its totals
        assert all(p not in b.members[k:] for k, m in enumerate(b.members) for p in inp.preds[m])
        assert b.value == pytest.approx(value[list(b.members)].sum())
        assert b.days == pytest.approx(inp.days[list(b.members)].sum())


def ranges(ranking: P.Ranking) -> dict[str, tuple[int, int]]:
    return {r.id: r.rank_range for r in ranking.items}


def test_approximate_rank_ranges_equal_the_exact_ones_without_dependencies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(3)
    items = tuple(
        Item(f"i{k:02d}", f"I{k}", impact=rng.uniform(0, 5), data=rng.uniform(0, 1))
        for k in range(60)
    )
    plan = Plan("flat", START, items=items)
    figures = {
        i.id: P.Figures(rng.uniform(0.3, 1), rng.uniform(0, 1), None, rng.uniform(1, 20))
        for i in items
    }
    exact = P.prioritize(plan, figures)
    monkeypatch.setattr(P, "RANGE_EXACT_MAX", 10)
    approx = P.prioritize(plan, figures)
    assert ranges(approx) == ranges(exact)
    assert any(best < worst for best, worst in ranges(exact).values())  # ranges do move


def test_large_plans_keep_the_sequence_and_get_approximate_ranges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan, figures = random_plan(200, 5, deps=3)
    exact = P.prioritize(plan, figures)
    monkeypatch.setattr(P, "RANGE_EXACT_MAX", 100)
    approx = P.prioritize(plan, figures)
    strip = [(r.id, r.rank, r.with_ids, r.per_day) for r in exact.items]
    assert [(r.id, r.rank, r.with_ids, r.per_day) for r in approx.items] == strip
    assert approx.curve == exact.curve
    n = len(approx.items)
    for r in approx.items:
        best, worst = r.rank_range
        assert 1 <= best <= r.rank <= worst <= n
    # close to the exact ranges: the same width on average within a quarter
    width = np.mean([w - b for b, w in ranges(approx).values()])
    exact_width = np.mean([w - b for b, w in ranges(exact).values()])
    assert exact_width > 0 and abs(width - exact_width) <= 0.25 * exact_width


def test_the_block_schedule_gives_the_sequence_back_at_the_plans_weights() -> None:
    plan, figures = random_plan(150, 8, deps=3)
    inp = P._inputs(plan, figures)
    w = np.array([P.DEFAULT_WEIGHTS[f] for f in P.FACTORS])
    own = P._own_scores(inp.values, w, "weighted")
    blocks = P._Sequencer(inp).blocks(own)
    _, ranks = P._place(blocks, len(inp.ids))
    shifts = P._BlockShifts(blocks, inp, own)
    assert np.array_equal(shifts.base, ranks)
    assert np.array_equal(shifts.ranks(ranks, own), ranks)


def flat_plan_text(n: int) -> str:
    lines = ['[plan]\nname = "Wide"\nstart = 2027-01-04\n\n[forecast]\nruns = 200\nseed = 1\n']
    for k in range(n):
        lines.append(f'[items.w{k:03d}]\ntitle = "Work {k}"\nestimate = [1, 2, {3 + k % 7}]\n')
    return "\n".join(lines)


def test_the_table_stops_at_the_top_rows_and_says_so(tmp_path: Path) -> None:
    n = DEFAULT_ROWS + 12
    path = tmp_path / "wide.toml"
    path.write_text(flat_plan_text(n), encoding="utf-8")
    short = invoke("prioritize", str(path))
    assert short.exit_code == 0, short.output
    shown = [f"w{k:03d}" for k in range(n) if f" w{k:03d} " in short.output]
    assert len(shown) == DEFAULT_ROWS
    assert f"showing {DEFAULT_ROWS} of {n} items; --all for every item" in short.output
    full = invoke("prioritize", str(path), "--all")
    assert all(f" w{k:03d} " in full.output for k in range(n))
    assert "--all for every item" not in full.output
    data = json.loads(invoke("prioritize", str(path), "--json").output)
    assert len(data["items"]) == n  # --json is always complete


def test_render_ranking_prints_every_row_within_the_limit() -> None:
    plan, figures = random_plan(40, 2)
    ranking = P.prioritize(plan, figures)
    for limit, cut in ((None, False), (40, False), (39, True)):
        out = Console(width=140, record=True, file=io.StringIO())
        render_ranking(ranking, out, heading="big", limit=limit)
        text = out.export_text()
        assert ("showing 39 of 40 items" in text) is cut
        assert sum(f" {r.id} " in text for r in ranking.items) == (39 if cut else 40)


def text_of(print_to) -> str:  # type: ignore[no-untyped-def]
    console = Console(width=print_to[0], record=True, file=io.StringIO())
    print_to[1](console)
    return console.export_text()


@pytest.mark.parametrize("width", [70, 120, 200])
def test_the_fast_table_prints_what_the_rich_table_prints(width: int) -> None:
    plan, figures = random_plan(45, 4)
    odd = Item("odd", "A [bold]title[/] with \x1b[2J escapes and 漢字 wide", impact=3)
    plan = Plan("big", START, items=(*plan.items, odd))
    ranking = P.prioritize(plan, {**figures, "odd": P.Figures(mean_duration=3)})
    heading = "big: weighted"
    fast = C.fast_table(ranking.items, heading, width)
    assert fast is not None
    rich_text = text_of((width, lambda c: c.print(C.ranking_table(ranking.items, heading, width))))
    fast_text = text_of((width, lambda c: c.print(fast, no_wrap=True, crop=False)))

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.splitlines()]

    assert lines(fast_text) == lines(rich_text)  # the same, up to trailing blanks
    assert "\x1b" not in fast_text and "[bold]title[/]" in fast_text


def test_render_ranking_uses_the_fast_table_for_many_rows_unless_too_narrow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan, figures = random_plan(30, 6)
    ranking = P.prioritize(plan, figures)
    calls: list[bool] = []
    real = C.fast_table

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(C, "fast_table", spy)
    monkeypatch.setattr(C, "FAST_ROWS", 10)
    wide = text_of((120, lambda c: render_ranking(ranking, c, heading="big", limit=None)))
    assert calls == [True] and "bar: " in wide
    assert sum(f" {r.id} " in wide for r in ranking.items) == 30
    narrow = text_of((40, lambda c: render_ranking(ranking, c, heading="big", limit=None)))
    assert calls == [True, False]  # too narrow: rich squeezes the columns instead
    assert all(len(line) <= 40 for line in narrow.splitlines())


def test_large_components_and_single_items_rank_without_importing_networkx() -> None:
    """networkx (0.1 s to import) is only for the exact cuts of small components."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_priority_large import random_plan\n"
        "from roadmap_tui import priority as P\n"
        "from roadmap_tui.model.types import Item, Plan\n"
        "plan, figures = random_plan(P.EXACT_MAX_ITEMS + 10, 3)\n"
        "alone = [Item(f'z{k}', 'Alone', impact=k) for k in range(1, 4)]\n"
        "figures.update({i.id: P.Figures(mean_duration=2) for i in alone})\n"
        "plan = Plan('p', plan.start, items=(*plan.items, *alone))\n"
        "ranking = P.prioritize(plan, figures)\n"
        "assert len(ranking.items) == len(plan.items)\n"
        "sys.exit('networkx imported' if 'networkx' in sys.modules else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout


def test_a_tie_of_hundreds_puts_each_blocker_first_then_goes_by_id() -> None:
    """Tie groups larger than a chunk of bit rows (P._CHUNK) keep the blockers-first rule."""
    pairs = P._CHUNK + 44
    items = []
    for k in range(pairs):  # a{k} waits on b{k}, via the done c{k} for every third pair
        if k % 3:
            items += [Item(f"a{k:03d}", "A", depends_on=(f"b{k:03d}",)), Item(f"b{k:03d}", "B")]
        else:
            items += [
                Item(f"a{k:03d}", "A", depends_on=(f"c{k:03d}",)),
                Item(f"c{k:03d}", "C", status="done", depends_on=(f"b{k:03d}",)),
                Item(f"b{k:03d}", "B"),
            ]
    plan = Plan("ties", START, items=tuple(items))
    figures = {i.id: P.Figures(mean_duration=5) for i in items}
    only_impact = {name: 1.0 if name == "impact" else 0.0 for name in P.FACTORS}
    ranking = P.prioritize(plan, figures, weights=only_impact, order="score")
    got = [r.id for r in ranking.items]
    assert len({r.score for r in ranking.items}) == 1  # one tie group of every open item
    # by id whenever there is a choice: b000 frees a000, which sorts before b001
    assert got == [f"{x}{k:03d}" for k in range(pairs) for x in "ba"]
