"""Topological creation order with deterministic tie-breaking (habit 5)."""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from .ids import ObjectId


class CycleError(Exception):
    """The dependency graph has a cycle; carries the objects left unordered."""

    def __init__(self, remaining: list[ObjectId]) -> None:
        self.remaining = remaining
        super().__init__("dependency cycle among: " + ", ".join(str(i) for i in remaining))


def topological_order(deps: Mapping[ObjectId, frozenset[ObjectId]]) -> tuple[ObjectId, ...]:
    """Kahn's algorithm; among ready objects the smallest ``(kind rank, names)`` goes first."""
    indegree = {node: 0 for node in deps}
    users: dict[ObjectId, list[ObjectId]] = {node: [] for node in deps}
    for node, needs in deps.items():
        for need in needs:
            if need in deps and need != node:
                indegree[node] += 1
                users[need].append(node)
    ready = [(node.sort_key, node) for node, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    out: list[ObjectId] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(node)
        for user in users[node]:
            indegree[user] -= 1
            if indegree[user] == 0:
                heapq.heappush(ready, (user.sort_key, user))
    if len(out) != len(deps):
        raise CycleError(sorted((n for n in deps if n not in set(out)), key=lambda i: i.sort_key))
    return tuple(out)
