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


class _Loader(_Base):  # type: ignore[misc, valid-type]  # the base is picked at run time (C or Python loader)
    """SafeLoader whose implicit-tag resolution of plain scalars is memoised (values repeat a lot)."""

    _tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = super().resolve(kind, value, implicit)
            return tag
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


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


#: Largest spec file read (bytes). A spec of 10,000 tables is about 5 MiB.
MAX_SPEC_BYTES = 32 * 2**20
#: Aliases may repeat what they name, but never blow the document up: the values built from the
#: YAML may be at most this many times the distinct nodes written, plus :data:`ALIAS_ALLOWANCE`.
ALIAS_EXPANSION = 4
ALIAS_ALLOWANCE = 10_000
_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE = "tag:yaml.org,2002:merge"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\xfe\xff", "UTF-16"),
         (b"\xff\xfe", "UTF-16"))


def decode_spec(data: bytes, file: str) -> str:
    """The text of a spec file: UTF-8 (a UTF-8 byte order mark is dropped), at most
    :data:`MAX_SPEC_BYTES`. Anything else is a located SpecError, never a UnicodeDecodeError."""
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError([Problem(Pos(file, 1, 1), f"the spec is {len(data):,} bytes; the limit is "
                                                  f"{MAX_SPEC_BYTES:,} (split it, or it is not a spec)")])
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise SpecError([Problem(Pos(file, 1, 1), f"the spec is encoded as {name}; save it as UTF-8")])
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        raise SpecError([Problem(Pos(file, line, col), f"the spec is not valid UTF-8: byte 0x{byte:02X} "
                                                       f"({exc.reason}); save it as UTF-8")]) from None


def _count_distinct(root: yaml.Node, shared: set[int] | None = None) -> int:
    """How many distinct nodes the YAML document holds (an alias is its target, counted once);
    ``shared`` collects the nodes reached more than once (alias targets)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            if shared is not None:
                shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
    return len(seen)


class _TooBig(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def load_yaml(text: str, file: str) -> Located:
    """Parse YAML text; syntax errors, duplicate keys, unknown tags, NUL characters and alias bombs
    become located SpecErrors. Merge keys (``<<: *anchor``) merge as YAML 1.1 says: the mapping's
    own keys win over merged ones, and an earlier merged mapping wins over a later one."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else Pos(file, 1, 1)
        raise SpecError([Problem(pos, f"invalid YAML: {exc.problem or exc.context}")]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        pos = Pos(file, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        raise SpecError([Problem(pos, f"invalid YAML: {exc.reason} (U+{exc.character:04X})"
                                 if isinstance(exc.character, int) else f"invalid YAML: {exc.reason}")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        raise SpecError([Problem(Pos(file, 1, 1), f"invalid YAML: {exc}")]) from None
    loc = Located(data=None, file=file)
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    values, keys = loc.values, loc.keys
    shared: set[int] = set()  # alias targets: their subtrees are converted again, so they are kept
    budget = [0 if root is None else ALIAS_EXPANSION * _count_distinct(root, shared) + ALIAS_ALLOWANCE]
    merged_counts: dict[int, int] = {}
    active: set[int] = set()  # the collections being converted: an alias to one of them is a cycle

    def at(node: yaml.Node) -> Pos:
        return Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)

    def scalar(node: yaml.Node) -> Any:
        if node.tag == _STR:
            if "\x00" in node.value:
                problems.append(Problem(at(node), "a NUL character (\\0) cannot be stored by Postgres; remove it"))
            return node.value
        if node.tag not in _TAGS:
            problems.append(Problem(at(node), f"unknown YAML tag {node.tag!r}: only plain YAML values are read"))
            return None
        try:
            return constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            problems.append(Problem(at(node), f"invalid {node.tag.rsplit(':', 1)[-1]} value: {exc}"))
            return None

    def flatten(node: yaml.MappingNode) -> int:
        """Merge keys resolved in place (once per node: aliases share it); how many leading pairs
        of ``node.value`` came from merged mappings."""
        if id(node) not in merged_counts:
            own = sum(1 for k, _ in node.value if k.tag != _MERGE)
            if own != len(node.value):
                for k, v in node.value:
                    if k.tag == _MERGE and not (isinstance(v, yaml.MappingNode) or (
                            isinstance(v, yaml.SequenceNode) and all(isinstance(i, yaml.MappingNode)
                                                                     for i in v.value))):
                        raise yaml.constructor.ConstructorError(
                            None, None, "a merge key (<<) takes a mapping or a list of mappings", v.start_mark)
                constructor.flatten_mapping(node)
            merged_counts[id(node)] = len(node.value) - own
        return merged_counts[id(node)]

    def convert(node: yaml.Node, path: Path, keep: bool = False) -> Any:
        """The value of ``node``. A converted collection outside any alias target (not ``keep``)
        drops its children: the node tree (~60 MB for a 1,000-table spec) is freed as the data
        grows instead of both being held at the peak."""
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig(node)
        mark = node.start_mark
        values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return scalar(node)
        if node.tag not in (_MAP, _SEQ):
            problems.append(Problem(at(node), f"unknown YAML tag {node.tag!r}: only plain YAML values are read"))
        if id(node) in active:
            raise yaml.constructor.ConstructorError(None, None, "a YAML alias refers to a node that contains it",
                                                    node.start_mark)
        active.add(id(node))
        keep = keep or id(node) in shared
        try:
            return collection(node, path, keep)
        finally:
            active.discard(id(node))
            if not keep:
                node.value = []

    def collection(node: yaml.Node, path: Path, keep: bool) -> Any:
        if isinstance(node, yaml.MappingNode):
            n_merged = flatten(node)
            out: dict[Any, Any] = {}
            own: set[str] = set()
            for i, (knode, vnode) in enumerate(node.value):
                key = scalar(knode) if isinstance(knode, yaml.ScalarNode) else str(knode.value)
                if not isinstance(key, str):
                    key = str(key)
                kmark = knode.start_mark
                if i >= n_merged:  # the mapping's own keys: one each; they replace merged ones
                    if key in own:
                        problems.append(Problem(Pos(file, kmark.line + 1, kmark.column + 1),
                                                f"duplicate key {key!r}"))
                        continue
                    own.add(key)
                child = path + (key,)  # one tuple for both maps (a 1,000-table spec has 74,000 keys)
                keys[child] = (kmark.line + 1, kmark.column + 1)
                out[key] = convert(vnode, child, keep)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, path + (i,), keep) for i, item in enumerate(node.value)]
        return None  # pragma: no cover - composer nodes are scalars, mappings or sequences

    try:
        loc.data = convert(root, ()) if root is not None else {}
    except _TooBig as big:
        raise SpecError([Problem(at(big.node), "YAML aliases expand to too many values (more than "
                                               f"{ALIAS_EXPANSION}x the document): refusing to expand them")]) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else Pos(file, 1, 1)
        raise SpecError([Problem(pos, f"invalid YAML: {exc.problem or exc.context}")]) from None
    except RecursionError:
        raise SpecError([Problem(Pos(file, 1, 1), "the YAML is nested too deeply")]) from None
    if problems:
        raise SpecError(problems)
    return loc
