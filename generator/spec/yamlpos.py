"""YAML loading that keeps where every value came from.

PyYAML's composer gives nodes with marks; we turn them into plain Python data and a map from
the *path* of each value (a tuple of keys and indexes) to its position, so that any later stage
(pydantic validation, reference checks) can report ``schema.yaml:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Pos, Problem, SpecError

Path = tuple[str | int, ...]


@dataclass(slots=True)
class Located:
    """Plain data plus the position of every value and of every mapping key."""

    data: Any
    file: str
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Best position for ``path``: the exact one, else the nearest enclosing value."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Pos(self.file, 1, 1))


def _mark(file: str, node: yaml.Node) -> Pos:
    return Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(text: str, file: str) -> Located:
    """Parse YAML text; syntax errors and duplicate keys become located SpecErrors."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else Pos(file, 1, 1)
        raise SpecError([Problem(pos, f"invalid YAML: {exc.problem or exc.context}")]) from None
    loc = Located(data=None, file=file)
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")

    def convert(node: yaml.Node, path: Path) -> Any:
        loc.values[path] = _mark(file, node)
        if isinstance(node, yaml.MappingNode):
            constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for knode, vnode in node.value:
                key = constructor.construct_object(knode, deep=True)
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    problems.append(Problem(_mark(file, knode), f"duplicate key {key!r}"))
                    continue
                loc.keys[path + (key,)] = _mark(file, knode)
                out[key] = convert(vnode, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    loc.data = convert(root, ()) if root is not None else {}
    if problems:
        raise SpecError(problems)
    return loc
