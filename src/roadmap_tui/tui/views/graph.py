"""View 3: the dependency graph in layers (topological generations), left to right.

Edges that skip layers pass through placeholder slots, so every edge runs between adjacent
layers and can be routed in the gutter between them; box-drawing joins do the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.widget import Widget

from roadmap_tui.model.graph import ancestors, build_graph, descendants, generations
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import ItemSelected
from roadmap_tui.tui.views import Shown, View
from roadmap_tui.tui.widgets.canvas import Canvas

BOX_H = 4
GAP_Y = 1
GUTTER = 7
CRITICAL = 0.5


DUMMY_H = 2  # a row of slots that only carries long edges: one line and a gap


@dataclass
class Layout:
    layers: list[list[str]]  # real ids and "~u>v#k" placeholders of long edges
    edges: list[tuple[str, str]]  # between adjacent layers only
    real_edges: dict[str, tuple[str, str]]  # placeholder -> the real edge it carries
    box_w: int
    #: compact: one line per item, no box, no P50 (many items across fit on screen)
    compact: bool = False

    def __post_init__(self) -> None:
        self.box_h = 1 if self.compact else BOX_H
        self.where = {n: (k, s) for k, layer in enumerate(self.layers) for s, n in enumerate(layer)}
        tallest = max((len(layer) for layer in self.layers), default=0)
        self.boxed = [
            any(s < len(layer) and layer[s] not in self.real_edges for layer in self.layers)
            for s in range(tallest)
        ]
        self.tops = [1]  # slots holding only edge lines are squeezed to DUMMY_H rows
        for boxed in self.boxed:
            step = (self.box_h + GAP_Y if boxed else DUMMY_H) if not self.compact else 2
            self.tops.append(self.tops[-1] + step)
        self.lanes = self.assign_lanes()
        self.gutter = max(GUTTER, max(self.lanes.values(), default=0) + 5)

    def assign_lanes(self) -> dict[tuple[str, str], int]:
        """A vertical lane in the gutter for each edge: edges into one node share a lane (they
        merge at it); edges whose spans overlap and go to different nodes never do, so a
        merge always shows which way each line goes."""
        lanes: dict[tuple[str, str], int] = {}
        by_gap: dict[int, list[tuple[str, str]]] = {}
        for u, v in self.edges:
            by_gap.setdefault(self.where[u][0], []).append((u, v))
        for edges in by_gap.values():
            spans: dict[str, tuple[int, int]] = {}
            for u, v in edges:
                a, b = sorted((self.port(u), self.port(v)))
                lo, hi = spans.get(v, (a, b))
                spans[v] = (min(lo, a), max(hi, b))
            taken: list[list[tuple[int, int]]] = []
            for v, (lo, hi) in sorted(spans.items(), key=lambda kv: kv[1]):
                lane = next(
                    (n for n, used in enumerate(taken) if all(hi < a or lo > b for a, b in used)),
                    len(taken),
                )
                if lane == len(taken):
                    taken.append([])
                taken[lane].append((lo, hi))
                for u, w in edges:
                    if w == v:
                        lanes[(u, w)] = lane
        return lanes

    def position(self, node: str) -> tuple[int, int]:
        """Top-left corner of the node's slot."""
        layer, slot = self.where[node]
        return (layer * (self.box_w + self.gutter), self.tops[slot])

    def port(self, node: str) -> int:
        """The row where edges meet the node: a box's label row, a placeholder's line."""
        _, slot = self.where[node]
        return self.tops[slot] + (1 if self.boxed[slot] and not self.compact else 0)

    @property
    def size(self) -> tuple[int, int]:
        return (len(self.layers) * (self.box_w + self.gutter), self.tops[-1] + 1)


def layout(shown: Shown, compact: bool = False) -> Layout:
    """Layers from the model's generations; placeholders for long edges; one barycentre sweep."""
    g = build_graph(shown.visible_plan())
    layers = [list(layer) for layer in generations(g)]
    layer_of = {node: i for i, layer in enumerate(layers) for node in layer}
    edges: list[tuple[str, str]] = []
    real: dict[str, tuple[str, str]] = {}
    for u, v in g.edges:
        previous = u
        for k in range(layer_of[u] + 1, layer_of[v]):
            dummy = f"~{u}>{v}#{k}"
            layers[k].append(dummy)
            real[dummy] = (u, v)
            edges.append((previous, dummy))
            previous = dummy
        edges.append((previous, v))
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for u, v in edges:
        preds.setdefault(v, []).append(u)
        succs.setdefault(u, []).append(v)

    def reorder(k: int, neighbour: int, links: dict[str, list[str]]) -> None:
        """Sort layer k by the mean slot of its links in layer `neighbour` (barycentre)."""
        slot = {node: i for i, node in enumerate(layers[neighbour])}
        keyed = []
        for i, node in enumerate(layers[k]):
            near = [slot[n] for n in links.get(node, []) if n in slot]
            keyed.append((sum(near) / len(near) if near else i, i, node))
        layers[k] = [node for *_, node in sorted(keyed)]

    for _ in range(2):  # a few sweeps down and up cut most crossings
        for k in range(1, len(layers)):
            reorder(k, k - 1, preds)
        for k in range(len(layers) - 2, -1, -1):
            reorder(k, k + 1, succs)
    if compact:
        box_w = min(max((len(i.id) for i in shown.visible_items), default=6) + 2, 16)
        return Layout(layers, edges, real, max(box_w, 8), compact=True)
    box_w = min(max((len(i.id) for i in shown.visible_items), default=6) + 4, 22)
    return Layout(layers, edges, real, max(box_w, 14))


class GraphCanvas(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("items"),
        *bindings_for("graph"),
        Binding("down,j", "move(0, 1)", "Down", show=False, id="roadmap.graph-down"),
        Binding("up,k", "move(0, -1)", "Up", show=False, id="roadmap.graph-up"),
        Binding("right", "move(1, 0)", "Right", show=False, id="roadmap.graph-right"),
        Binding("left", "move(-1, 0)", "Left", show=False, id="roadmap.graph-left"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: Shown | None = None
        self.graph_layout: Layout | None = None
        self.compact = False
        #: show only the selected item's ancestors and descendants, the rest folded
        self.focused_on: str | None = None
        self.folded = 0
        self._laid_out: tuple[Any, ...] | None = None

    def set_shown(self, shown: Shown) -> None:
        previous = self.shown
        if self.focused_on is not None and self.focused_on in shown.plan.item_by_id:
            g = build_graph(shown.plan)
            keep = {self.focused_on} | ancestors(g, self.focused_on)
            keep |= descendants(g, self.focused_on)
            folded = frozenset(i.id for i in shown.plan.items if i.id not in keep)
            self.folded = len(folded - shown.hidden)
            shown = replace(shown, hidden=shown.hidden | folded)
        else:
            self.focused_on, self.folded = None, 0
        self.shown = shown
        key = (shown.plan, shown.hidden, self.compact)
        if key != self._laid_out:
            self._laid_out = key
            self.graph_layout = layout(shown, self.compact)
            width, height = self.graph_layout.size
            self.styles.width = width
            self.styles.height = height + 2
        self.refresh(layout=True)
        moved = previous is None or previous.selected != shown.selected
        if moved and shown.selected:  # follow the selection, not every new forecast
            self.call_after_refresh(self.scroll_to_node, shown.selected)

    def scroll_to_node(self, node: str) -> None:
        if self.graph_layout is None or not any(
            node in layer for layer in self.graph_layout.layers
        ):
            return
        x, y = self.graph_layout.position(node)
        parent = self.parent
        if isinstance(parent, ScrollableContainer):
            region = Region(x, y, self.graph_layout.box_w, self.graph_layout.box_h)
            parent.scroll_to_region(region, animate=False)

    def render(self) -> Text:
        shown, lay = self.shown, self.graph_layout
        if shown is None or lay is None:
            return Text("")
        width, height = lay.size
        canvas = Canvas(width, height + 2)
        forecast = shown.forecast

        def critical(node: str) -> bool:
            if node in lay.real_edges:
                u, v = lay.real_edges[node]
                return critical(u) and critical(v)
            f = forecast.items.get(node) if forecast is not None else None
            return f is not None and f.criticality >= CRITICAL

        for u, v in lay.edges:
            ux, _ = lay.position(u)
            vx, _ = lay.position(v)
            uy, vy = lay.port(u), lay.port(v)
            style = "bold red" if critical(u) and critical(v) else "bright_black"
            lane = ux + lay.box_w + 2 + lay.lanes[(u, v)]
            canvas.hline(ux + lay.box_w, lane, uy, style)
            canvas.vline(lane, uy, vy, style)
            canvas.hline(lane, vx - 1, vy, style)
        for layer in lay.layers:
            for node in layer:
                x, _ = lay.position(node)
                if node in lay.real_edges:
                    u, v = lay.real_edges[node]
                    style = "bold red" if critical(u) and critical(v) else "bright_black"
                    canvas.hline(x - 1, x + lay.box_w, lay.port(node), style)
        for u, v in lay.edges:
            if v not in lay.real_edges:
                vx, _ = lay.position(v)
                canvas.put(
                    vx - 1, lay.port(v), "▸", "bold red" if critical(u) and critical(v) else ""
                )
        for layer in lay.layers:
            for node in layer:
                if node in lay.real_edges:
                    continue
                self.draw_node(canvas, lay, node, shown, critical(node))
        canvas.put(0, height, "red: critical path (on it in at least half the futures)", "dim")
        canvas.put(
            0, height + 1, "arrows/click select  enter edit  l link  m compact  f focus", "dim"
        )
        if self.focused_on is not None:
            n = self.folded
            note = f"{n} item{'' if n == 1 else 's'} folded around {self.focused_on} (f: all)"
            canvas.put(0, 0, note, "italic")
        return canvas.to_text()

    def draw_node(self, canvas: Canvas, lay: Layout, node: str, shown: Shown, crit: bool) -> None:
        x, y = lay.position(node)
        item = shown.plan.item(node)
        style = "bold red" if crit else ("green" if item.status == "done" else "")
        if item.status == "dropped":
            style = "dim"
        label_style = "reverse bold" if node == shown.selected else "bold"
        if lay.compact:
            canvas.put(x, y, node[: lay.box_w].ljust(lay.box_w), f"{label_style} {style}".strip())
            return
        canvas.box(x, y, lay.box_w, BOX_H, style)
        inner = lay.box_w - 2
        canvas.put(x + 1, y + 1, node[:inner].center(inner), label_style)
        f = shown.forecast.items.get(node) if shown.forecast is not None else None
        if item.status == "done":
            detail = "done"
        elif f is None:
            detail = item.status
        elif f.finish.p50 is None:
            detail = f"never? {f.p_success:.0%}"
        else:
            detail = f"P50 {f.finish.p50:%m-%d}"
        canvas.put(x + 1, y + 2, detail[:inner].center(inner), "dim" if shown.stale else "")

    def toggle_compact(self) -> bool:
        self.compact = not self.compact
        if self.shown is not None:
            self.set_shown(self.shown)
        return self.compact

    def toggle_focus(self, selected: str | None) -> str | None:
        self.focused_on = None if self.focused_on is not None else selected
        return self.focused_on

    def node_at(self, x: int, y: int) -> str | None:
        if self.graph_layout is None:
            return None
        for layer in self.graph_layout.layers:
            for node in layer:
                if node in self.graph_layout.real_edges:
                    continue
                nx_, ny = self.graph_layout.position(node)
                box_h = self.graph_layout.box_h
                if nx_ <= x < nx_ + self.graph_layout.box_w and ny <= y < ny + box_h:
                    return node
        return None

    def on_click(self, event: events.Click) -> None:
        node = self.node_at(event.x, event.y)
        if node is not None:
            self.post_message(ItemSelected(node))

    def action_move(self, dx: int, dy: int) -> None:
        lay, shown = self.graph_layout, self.shown
        if lay is None or shown is None or not lay.layers:
            return
        real = [[n for n in layer if n not in lay.real_edges] for layer in lay.layers]
        current = shown.selected
        li = next((i for i, layer in enumerate(real) if current in layer), 0)
        si = real[li].index(current) if current in real[li] else 0
        if dy:
            si = max(0, min(len(real[li]) - 1, si + dy))
        if dx:
            target = li + dx
            while 0 <= target < len(real) and not real[target]:
                target += dx
            if 0 <= target < len(real):
                _, y = lay.position(real[li][si])
                li = target
                si = min(range(len(real[li])), key=lambda i: abs(lay.position(real[li][i])[1] - y))
        if real[li]:
            self.post_message(ItemSelected(real[li][si]))


class GraphView(View):
    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="graph-scroll"):
            yield GraphCanvas(id="graph-canvas", classes="main")

    def show(self, shown: Shown) -> None:
        self.query_one(GraphCanvas).set_shown(shown)

    def toggle_compact(self) -> bool:
        return self.query_one(GraphCanvas).toggle_compact()

    def toggle_focus(self, shown: Shown) -> str | None:
        canvas = self.query_one(GraphCanvas)
        focused = canvas.toggle_focus(shown.selected)
        canvas.set_shown(shown)
        return focused
