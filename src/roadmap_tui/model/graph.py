"""The dependency graph: an edge dep -> item for every `depends_on` entry.

networkx is imported only by the functions that need its graph (the editor, the ranking,
the message naming a cycle): the headless commands order a plan and check it for cycles
with `plan_order`, in pure Python, so they start without paying for networkx.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from roadmap_tui.model.types import Plan

if TYPE_CHECKING:
    import networkx as nx


def build_graph(plan: Plan) -> nx.DiGraph:
    """Nodes are item ids in file order; edges to unknown ids are left out (validation reports)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(item.id for item in plan.items)
    for item in plan.items:
        for dep in item.depends_on:
            if dep in plan.item_by_id:
                graph.add_edge(dep, item.id)
    return graph


def find_cycle(graph: nx.DiGraph) -> list[str] | None:
    """A dependency cycle as ids [a, b, c, a], or None when the graph is acyclic."""
    import networkx as nx

    # nx.find_cycle restarts its search from every node: seconds on an acyclic graph of a
    # few thousand items, where the topological check below takes milliseconds
    if nx.is_directed_acyclic_graph(graph):
        return None
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(v for _, v in edges)]


def plan_order(plan: Plan, *, self_loops: bool = True) -> list[str] | None:
    """The ids in `topological_order(build_graph(plan))`, or None when a dependency cycle
    exists (then `plan_cycle` names one).

    The same order as networkx's lexicographical sort (Kahn's algorithm taking the earliest
    item in the file among those ready), without building a networkx graph: the headless
    commands need no more. `self_loops=False` ignores an item depending on itself.
    """
    position = {item.id: k for k, item in enumerate(plan.items)}
    get = position.get
    for k, item in enumerate(plan.items):
        for dep in item.depends_on:
            d = get(dep, -1)
            if d >= k and (d > k or self_loops):
                break
        else:
            continue
        break
    else:
        # every item comes after what it depends on (the usual file): Kahn's algorithm would
        # take the items in file order, so that is the order, and there is no cycle
        return list(position)
    successors: list[list[int]] = [[] for _ in position]
    waiting = [0] * len(position)
    for k, item in enumerate(plan.items):
        for dep in dict.fromkeys(item.depends_on):
            d = position.get(dep)
            if d is None or (d == k and not self_loops):
                continue
            successors[d].append(k)
            waiting[k] += 1
    ready = [k for k, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    ids = list(position)
    order: list[str] = []
    while ready:
        k = heapq.heappop(ready)
        order.append(ids[k])
        for s in successors[k]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(ready, s)
    return order if len(order) == len(ids) else None


def plan_cycle(plan: Plan, *, self_loops: bool = True) -> list[str] | None:
    """`find_cycle(build_graph(plan))`, checked first in pure Python (None: no cycle), so
    networkx is imported only to name a cycle that exists."""
    if plan_order(plan, self_loops=self_loops) is not None:
        return None
    graph = build_graph(plan)
    if not self_loops:
        graph.remove_edges_from([(n, n) for n in graph.nodes if graph.has_edge(n, n)])
    return find_cycle(graph)


def format_cycle(cycle: list[str]) -> str:
    return " -> ".join(cycle)


def topological_order(graph: nx.DiGraph) -> list[str]:
    """Deterministic topological order: ties broken by the order of the file."""
    import networkx as nx

    position = {node: i for i, node in enumerate(graph.nodes)}
    return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))


def generations(graph: nx.DiGraph) -> list[list[str]]:
    """Layers of the graph (topological generations), each in file order: the TUI draws these."""
    import networkx as nx

    position = {node: i for i, node in enumerate(graph.nodes)}
    return [sorted(layer, key=position.__getitem__) for layer in nx.topological_generations(graph)]


def descendants(graph: nx.DiGraph, item_id: str) -> set[str]:
    """Every item that waits on `item_id`, directly or not."""
    import networkx as nx

    return nx.descendants(graph, item_id)


def ancestors(graph: nx.DiGraph, item_id: str) -> set[str]:
    import networkx as nx

    return nx.ancestors(graph, item_id)


def path_that_would_close(graph: nx.DiGraph, item_id: str, new_dep: str) -> list[str] | None:
    """If `item_id` depended on `new_dep`, the cycle that link would close, else None.

    The new edge is new_dep -> item_id; it closes a cycle when item_id already reaches new_dep.
    """
    if item_id == new_dep:
        return [item_id, item_id]
    if item_id not in graph or new_dep not in graph:
        return None
    import networkx as nx

    try:
        path = nx.shortest_path(graph, item_id, new_dep)
    except nx.NetworkXNoPath:
        return None
    return [*path, item_id]
