"""Property: reading the spec block by block (generator/spec/blocks.py) is reading it whole.

Hypothesis draws spec-shaped YAML texts (``version``, ``project``, ``migrations:`` with
``number``, ``name`` and object lists whose items are mappings) whose item values are adversarial:
multi-line plain and quoted scalars with continuation lines at column 0, at the list items'
indentation and looking like ``- name: x`` or ``key:``; block scalars (``|``, ``>``, ``|-``,
``|+``, ``|2``) whose lines look like items; comments at odd indentations; flow collections over
several lines; anchors, aliases and merge keys; empty items; duplicate keys; unclosed quotes; the
same values under migration keys that are not lists (``notes:``) and top-level keys before and after
``migrations:``; plain items after the adversarial ones (so that most blocks come from the cache and
a wrong stored block is used, not read again whole); and, over the whole text, tabs, CRLF, document
markers and comment lines anywhere. A quarter of the texts are "wild" (mostly invalid YAML), the
rest keep scalars mostly valid (about two thirds of all texts are valid).

For each text, with a cold cache, the same text again (the real sequence: a read that stores the
blocks, ``save``, another read), after a chain of edits (lines inserted above a block, one block's
scalar changed, items reordered or deleted: the changed blocks are read alone and stored), and with
every block stored by reading it alone, :func:`load_yaml_blocks` must give exactly what
:func:`load_yaml` gives for the whole text: equal data (types included: int, str, bool, None,
float, date), equal ``values`` and ``keys`` position maps, or SpecErrors with equal problems.

``SCHEMAGEN_BLOCKS_EXAMPLES`` sets the number of examples (800 by default, what CI runs: ~15 s);
``SCHEMAGEN_HYPOTHESIS_SEED`` fixes the seed (``random`` draws a new one), as in
tests/verify/test_evolution_properties.py. A longer run:
``SCHEMAGEN_BLOCKS_EXAMPLES=5000 SCHEMAGEN_HYPOTHESIS_SEED=random pytest tests/test_spec_blocks_property.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from generator.cache import Cache
from generator.errors import SpecError
from generator.spec import blocks
from generator.spec.yamlpos import load_yaml

EXAMPLES = int(os.environ.get("SCHEMAGEN_BLOCKS_EXAMPLES", "800"))
_SEED_TEXT = os.environ.get("SCHEMAGEN_HYPOTHESIS_SEED", "20261130")
SEED = int.from_bytes(os.urandom(4), "big") if _SEED_TEXT == "random" else int(_SEED_TEXT)
FILE = "schema.yaml"

PLAIN = ["x", "t1", "1", "-1", "1.5", "1e3", ".inf", ".nan", "0x1F", "0o17", "true", "yes", "off", "null",
         "~", "2024-01-02", "2001-12-14t21:59:43.10-05:00", "a # comment", "a#b", "'a # b'", '"a # b"',
         "'it''s'", '"\\u00e9\\n"', "a: b", "- x", "[]", "{}", "[a, b]", "{a: 1}", "!!str 1", "!foo x",
         "&a x", "*a", "&b [1, 2]", "|", ">-", "'", '"', "@x", "`x", "%x", "? x", "x:", "'1'"]
LINES = ["b", "- name: x", "name: y", "key:", "# c", "", "- x", "c # d", "'", '"', "z'", 'z"', "&a q",
         "*a", "<<: *a", "]", "}", "---", "...", "  - name: y", "- |", "k: |"]
#: Keys of a migration written with a value (not a list of items), and where the migrations go in the head.
NOT_LISTS = ("notes", "rollback")
MIGRATIONS = "@migrations"
HEADERS = ["|", ">", "|-", "|+", ">-", "|2", ">1", "|+2", "| # c", "|4"]


#: Continuation lines that keep a scalar valid YAML (mostly): no quotes, deeper than the item's keys.
TAME = ["b", "- name: x", "name: y", "key:", "# c", "", "- x", "c # d", "  - name: y", "k: |", "---", "..."]


def _indents(item: int, wild: bool = True) -> st.SearchStrategy[int]:
    if not wild:
        return st.sampled_from([item + 3, item + 4, item + 6])
    return st.sampled_from([0, 1, item, item + 1, item + 2, item + 4, item + 6])


@st.composite
def continuation(draw: st.DrawFn, item: int, wild: bool, n: int = 3) -> list[str]:
    return [" " * draw(_indents(item, wild)) + draw(st.sampled_from(LINES if wild else TAME))
            for _ in range(draw(st.integers(0, n)))]


@st.composite
def value(draw: st.DrawFn, key: int, item: int, wild: bool) -> list[str]:
    """The text after ``key: `` (first element) and the lines following it, for a key at column ``key``."""
    kind = draw(st.sampled_from(["plain", "plain", "multi", "single", "double", "block", "flow", "map",
                                 "seq", "empty"]))
    if kind == "plain":
        return [draw(st.sampled_from(PLAIN if wild else PLAIN[:PLAIN.index("a: b")]))]
    if kind == "multi":
        more = draw(continuation(item, wild))
        return [draw(st.sampled_from(["a", "b c", "x #"])), *(more if wild else [x for x in more if ":" not in x])]
    if kind in ("single", "double"):
        q = "'" if kind == "single" else '"'
        end = draw(st.sampled_from([q, q, "", f"{q} # c", f"{q}{q}", "\\"] if wild else [q, f"{q} # c"]))
        # PyYAML reads a quoted scalar on across lines at any indentation, even `- name: x` at the items'
        more = [" " * draw(_indents(item)) + draw(st.sampled_from(LINES if wild else [*TAME, "- name: x"] * 2))
                for _ in range(draw(st.integers(0, 3)))]
        return [q + "a", *more, " " * draw(_indents(item)) + "z" + end]
    if kind == "block":
        deeper = key + draw(st.sampled_from([1, 2, 2, 4]))
        body = [(" " * deeper if line else "") + line for line in
                draw(st.lists(st.sampled_from(LINES if wild else TAME), max_size=4))]
        return [draw(st.sampled_from(HEADERS)), *body, *(draw(continuation(item, wild, 1)) if wild else [])]
    if kind == "flow":
        open_, close = draw(st.sampled_from([("[", "]"), ("{", "}")]))
        inner = ["a,", "b: 1,", "- x", "# c", "", "'q", "c"]
        if not wild:
            inner = ["a,", "b: 1,", "# c", "", "c,", "'- x',"]
        lines = [" " * draw(_indents(item, wild)) + draw(st.sampled_from(inner))
                 for _ in range(draw(st.integers(0, 3)))]
        ends = [close, "", close + " # c"] if wild else [close, close + " # c"]
        return [open_ + "x,", *lines, " " * draw(_indents(item, wild)) + draw(st.sampled_from(ends))]
    if kind == "map":
        ind = key + draw(st.sampled_from([1, 2, 4]))
        pairs = draw(st.lists(st.sampled_from(["k: v", "n: 1", "<<: *a", "<<: {m: 1}", "k: &a {z: 2}",
                                               "d: 2020-01-01", "# c", "k: v"] if wild else
                                              ["k: v", "n: 1", "<<: {m: 1}", "j: &a {z: 2}", "d: 2020-01-01",
                                               "# c", "<<: [{q: 1}, {r: 2}]"]),
                              min_size=1, max_size=3, unique=not wild))
        return ["", *(" " * ind + p for p in pairs)]
    if kind == "seq":
        ind = key + draw(st.sampled_from([0, 2]))
        return ["", *(" " * ind + "- " + draw(st.sampled_from(PLAIN[:12])) for _ in range(draw(st.integers(1, 3))))]
    return [""]


@st.composite
def item(draw: st.DrawFn, ind: int, n: int, wild: bool) -> list[str]:
    """One item of an object list, its ``- `` at column ``ind``."""
    key = ind + 2
    if wild and draw(st.integers(0, 12)) == 0:
        return [" " * ind + draw(st.sampled_from(["- x", "-", "- {name: f}", "- [a,", "- # c", "- &a name: z"]))]
    lines = [" " * ind + f"- name: t{n}"]
    names = ["comment", "columns", "name", "body", "<<", "check", "x"] if wild else ["comment", "columns", "body",
                                                                                      "check", "x", "y"]
    for k in draw(st.lists(st.sampled_from(names), max_size=3, unique=not wild)):
        v = draw(value(key, ind, wild))
        lines.append(" " * key + f"{k}:" + (" " + v[0] if v[0] else ""))
        lines += v[1:]
        if draw(st.integers(0, 5)) == 0:
            comment = "# " + draw(st.sampled_from(["c", "- name: q", "k:"]))
            lines.append(" " * draw(_indents(ind, wild or draw(st.booleans()))) + comment)
    return lines


@st.composite
def spec(draw: st.DrawFn) -> tuple[list[str], list[list[list[list[str]]]], list[list[str]], int, int, bool]:
    """The text's parts: head lines, for each migration its lists of items (each item its lines),
    each migration's list keys, and the indentations (of the migrations' items, of the object
    lists' items below their key)."""
    mig = draw(st.sampled_from([0, 2]))
    wild = draw(st.integers(0, 3)) == 0  # a quarter of the texts go anywhere (most are invalid)
    below = draw(st.sampled_from([0, 2, 2]))
    head = ["version: 1", "project:", "  name: p"]
    if draw(st.booleans()):
        head.insert(0, "# a spec")
    if draw(st.booleans()):  # a top-level scalar whose lines may look like the migrations' items
        v = draw(value(2, 0, wild))
        head += ["  description:" + (" " + v[0] if v[0] else ""), *v[1:]]
    head.append(MIGRATIONS)
    if draw(st.booleans()):
        v = draw(value(0, 0, wild))
        head += ["outputs:" + (" " + v[0] if v[0] else ""), *v[1:]]
    migrations: list[list[list[list[str]]]] = []
    keys: list[list[str]] = []
    n = 0
    for _ in range(draw(st.integers(1, 2))):
        names = draw(st.lists(st.sampled_from(["tables", "views", "functions", "enums", "notes", "rollback"]),
                              min_size=1, max_size=3, unique=True))
        lists = []
        for name in names:
            if name in NOT_LISTS:  # a migration's key holding a value: one pseudo-item, its lines
                lists.append([draw(value(mig + 2, mig, wild))])
                continue
            items = []
            for _ in range(draw(st.integers(0, 4))):
                items.append(draw(item(mig + 2 + below, n, wild)))
                n += 1
            # plain items last: the blocks stored from a reading are then most of them, so a wrong one is
            # used in the next reading, not read again whole (more than half new)
            items += [[" " * (mig + 2 + below) + f"- name: p{n}_{k}", " " * (mig + 4 + below) + "columns: []"]
                      for k in range(draw(st.sampled_from([0, 0, 3, 8])))]
            lists.append(items)
        migrations.append(lists)
        keys.append(names)
    return head, migrations, keys, mig, below, wild


def render(parts: tuple[list[str], list[list[list[list[str]]]], list[list[str]], int, int, bool]) -> str:
    head, migrations, keys, mig, _below, _wild = parts
    at = head.index(MIGRATIONS)
    lines = [*head[:at], "migrations:"]
    for m, (lists, names) in enumerate(zip(migrations, keys, strict=True)):
        lines += [" " * mig + f"- number: {m + 1}", " " * (mig + 2) + f"name: m{m + 1}"]
        for name, items in zip(names, lists, strict=True):
            if name in NOT_LISTS and items:
                v = items[0]
                lines += [" " * (mig + 2) + f"{name}:" + (" " + v[0] if v and v[0] else ""), *v[1:]]
                continue
            lines.append(" " * (mig + 2) + f"{name}:" + ("" if items else " []"))
            for it in items:
                lines += it
    return "\n".join([*lines, *head[at + 1:]]) + "\n"


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A spec text and a chain of edited versions of it."""
    parts = draw(spec())
    text = render(parts)
    head, migrations, keys, mig, below, wild = parts
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        where = [(m, li) for m, lists in enumerate(migrations) for li, items in enumerate(lists) if items]
        kind = draw(st.sampled_from(["insert", "change", "reorder", "delete", "lines"]))
        if kind == "insert" or not where:
            lines = render((head, migrations, keys, mig, below, wild)).split("\n")
            at = draw(st.integers(0, len(lines) - 1))
            lines[at:at] = [" " * draw(st.sampled_from([0, 1, 2, 4, 6])) + draw(st.sampled_from(["# inserted", ""]))
                            for _ in range(draw(st.integers(1, 3)))]
            edits.append("\n".join(lines))
            continue
        m, li = draw(st.sampled_from(where))
        items = [list(it) for it in migrations[m][li]]
        j = draw(st.integers(0, len(items) - 1))
        if kind == "change":
            k = draw(st.integers(0, len(items[j]) - 1))
            items[j][k] = items[j][k] + draw(st.sampled_from(["x", " # c", "1", "'", ":"]))
        elif kind == "reorder":
            items.insert(draw(st.integers(0, len(items) - 1)), items.pop(j))
        elif kind == "delete":
            items.pop(j)
        else:
            items[j] = draw(item(mig + 2 + below, 100 + j, wild))
        migrations = [[list(x) for x in lists] for lists in migrations]
        migrations[m][li] = items
        edits.append(render((head, migrations, keys, mig, below, wild)))
    if draw(st.integers(0, 8)) == 0:  # shapes the splitter must refuse
        how = draw(st.sampled_from(["tab", "crlf", "doc", "directive", "no newline", "top list"]))
        last = edits[-1]
        edits.append({"tab": last.replace("  - name", "\t- name", 1), "crlf": last.replace("\n", "\r\n"),
                      "doc": "---\n" + last + "...\n", "directive": "%YAML 1.1\n---\n" + last,
                      "no newline": last.rstrip("\n"), "top list": last + "- x\n"}[how])
    return text, edits


def typed(data: Any) -> Any:
    """``data`` with each value's type beside it (``1``, ``True`` and ``1.0`` compare equal)."""
    if isinstance(data, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in data.items()])
    if isinstance(data, list):
        return ("list", [typed(v) for v in data])
    return (type(data).__name__, repr(data))


def outcome(read: Any) -> Any:
    try:
        loc = read()
    except SpecError as exc:
        return ("error", [str(p) for p in exc.problems])
    return ("ok", typed(loc.data), loc.values, loc.keys, loc.file)


def cache_in(folder: Path) -> Cache:
    return Cache.for_out(folder / "out")


def read_as_whole(text: str, folder: Path) -> None:
    """``text`` read block by block with the cache of ``folder`` is ``text`` read whole; the cache
    is then saved as ``generate`` saves it."""
    cache = cache_in(folder)
    got = outcome(lambda: blocks.load_yaml_blocks(text, FILE, cache))
    assert got == outcome(lambda: load_yaml(text, FILE)), text
    (folder / "out").mkdir(parents=True, exist_ok=True)
    cache.save()


def warmed(folder: Path, text: str) -> None:
    """Every block of ``text`` stored by reading it alone (not cut out of the whole reading)."""
    parts = blocks.split(text)
    if parts is None or not parts.blocks:
        return
    cache = cache_in(folder)
    keys = [cache.key(blocks._KIND, b.text) for b in parts.blocks]
    pack = blocks._Pack(cache, FILE)
    try:
        blocks._assemble(text, FILE, parts, keys, [None] * len(parts.blocks), pack)
    except SpecError:
        pass
    pack.flush()
    (folder / "out").mkdir(parents=True, exist_ok=True)
    cache.save()


def check(text: str, edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "a"
        read_as_whole(text, folder)  # cold: read whole, blocks cut out of that reading stored
        read_as_whole(text, folder)  # warm
        for edited in edits:  # changed blocks read alone (and stored)
            read_as_whole(edited, folder)
        read_as_whole(edits[-1], folder)
        read_as_whole(text, folder)
        alone = Path(tmp) / "b"
        warmed(alone, text)
        read_as_whole(text, alone)
        for edited in edits:
            read_as_whole(edited, alone)


#: Found by this property (shrunk): a single-quoted scalar going on across a column-0 line that looks
#: like a top-level key. The splitter ends the block before that line; the first reading stored the
#: block (its values lie in its lines), and the next one read the skeleton's ``name: y z'`` as a
#: top-level key the whole text does not have.
QUOTE_OVER_TOP_KEY = ("version: 1\nproject:\n  name: p\nmigrations:\n- number: 1\n  name: m1\n  tables:\n"
                      "  - name: t0\n    comment: 'a\nname: y\n z'\n     # c\n")
#: The same as a double-quoted scalar over the next item's line (tests/test_spec_blocks.py has it too),
#: with fewer items after it than the first reading stores before it.
QUOTE_OVER_ITEM = ("migrations:\n- number: 1\n  name: init\n  tables:\n"
                   + "".join(f"  - name: p{i}\n    columns: []\n" for i in range(6))
                   + '  - name: a\n    comment: "x\n  - name: b\n    comment: y"\n  - name: c\n    columns: []\n')


def test_a_quote_over_a_top_level_key_line_is_never_stored() -> None:
    check(QUOTE_OVER_TOP_KEY, ["# inserted\n" + QUOTE_OVER_TOP_KEY])
    with tempfile.TemporaryDirectory() as tmp:
        cache = cache_in(Path(tmp))
        blocks.load_yaml_blocks(QUOTE_OVER_TOP_KEY, FILE, cache)
        assert not cache.pending, "the split is wrong: no block of it may be stored"


@seed(SEED)
@example((QUOTE_OVER_TOP_KEY, ["# inserted\n" + QUOTE_OVER_TOP_KEY]))
@example((QUOTE_OVER_ITEM, [QUOTE_OVER_ITEM.replace("p5", "p5x")]))
@settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts())
def test_blocks_read_as_the_whole_text(case: tuple[str, list[str]]) -> None:
    check(*case)
