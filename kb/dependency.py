"""The predicate dependency graph: strongly connected components, strata, negative cycles.

A rule `h :- b, not c` makes `h` depend on `b` positively and on `c` negatively. Components come out in
evaluation order (every component after those it depends on), which is a valid stratification whenever no
negative edge lies inside a component.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Iterable

from lexlog.grammar.tree import Aggregate, Literal, Rule

PredicateKey = tuple[str, int]


@dataclass(frozen=True)
class Edge:
    head: PredicateKey
    body: PredicateKey
    negative: bool
    literal: Literal
    aggregate: str | None = None  # the aggregate function, when the body atom stands inside an aggregate

    @property
    def strict(self) -> bool:
        """The head needs the body predicate complete first: through negation or an aggregate."""
        return self.negative or self.aggregate is not None


@dataclass
class DependencyGraph:
    nodes: set[PredicateKey] = field(default_factory=set)
    edges: list[Edge] = field(default_factory=list)

    @classmethod
    def of_rules(cls, rules: Iterable[Rule]) -> "DependencyGraph":
        graph = cls()
        for rule in rules:
            graph.nodes.add(rule.head.key)
            for item in rule.body:
                if isinstance(item, Literal):
                    graph.nodes.add(item.atom.key)
                    graph.edges.append(Edge(rule.head.key, item.atom.key, item.negated, item))
                elif isinstance(item, Aggregate):
                    for inner in item.body:
                        if isinstance(inner, Literal):
                            graph.nodes.add(inner.atom.key)
                            graph.edges.append(Edge(rule.head.key, inner.atom.key, inner.negated, inner, item.function))
        return graph

    def successors(self) -> dict[PredicateKey, set[PredicateKey]]:
        result: dict[PredicateKey, set[PredicateKey]] = defaultdict(set)
        for edge in self.edges:
            result[edge.head].add(edge.body)
        return result

    def components(self) -> list[frozenset[PredicateKey]]:
        """Strongly connected components, dependencies first (Tarjan's algorithm, without recursion)."""
        successors = self.successors()
        index: dict[PredicateKey, int] = {}
        lowlink: dict[PredicateKey, int] = {}
        on_stack: set[PredicateKey] = set()
        stack: list[PredicateKey] = []
        result: list[frozenset[PredicateKey]] = []
        counter = 0
        for root in sorted(self.nodes):
            if root in index:
                continue
            work: list[tuple[PredicateKey, list[PredicateKey]]] = [(root, sorted(successors.get(root, ())))]
            index[root] = lowlink[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, pending = work[-1]
                if pending:
                    child = pending.pop()
                    if child not in index:
                        index[child] = lowlink[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, sorted(successors.get(child, ()))))
                    elif child in on_stack:
                        lowlink[node] = min(lowlink[node], index[child])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                if lowlink[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    result.append(frozenset(component))
        return result

    def negative_cycles(self) -> list[tuple[Edge, list[PredicateKey]]]:
        """Each negative or aggregate edge inside a component, with a path from its body back to its head."""
        return [(edge, path) for edge, path in self.cycles() if edge.strict]

    def cycles(self) -> list[tuple[Edge, list[PredicateKey]]]:
        """Each edge inside a component (the head depends on itself through it), with the way back to the head."""
        component_of: dict[PredicateKey, frozenset[PredicateKey]] = {}
        for component in self.components():
            for key in component:
                component_of[key] = component
        successors = self.successors()
        found = []
        for edge in self.edges:
            if component_of[edge.body] is component_of[edge.head]:
                found.append((edge, _shortest_path(successors, edge.body, edge.head)))
        return found


def _shortest_path(
    successors: dict[PredicateKey, set[PredicateKey]], start: PredicateKey, goal: PredicateKey
) -> list[PredicateKey]:
    previous: dict[PredicateKey, PredicateKey | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for child in sorted(successors.get(node, ())):
            if child not in previous:
                previous[child] = node
                queue.append(child)
    path = [goal]
    while previous.get(path[-1]) is not None:
        path.append(previous[path[-1]])  # type: ignore[arg-type]
    return list(reversed(path))


def describe_cycle(edge: Edge, path: list[PredicateKey]) -> str:
    """`a -> not b -> a` (or `a -> sum over b -> a`): the head, the body predicate as the head uses it, then the
    way back to the head."""
    used = f"{edge.aggregate} over {edge.body[0]}" if edge.aggregate else "not " + edge.body[0]
    names = [edge.head[0], used] + [key[0] for key in path[1:]]
    return " -> ".join(names)


def describe_recursion(edge: Edge, path: list[PredicateKey]) -> str:
    """`n -> n` or `a -> b -> a`: the head, the body predicate it recurses through, then the way back."""
    return " -> ".join([edge.head[0], edge.body[0]] + [key[0] for key in path[1:]])


def strata(rules: Iterable[Rule]) -> list[tuple[Rule, ...]]:
    """The rules grouped by the component of their head, in evaluation order. Assumes no negative cycle."""
    rules = list(rules)
    graph = DependencyGraph.of_rules(rules)
    by_head: dict[PredicateKey, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_head[rule.head.key].append(rule)
    grouped = []
    for component in graph.components():
        members = tuple(rule for key in sorted(component) for rule in by_head.get(key, ()))
        if members:
            grouped.append(members)
    return grouped
