"""The dependency graph: an edge dep -> item for every `depends_on` entry."""

from __future__ import annotations

import networkx as nx

from roadmap_tui.model.types import Plan


def build_graph(plan: Plan) -> nx.DiGraph:
    """Nodes are item ids in file order; edges to unknown ids are left out (validation reports)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(item.id for item in plan.items)
    for item in plan.items:
        for dep in item.depends_on:
            if dep in plan.item_by_id:
                graph.add_edge(dep, item.id)
    return graph


def find_cycle(graph: nx.DiGraph) -> list[str] | None:
    """A dependency cycle as ids [a, b, c, a], or None when the graph is acyclic."""
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(v for _, v in edges)]


def format_cycle(cycle: list[str]) -> str:
    return " -> ".join(cycle)


def topological_order(graph: nx.DiGraph) -> list[str]:
    """Deterministic topological order: ties broken by the order of the file."""
    position = {node: i for i, node in enumerate(graph.nodes)}
    return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))


def generations(graph: nx.DiGraph) -> list[list[str]]:
    """Layers of the graph (topological generations), each in file order: the TUI draws these."""
    position = {node: i for i, node in enumerate(graph.nodes)}
    return [sorted(layer, key=position.__getitem__) for layer in nx.topological_generations(graph)]


def descendants(graph: nx.DiGraph, item_id: str) -> set[str]:
    """Every item that waits on `item_id`, directly or not."""
    return nx.descendants(graph, item_id)


def ancestors(graph: nx.DiGraph, item_id: str) -> set[str]:
    return nx.ancestors(graph, item_id)


def path_that_would_close(graph: nx.DiGraph, item_id: str, new_dep: str) -> list[str] | None:
    """If `item_id` depended on `new_dep`, the cycle that link would close, else None.

    The new edge is new_dep -> item_id; it closes a cycle when item_id already reaches new_dep.
    """
    if item_id == new_dep:
        return [item_id, item_id]
    if item_id not in graph or new_dep not in graph:
        return None
    try:
        path = nx.shortest_path(graph, item_id, new_dep)
    except nx.NetworkXNoPath:
        return None
    return [*path, item_id]
