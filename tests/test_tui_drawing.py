"""The drawn views' building blocks: line joins, the layered layout, the column charts."""

from __future__ import annotations

from datetime import date

import numpy as np

from roadmap_tui.model.graph import build_graph, generations
from roadmap_tui.model.types import Estimate, Item, Plan
from roadmap_tui.tui.views import Shown
from roadmap_tui.tui.views.forecast import columns
from roadmap_tui.tui.views.graph import layout
from roadmap_tui.tui.widgets.canvas import Canvas


def test_lines_that_meet_are_joined_with_the_right_box_characters() -> None:
    canvas = Canvas(5, 3)
    canvas.hline(0, 4, 1)
    canvas.vline(2, 0, 2)
    canvas.vline(4, 1, 2)
    assert canvas.to_text().plain.splitlines() == ["  │  ", "──┼─┐", "  │ │"]


def test_text_covers_lines_under_it() -> None:
    canvas = Canvas(6, 1)
    canvas.hline(0, 5, 0)
    canvas.put(2, 0, "ab")
    assert canvas.to_text().plain == "──ab──"


def test_column_chart_fills_eighths_from_the_bottom() -> None:
    assert columns(np.array([0.0, 0.5, 1.0, 0.0625, 0.75]), 2) == ["  █ ▄", " ██▁█"]


def plan() -> Plan:
    base = Plan(name="p", start=date(2027, 1, 4))
    for item_id, deps in (("a", ()), ("b", ("a",)), ("c", ("b",)), ("d", ("a", "c"))):
        base = base.with_item(Item(item_id, item_id, estimate=Estimate.fixed(1), depends_on=deps))
    return base


def test_the_layout_keeps_the_model_layers_and_routes_long_edges_through_each_layer() -> None:
    p = plan()
    lay = layout(Shown(plan=p))
    real_layers = [[n for n in layer if n not in lay.real_edges] for layer in lay.layers]
    assert real_layers == generations(build_graph(p))
    layer_of = {n: i for i, layer in enumerate(lay.layers) for n in layer}
    assert all(layer_of[v] == layer_of[u] + 1 for u, v in lay.edges)
    # a -> d skips two layers: it passes through one placeholder in each
    assert sorted(k for k, edge in lay.real_edges.items() if edge == ("a", "d")) == [
        "~a>d#1",
        "~a>d#2",
    ]
    positions = {lay.position(n) for layer in lay.layers for n in layer}
    assert len(positions) == sum(len(layer) for layer in lay.layers)  # no two slots overlap
