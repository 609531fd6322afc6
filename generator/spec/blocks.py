"""Reading the spec's YAML block by block, reusing what an earlier run read (issue 14, goal 2).

Editing one table of a 1,000-table spec should not make the next run read the other 999 again.
The text is split, without parsing YAML, into *blocks*: each item of each object list inside a
migration (``migrations[i].tables[j]``, ``.views[j]``, …: the items of the lists nested in the items
of a top-level list), and the *skeleton*: everything else, with each block replaced by a one-line
placeholder. The skeleton is parsed every run (it is small); a block is parsed alone, its located
data (values, and positions relative to its first line) stored in the cache under the SHA-256 of
its text (all blocks of a spec in one entry, :class:`_Pack`), and on the next run restored from
there, its lines shifted to where it now starts: an edit above a block does not invalidate it,
and an error below an edit is still reported at its exact ``file:line:col``.

The result is the :class:`~generator.spec.yamlpos.Located` that :func:`load_yaml` gives for the
whole text (the same data and positions: ``tests/test_spec_blocks.py``). Whenever that cannot be
guaranteed the text is read whole, as before:

* a shape the splitter does not recognise: tabs or carriage returns, directives or document
  markers, a list item whose content does not start on its ``- `` line, a line at a list's
  indentation that is not an item, anything but ``key:`` lines at column 0;
* anchors, aliases or merge keys in a block read now (a block holding one is never stored: it
  could use or redefine an anchor of the skeleton or of another block). The skeleton may hold
  them: the blocks stored hold no alias, so what the skeleton's aliases name is the same, and the
  alias budget of the skeleton alone is smaller than the whole text's (an error there reads whole);
* any block or the skeleton failing to parse alone, or reporting a problem (duplicate key, unknown
  tag, NUL…): the whole text is then parsed, so errors are those of the whole text (a construct
  spanning two blocks, such as an unclosed quote, fails in the block it starts in);
* values JSON cannot hold exactly (dates, timestamps): that block is not stored.

Entries are advisory like every cache entry (:mod:`generator.cache`: hash-checked, written by a
rename, only by the commands that write ``out/``, after they wrote it): ``check`` reads them but
never writes, so a check after an edit reads the edited block, and ``generate``/``migrate`` store it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .yamlpos import Located, Path, load_yaml

if TYPE_CHECKING:
    from ..cache import Cache

#: A ``key:`` line opening a block collection (nothing after the colon but a comment).
_HEADER = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_-]*):[ ]*(?:#.*)?\Z")
#: A key line at column 0 (a top-level key, with or without a value on its line).
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?: |\Z)")
#: A list item whose content starts on its line: ``- x`` (not ``-`` alone, not ``- # comment``).
_ITEM = re.compile(r"( *)- +([^\s#])")
#: Where YAML could read an anchor, an alias or a merge key (conservative: may match inside a
#: string; the text is then only read whole).
_ANCHOR = re.compile(r"(?:^|[\s\[{,:?-])[&*][^\s,\[\]{}]|<<", re.MULTILINE)
_KIND = "spec block"


def _anchored(text: str) -> bool:
    """Whether ``text`` holds an anchor, an alias or a merge key (or cannot be parsed alone): a
    quick look for where YAML could read one (:data:`_ANCHOR`), then YAML's own events."""
    if not (("&" in text or "*" in text or "<<" in text) and _ANCHOR.search(text) is not None):
        return False
    import yaml

    from .yamlpos import _Loader

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None \
                    or (isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]):
                return True
    except yaml.YAMLError:
        return True
    return False


@dataclass(frozen=True, slots=True)
class Block:
    """One list item read alone: its text and where it sits (its list's path, its index, its first
    line in the whole text, 1-based)."""

    text: str
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Split:
    """The text as a skeleton (blocks replaced by placeholder lines) and its blocks. ``lines[i]``
    is the line of the whole text that the skeleton's line ``i + 1`` is."""

    skeleton: str
    lines: list[int]
    blocks: list[Block]


class _Lines:
    """The lines of a text and its *significant* ones: not blank, not a comment, indented at most
    ``cap`` (deeper lines are inside a block: they never start or end one). Positions below are
    indexes into ``sig``; ``line(k)`` is the text's line index of ``sig[k]`` (its end: the count)."""

    def __init__(self, text: str, cap: int) -> None:
        self.lines = text.split("\n")[:-1]
        self.sig: list[tuple[int, int]] = []  # (line index, indentation)
        line, pos = 0, 0
        for m in re.finditer(rf"^( {{0,{cap}}})(?=[^ \n#])", text, re.MULTILINE):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            self.sig.append((line, m.end() - m.start()))

    def line(self, k: int) -> int:
        return self.sig[k][0] if k < len(self.sig) else len(self.lines)

    def text(self, k: int) -> str:
        return self.lines[self.sig[k][0]]

    def items(self, start: int, end: int) -> tuple[int, list[tuple[int, int]]] | None:
        """The items of the block sequence in ``sig[start:end]`` (after its ``key:`` line): their
        indentation and (first, end) positions; None when the region is not one such sequence."""
        if start >= end:
            return None
        m = _ITEM.match(self.text(start))
        if m is None:
            return None
        ind = len(m.group(1))
        starts = []
        for k in range(start, end):
            n = self.sig[k][1]
            if n < ind:
                return None
            if n == ind:
                if _ITEM.match(self.text(k)) is None:
                    return None
                starts.append(k)
        return ind, list(zip(starts, [*starts[1:], end], strict=True))

    def region_end(self, start: int, end: int, ind: int) -> int:
        """The end of the value of the key line ``sig[start]`` (indentation ``ind``): the next line
        indented ``ind`` or less, except list items at ``ind`` (a list written at its key's
        indentation)."""
        for k in range(start + 1, end):
            n = self.sig[k][1]
            if n < ind:
                return k
            if n == ind:
                rest = self.text(k)[n:]
                if not (rest.startswith("- ") or rest == "-"):
                    return k
        return end


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _next_item(lines: list[str], i: int) -> re.Match[str] | None:
    """The list item starting on the first line after ``i`` that is not blank or a comment."""
    for line in lines[i + 1:i + 200]:
        if not _blank(line):
            return _ITEM.match(line)
    return None


def _cap(lines: list[str]) -> int:
    """The deepest indentation that can start or end a block: that of the first object list found
    in the first item of a top-level list (``tables:`` items at 2 in ``yaml.safe_dump``'s style, at
    6 in the indented one); other lists deeper than it are left in the skeleton."""
    for i, line in enumerate(lines):
        if line[:1] in ("", " ", "#", "-") or _HEADER.match(line) is None:
            continue
        top = _next_item(lines, i)
        if top is None:
            continue
        keys = len(top.group(1)) + 2
        for k in range(i + 1, len(lines)):
            head = _HEADER.match(lines[k])
            if head is not None and len(head.group(1)) == keys:
                item = _next_item(lines, k)
                if item is not None and len(item.group(1)) >= keys:
                    return len(item.group(1))
        return keys
    return 2


#: Characters whose text is read whole: tabs, and the line breaks YAML counts besides ``\n`` (``\r``,
#: NEL, LS, PS; the lines of a text here are split at ``\n`` only, and positions would disagree).
_NOT_SPLIT = ("\t", "\r", "\x85", "\u2028", "\u2029")


def split(text: str) -> Split | None:
    """The skeleton and blocks of ``text``, or None when its shape is not recognised (module doc)."""
    if any(c in text for c in _NOT_SPLIT) or not text.endswith("\n"):
        return None
    head_lines = text[:200_000].split("\n")
    sl = _Lines(text, _cap(head_lines[:2000]))
    lines = sl.lines
    tops: list[int] = []  # positions in sl.sig of the top-level key lines
    for k, (i, n) in enumerate(sl.sig):
        if n:
            continue
        line = lines[i]
        if line.startswith("- ") and tops and _HEADER.match(sl.text(tops[-1])):
            continue  # an item of a list written at its key's indentation (`key:` / `- item`)
        if _TOP_KEY.match(line) is None:
            return None  # a document marker, a directive, a top-level list or scalar, a quoted key
        tops.append(k)
    blocks: list[tuple[int, int, Path]] = []  # (first line, end line, path of the block) in text order
    for t, start in enumerate(tops):
        end = tops[t + 1] if t + 1 < len(tops) else len(sl.sig)
        head = _HEADER.match(sl.text(start))
        if head is None:
            continue
        seq = sl.items(start + 1, end)
        if seq is None:
            continue
        for idx, (s, e) in enumerate(seq[1]):  # items of a top-level list: their own lists are split
            blocks += _item_blocks(sl, s, e, seq[0], (head.group(2), idx))
    skeleton: list[str] = []
    line_map: list[int] = []
    out: list[Block] = []
    at = 0
    for n, (s, e, path) in enumerate(blocks):
        e = _trimmed(lines, s, e)
        skeleton += lines[at:s]
        line_map += range(at + 1, s + 1)
        m = _ITEM.match(lines[s])
        assert m is not None
        skeleton.append(lines[s][:m.start(2)] + str(n))  # the block's number: checked where it lands
        line_map.append(s + 1)
        out.append(Block("\n".join(lines[s:e]) + "\n", path, s + 1))
        at = e
    skeleton += lines[at:]
    line_map += range(at + 1, len(lines) + 1)
    return Split("\n".join(skeleton) + "\n", line_map, out)


_KEEP = re.compile(r"[|>][1-9]?\+")


def _trimmed(lines: list[str], s: int, e: int) -> int:
    """The end of the block ``lines[s:e]`` without its trailing blank lines and comments indented
    no deeper than its ``- `` (they belong to no block: a line inserted between two blocks changes
    neither). Not when a block scalar keeps its trailing line breaks (``|+``): they are its text."""
    ind = _indent(lines[s])
    end = e
    while end - 1 > s and (not lines[end - 1].strip() or (lines[end - 1].lstrip().startswith("#")
                                                           and _indent(lines[end - 1]) <= ind)):
        end -= 1
    if end != e and _KEEP.search("\n".join(lines[s:end])):
        return e
    return end


def _item_blocks(sl: _Lines, s: int, e: int, ind: int, path: Path) -> list[tuple[int, int, Path]]:
    """The blocks inside one item (``sig[s:e]``) of a top-level list: the items of each ``key:``
    list of its mapping (whose keys sit at ``ind + 2``), as (first, end) line indexes."""
    first = sl.text(s)
    m = _ITEM.match(first)
    if m is None or m.start(2) != ind + 2:
        return []  # `-   key: …`: left whole in the skeleton
    key_ind = ind + 2
    out: list[tuple[int, int, Path]] = []
    k = s
    while k < e:
        if k != s and sl.sig[k][1] != key_ind:
            k += 1
            continue
        end = sl.region_end(k, e, key_ind)
        head = _HEADER.match(" " * key_ind + first[key_ind:] if k == s else sl.text(k))
        if head is not None:
            seq = sl.items(k + 1, end)
            if seq is not None and seq[0] >= key_ind:
                out += [(sl.line(bs), sl.line(be), (*path, head.group(2), j)) for j, (bs, be) in enumerate(seq[1])]
        k = end
    return out


def _stored(loc: Located) -> dict[str, Any]:
    """A block read alone as a cache entry: the item, the first line its positions count from, and
    the (line, column) of each of its values and keys in the order :func:`_walk` visits them (the
    order the YAML reader records them in: the paths need not be stored)."""
    return {"data": loc.data[0], "start": 1, "values": [lc for p, lc in loc.values.items() if p],
            "keys": list(loc.keys.values())}


def _walk(data: Any, path: Path, values: list[Path], keys: list[Path]) -> None:
    """The paths of ``data``'s values and mapping keys, in the order the YAML reader records them
    (depth first, a value before its children, a key just before its value)."""
    values.append(path)
    t = type(data)
    if t is dict:
        for k, v in data.items():
            child = (*path, k)
            keys.append(child)
            _walk(v, child, values, keys)
    elif t is list:
        for i, v in enumerate(data):
            _walk(v, (*path, i), values, keys)


def _restore(value: Any, into: Located, path: Path, line: int) -> Any:
    """Put a stored block's positions into ``into`` (under ``path``, its first line now ``line``);
    its data, or None (nothing put) when the entry is not one this module wrote."""
    try:
        data, start, rows = value["data"], value["start"], (value["values"], value["keys"])
        if type(start) is not int:
            return None
        shift = line - start
        paths: tuple[list[Path], list[Path]] = ([], [])
        _walk(data, path, *paths)
        new: tuple[dict[Path, tuple[int, int]], ...] = ({}, {})
        for table, stored, where in zip(new, rows, paths, strict=True):
            if len(stored) != len(where):
                return None
            for p, (ln, col) in zip(where, stored, strict=True):
                if type(ln) is not int or type(col) is not int:
                    return None
                table[p] = (ln + shift, col)
    except (KeyError, TypeError, ValueError, RecursionError):
        return None
    into.values.update(new[0])
    into.keys.update(new[1])
    return data


def _json_exact(value: Any) -> bool:
    """Whether ``value`` round-trips through JSON unchanged (what a YAML block holds: no dates)."""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return True
    if t is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if t is list:
        return all(_json_exact(v) for v in value)
    if t is dict:
        return all(type(k) is str and _json_exact(v) for k, v in value.items())
    return False


class _Pack:
    """The stored blocks of one spec: one cache entry (one file to read and write instead of one
    per block), mapping each block's key to its located data. What a run uses is kept; the entry
    is written again (by :meth:`Cache.save`) only when a block was added or dropped."""

    def __init__(self, cache: Cache, file: str) -> None:
        self.cache = cache
        self.key = cache.key(_KIND, "pack", file)
        old = cache.get(self.key)
        self.old: dict[str, Any] = old if isinstance(old, dict) else {}
        self.new: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        value = self.old.get(key)
        if value is None:
            self.cache.misses += 1
        else:
            self.cache.hits += 1
            self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value

    def flush(self) -> None:
        if self.new.keys() != self.old.keys():
            self.cache.put(self.key, self.new)


def load_yaml_blocks(text: str, file: str, cache: Cache | None) -> Located:
    """:func:`load_yaml` of ``text``, reading unchanged blocks from ``cache`` (module doc).

    When most blocks are new (a first run, another generator), the text is read whole, as before,
    and its blocks are stored from that reading: reading them one by one would cost more."""
    if cache is None or not cache.enabled:
        return load_yaml(text, file)
    parts = split(text)
    if parts is None or not parts.blocks:
        return load_yaml(text, file)
    pack = _Pack(cache, file)
    try:
        keys = [cache.key(_KIND, b.text) for b in parts.blocks]
        found = [pack.get(k) for k in keys]
        missing = [i for i, v in enumerate(found) if v is None]
        if len(missing) * 2 > len(found):
            whole = load_yaml(text, file)
            _store_from(whole, parts, keys, missing, pack)
            return whole
        return _assemble(text, file, parts, keys, found, pack)
    finally:
        pack.flush()


def _store_from(whole: Located, parts: Split, keys: list[str], which: list[int], cache: _Pack) -> None:
    """Store the blocks ``which`` as the whole text's reading located them. The reader records a
    block's values (and keys) one after the other, so each block is one run of entries. Nothing is
    stored unless each block's entries lie within its own lines: the blocks are then exactly the
    items (a construct spanning two blocks leaves a block without its own item, or with another's),
    and unless the skeleton read alone is the whole reading outside the blocks (:func:`_skeleton_fits`:
    a quoted scalar going on across a column-0 line ``name: y`` ends its block early, and that line
    would become a top-level key of the skeleton)."""
    at = {parts.blocks[i].path: i for i in which if not _anchored(parts.blocks[i].text)}
    if at and not _skeleton_fits(whole, parts):
        return
    rows: dict[int, tuple[list[Any], list[Any]]] = {i: ([], []) for i in at.values()}
    get = at.get
    for table, side, depth in ((whole.values, 0, 4), (whole.keys, 1, 5)):
        run: list[Any] | None = None
        for p, lc in table.items():
            n = len(p)
            if n == depth:
                i = get(p[:4])
                run = None if i is None else rows[i][side]
            elif n < depth:
                run = None
            if run is not None:
                run.append(lc)
    entries = []
    for path, i in at.items():  # every block checked before any is stored: one wrong, all suspect
        block = parts.blocks[i]
        first, last = block.line, block.line + block.text.count("\n") - 1
        values, keys_ = rows[i]
        if not values or any(not first <= ln <= last for ln, _ in values) \
                or any(not first <= ln <= last for ln, _ in keys_):
            return  # e.g. a quoted scalar going on into the next block: the items are not the blocks
        data: Any = whole.data
        try:
            for part in path:
                data = data[part]
        except (KeyError, IndexError, TypeError):
            return
        if _json_exact(data):
            entries.append((keys[i], {"data": data, "start": block.line, "values": values, "keys": keys_}))
    for key, value in entries:
        cache.put(key, value)


def _skeleton_fits(whole: Located, parts: Split) -> bool:
    """Whether the skeleton read alone gives what the whole reading gives outside the blocks: the
    same values (types included) and the same positions of values and keys, each block's item
    where its placeholder is. What a later reading assembles from the skeleton and stored blocks
    is then the whole reading."""
    from ..errors import SpecError

    try:
        skeleton = load_yaml(parts.skeleton, whole.file)
    except SpecError:
        return False
    at = {b.path: n for n, b in enumerate(parts.blocks)}
    lines = parts.lines
    for mine, theirs in ((skeleton.values, whole.values), (skeleton.keys, whole.keys)):
        outside = {p: lc for p, lc in theirs.items() if len(p) <= 4 or p[:4] not in at}
        if outside != {p: (lines[ln - 1], col) for p, (ln, col) in mine.items()}:
            return False
    return _same_outside(skeleton.data, whole.data, (), at)


def _same_outside(skel: Any, data: Any, path: Path, at: dict[Path, int]) -> bool:
    """Whether ``skel`` (the skeleton's data) is ``data`` with each block's item replaced by its
    number (the placeholder)."""
    if path in at:
        return type(skel) is int and skel == at[path]
    if type(skel) is not type(data):
        return False
    if type(skel) is dict:
        return skel.keys() == data.keys() and all(_same_outside(v, data[k], (*path, k), at) for k, v in skel.items())
    if type(skel) is list:
        return len(skel) == len(data) and all(_same_outside(v, d, (*path, i), at)
                                              for i, (v, d) in enumerate(zip(skel, data, strict=True)))
    return bool(skel == data or (skel != skel and data != data))  # NaN is itself


def _assemble(text: str, file: str, parts: Split, keys: list[str], found: list[Any], cache: _Pack) -> Located:
    """The skeleton read now, each block restored from ``found`` or read alone (and stored)."""
    from ..errors import SpecError

    try:
        skeleton = load_yaml(parts.skeleton, file)
    except SpecError:
        return load_yaml(text, file)
    located = Located(data=skeleton.data, file=file)
    lines = parts.lines
    for p, (line, col) in skeleton.values.items():
        located.values[p] = (lines[line - 1], col)
    for p, (line, col) in skeleton.keys.items():
        located.keys[p] = (lines[line - 1], col)
    for n, block in enumerate(parts.blocks):
        value = found[n]
        data = _restore(value, located, block.path, block.line) if value is not None else None
        if data is None:
            if _anchored(block.text):
                return load_yaml(text, file)
            try:
                alone = load_yaml(block.text, file)
            except SpecError:
                return load_yaml(text, file)  # its error, or one spanning blocks, as the whole text says
            if not (isinstance(alone.data, list) and len(alone.data) == 1):
                return load_yaml(text, file)
            stored = _stored(alone)
            if _json_exact(stored["data"]):
                cache.put(keys[n], stored)
            data = _restore(stored, located, block.path, block.line)
        target = located.data
        try:
            for part in block.path[:-1]:
                target = target[part]
            here = target[block.path[-1]]
            if type(here) is not int or here != n:  # the placeholder of another block: not ours
                return load_yaml(text, file)
            target[block.path[-1]] = data
        except (KeyError, IndexError, TypeError):
            return load_yaml(text, file)
    return located
