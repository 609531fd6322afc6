"""YAML loading that keeps where every value came from.

PyYAML's composer (libyaml's C parser when available) gives nodes with marks; we turn them into
plain Python data and a map from the *path* of each value (a tuple of keys and indexes) to its
line and column, so that any later stage (pydantic validation, reference checks, lint) can report
``schema.yaml:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Pos, Problem, SpecError

Path = tuple[str | int, ...]
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
_STR = "tag:yaml.org,2002:str"


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader whose implicit-tag resolution of plain scalars is memoised (values repeat a lot)."""

    _tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


@dataclass(slots=True)
class Located:
    """Plain data plus the (line, col) of every value and of every mapping key."""

    data: Any
    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Best position for ``path``: the exact one, else the nearest enclosing value."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return Pos(self.file, *table[p])
            if key and p in self.values:
                return Pos(self.file, *self.values[p])
            p = p[:-1]
        return Pos(self.file, *self.values.get((), (1, 1)))


def load_yaml(text: str, file: str) -> Located:
    """Parse YAML text; syntax errors and duplicate keys become located SpecErrors."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else Pos(file, 1, 1)
        raise SpecError([Problem(pos, f"invalid YAML: {exc.problem or exc.context}")]) from None
    loc = Located(data=None, file=file)
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    values, keys = loc.values, loc.keys

    def scalar(node: yaml.Node) -> Any:
        if node.tag == _STR:
            return node.value
        return constructor.construct_object(node, deep=True)

    def convert(node: yaml.Node, path: Path) -> Any:
        mark = node.start_mark
        values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return scalar(node)
        if isinstance(node, yaml.MappingNode):
            if any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
                constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for knode, vnode in node.value:
                key = scalar(knode) if isinstance(knode, yaml.ScalarNode) else str(knode.value)
                if not isinstance(key, str):
                    key = str(key)
                kmark = knode.start_mark
                if key in out:
                    problems.append(Problem(Pos(file, kmark.line + 1, kmark.column + 1), f"duplicate key {key!r}"))
                    continue
                keys[path + (key,)] = (kmark.line + 1, kmark.column + 1)
                out[key] = convert(vnode, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    loc.data = convert(root, ()) if root is not None else {}
    if problems:
        raise SpecError(problems)
    return loc
