"""The spec read block by block with a cache (generator/spec/blocks.py).

What must hold: the located data (values, and the line and column of every value and key) is
exactly what reading the whole text gives, with the cache cold, warm, after lines were inserted
above cached blocks, and with damaged entries; so are the validated spec and the located errors.
Shapes the splitter does not recognise are read whole.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from generator.cache import CACHE_DIR, Cache
from generator.errors import SpecError
from generator.spec import blocks
from generator.spec.load import load_spec, validate_located
from generator.spec.yamlpos import Located, load_yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


def specs() -> list[Path]:
    found = sorted(CASES.glob("*/schema.yaml")) + sorted(CASES.glob("evolution/*/*.yaml"))
    return [ROOT / "schema.yaml", *found]


def synth(n: int) -> str:
    """The benchmark's spec of ``n`` tables (yaml.safe_dump's style: lists at their key's indentation)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate_scale
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return yaml.safe_dump(generate_scale.synth_spec(n), sort_keys=False)


def same(a: Located, b: Located) -> None:
    assert a.data == b.data
    assert a.values == b.values
    assert a.keys == b.keys
    assert a.file == b.file


def cache_in(tmp_path: Path) -> Cache:
    return Cache.for_out(tmp_path / "out")


def warmed(tmp_path: Path, text: str) -> None:
    """Store every block of ``text``: read block by block (not whole: fewer than half are new)."""
    cache = cache_in(tmp_path)
    parts = blocks.split(text)
    assert parts is not None
    found = [None] * len(parts.blocks)
    keys = [cache.key(blocks._KIND, b.text) for b in parts.blocks]
    pack = blocks._Pack(cache, "schema.yaml")
    blocks._assemble(text, "schema.yaml", parts, keys, found, pack)
    pack.flush()
    (tmp_path / "out").mkdir(parents=True, exist_ok=True)
    cache.save()


def stored(cache: Cache, file: str = "schema.yaml") -> dict[str, object]:
    """The blocks stored for ``file`` (their pack entry), by key."""
    value = cache.get(cache.key(blocks._KIND, "pack", file))
    return value if isinstance(value, dict) else {}


def shifted(text: str, seed: int) -> str:
    """``text`` with comment and blank lines inserted at random block starts and at the top."""
    parts = blocks.split(text)
    assert parts is not None
    lines = text.split("\n")
    rng = random.Random(seed)
    starts = sorted({b.line - 1 for b in parts.blocks} | {0})
    for at in sorted(rng.sample(starts, min(5, len(starts))), reverse=True):
        lines[at:at] = ["# inserted", ""] * rng.randint(1, 3)
    return "\n".join(lines)


@pytest.mark.parametrize("spec", specs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_cold_warm_and_shifted_read_as_the_whole_text(spec: Path, tmp_path: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    whole = load_yaml(text, "schema.yaml")
    cache = cache_in(tmp_path)
    same(blocks.load_yaml_blocks(text, "schema.yaml", cache), whole)  # cold: read whole, blocks stored
    (tmp_path / "out").mkdir()
    cache.save()
    parts = blocks.split(text)
    for attempt in range(3):
        edited = shifted(text, attempt) if attempt else text
        cache = cache_in(tmp_path)
        got = blocks.load_yaml_blocks(edited, "schema.yaml", cache)
        same(got, load_yaml(edited, "schema.yaml"))
        if parts is not None and parts.blocks:
            assert cache.hits >= len(parts.blocks) - 1, "unchanged blocks are read from the cache"
    try:
        expected = validate_located(whole).spec
    except SpecError:
        return
    assert validate_located(blocks.load_yaml_blocks(text, "schema.yaml", cache_in(tmp_path))).spec == expected


def test_the_platform_and_the_benchmark_are_split() -> None:
    """The shapes that matter are recognised: the indented style and yaml.safe_dump's."""
    platform = blocks.split((ROOT / "schema.yaml").read_text(encoding="utf-8"))
    assert platform is not None and len(platform.blocks) > 20
    assert {b.path[2] for b in platform.blocks} >= {"tables", "functions", "views"}
    bench = blocks.split(synth(20))
    assert bench is not None and len(bench.blocks) == 22  # tenants, 20 tables and the trigger function
    text = synth(20)
    for block in bench.blocks:
        assert text.split("\n")[block.line - 1] == block.text.split("\n")[0]


def test_blocks_read_alone_and_stored_from_the_whole_text_agree(tmp_path: Path) -> None:
    """The two ways a block gets stored (read alone; cut out of the whole text's reading) store
    the same entry."""
    text = (ROOT / "schema.yaml").read_text(encoding="utf-8")
    warmed(tmp_path / "a", text)
    blocks.load_yaml_blocks(text, "schema.yaml", cache := cache_in(tmp_path / "b"))
    (tmp_path / "b" / "out").mkdir(parents=True)
    cache.save()
    a, b = stored(cache_in(tmp_path / "a")), stored(cache_in(tmp_path / "b"))
    assert a.keys() == b.keys() and len(a) > 20

    def relative(entry: dict) -> tuple:
        shift = entry["start"] - 1
        return (entry["data"], [[ln - shift, col] for ln, col in entry["values"]],
                [[ln - shift, col] for ln, col in entry["keys"]])

    assert {k: relative(v) for k, v in a.items()} == {k: relative(v) for k, v in b.items()}


def test_an_error_below_a_cached_block_keeps_its_line(tmp_path: Path) -> None:
    """Lines inserted above cached blocks; an error in a later block (changed, so read now) and
    one in a cached block are reported at the same file:line:col as reading the whole text."""
    text = synth(30)
    warmed(tmp_path, text.replace("  - name: t00020\n", "  - name: t00020\n    nullable: maybe\n"))
    bad = text.replace("  - name: t00003\n", "  - name: t00003\n    colums: []\n")  # unknown key, block 5
    bad = bad.replace("  - name: t00020\n", "  - name: t00020\n    nullable: maybe\n")  # cached, pydantic error
    bad = bad.replace("  - name: t00001\n", "# a comment\n\n# and another\n  - name: t00001\n")
    spec = tmp_path / "schema.yaml"
    spec.write_text(bad, encoding="utf-8")
    with pytest.raises(SpecError) as plain:
        load_spec(spec, display="schema.yaml")
    cache = cache_in(tmp_path)
    with pytest.raises(SpecError) as cached:
        load_spec(spec, display="schema.yaml", cache=cache)
    assert cache.hits > 20
    assert [str(p) for p in cached.value.problems] == [str(p) for p in plain.value.problems]
    lines = bad.split("\n")
    where = {p.message.split(":")[0]: p.pos for p in plain.value.problems if p.pos}
    assert any(lines[pos.line - 1][pos.col - 1:].startswith("colums") for pos in where.values())
    assert any("nullable" in lines[pos.line - 1] for pos in where.values())


def test_damaged_and_foreign_entries_are_ignored(tmp_path: Path) -> None:
    text = synth(12)
    expected = load_yaml(text, "schema.yaml")
    warmed(tmp_path, text)
    folder = tmp_path / "out" / CACHE_DIR
    entries = [p for p in folder.iterdir() if len(p.name) == 64]
    assert len(entries) == 1 and len(stored(cache_in(tmp_path))) == 14
    good = entries[0].read_bytes()
    flipped = bytearray(good)
    flipped[-5] ^= 1
    for damaged in (good[:-20], bytes(flipped), b"", good.replace(b"schemagen-cache", b"schemagen-cachE", 1)):
        entries[0].write_bytes(damaged)
        cache = cache_in(tmp_path)
        same(blocks.load_yaml_blocks(text, "schema.yaml", cache), expected)
        assert cache.hits == 0
    entries[0].write_bytes(good)
    foreign = cache_in(tmp_path)  # a valid pack, under the key of another spec file
    foreign.put(foreign.key(blocks._KIND, "pack", "other.yaml"), stored(foreign))
    foreign.save()
    entries[0].unlink()
    cache = cache_in(tmp_path)
    same(blocks.load_yaml_blocks(text, "schema.yaml", cache), expected)
    assert cache.hits == 0


def test_an_entry_that_hashes_right_but_holds_nonsense_is_read_again(tmp_path: Path) -> None:
    """A pack written by another program (its hash fits, its values are not blocks')."""
    text = synth(4)
    warmed(tmp_path, text)
    cache = cache_in(tmp_path)
    pack = stored(cache)
    nonsense = [{"data": 1}, {"values": "x"}, None, {}, {"data": 1, "values": [[[], "1", 1]], "keys": []},
                {"data": 1, "values": [], "keys": []}]
    for i, key in enumerate(list(pack)):
        pack[key] = nonsense[i % len(nonsense)]
    cache.put(cache.key(blocks._KIND, "pack", "schema.yaml"), pack)
    cache.save()
    for value in (pack, [1, 2], "x"):
        cache = cache_in(tmp_path)
        cache.put(cache.key(blocks._KIND, "pack", "schema.yaml"), value)
        cache.save()
        same(blocks.load_yaml_blocks(text, "schema.yaml", cache_in(tmp_path)), load_yaml(text, "schema.yaml"))


SHAPES = {
    "anchor across blocks": synth(3).replace("  - name: t00000\n", "  - name: t00000\n    comment: &c x\n")
                                    .replace("  - name: t00001\n", "  - name: t00001\n    comment: *c\n"),
    "tab": synth(3).replace("  - name: t00001\n", "  - name: t00001\t\n"),
    "document marker": "---\n" + synth(3),
    "merge key": synth(3).replace("  - name: t00001\n", "  - <<: {comment: x}\n    name: t00001\n"),
    "flow list spanning items": synth(3).replace("  - name: t00001\n", "  - name: [t00001,\n  - x]\n"),
    "unclosed quote": synth(3).replace("  - name: t00001\n", "  - name: \"t00001\n  - x\"\n"),
    # line breaks YAML counts and a split at "\n" does not: an IndexError (a traceback) before, when
    # one was above the blocks (found by tests/test_hostile_property.py, in a project description)
    **{f"{name} in a quoted scalar {where}": synth(3).replace(line, line + f"{indent}comment: 'x{c}    '\n", 1)
       for name, c in (("NEL", "\x85"), ("LS", "\u2028"), ("PS", "\u2029"))
       for where, line, indent in (("above the blocks", "  types: true\n", "  "),
                                   ("in a block", "  - name: t00001\n", "    "))},
}


@pytest.mark.parametrize("name", SHAPES)
def test_shapes_not_recognised_read_as_the_whole_text(name: str, tmp_path: Path) -> None:
    text = SHAPES[name]
    warmed(tmp_path, synth(3))
    cache = cache_in(tmp_path)
    try:
        whole: Located | str = load_yaml(text, "schema.yaml")
    except SpecError as exc:
        whole = str(exc.problems)
    try:
        got: Located | str = blocks.load_yaml_blocks(text, "schema.yaml", cache)
    except SpecError as exc:
        got = str(exc.problems)
    if isinstance(whole, str) or isinstance(got, str):
        assert got == whole
    else:
        same(got, whole)
    parts = blocks.split(text)
    for block in parts.blocks if parts else []:
        if blocks._anchored(block.text):  # a block holding an anchor or alias is never stored
            pending = cache.pending.get(cache.key(blocks._KIND, "pack", "schema.yaml"), b"")
            assert cache.key(blocks._KIND, block.text).encode() not in pending
    if name == "anchor across blocks":
        assert parts is not None and sum(blocks._anchored(b.text) for b in parts.blocks) == 2


def test_the_cache_off_reads_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = synth(3)
    monkeypatch.setenv("SCHEMAGEN_NO_CACHE", "1")
    cache = cache_in(tmp_path)
    same(blocks.load_yaml_blocks(text, "schema.yaml", cache), load_yaml(text, "schema.yaml"))
    assert not cache.pending and cache.hits == cache.misses == 0


def test_check_reads_blocks_but_never_writes_them(tmp_path: Path) -> None:
    """``generate`` stores the blocks; ``check`` after an edit reads them and writes nothing."""
    from typer.testing import CliRunner

    from generator.cli import app

    runner = CliRunner()
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(CASES / "rls_policies" / "schema.yaml", spec)
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()}
    parts = blocks.split(spec.read_text(encoding="utf-8"))
    assert parts is not None and parts.blocks
    cache = Cache.for_out(out)
    assert set(stored(cache, str(spec))) == {cache.key(blocks._KIND, b.text) for b in parts.blocks}
    spec.write_text("# edited\n" + spec.read_text(encoding="utf-8"), encoding="utf-8")
    done = runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)])
    assert done.exit_code == 0, done.output  # a comment: the same spec
    assert {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()} == before


def test_a_quote_spanning_blocks_is_never_stored_from_the_whole_text(tmp_path: Path) -> None:
    """A double-quoted scalar may go on across a line that looks like the next item (PyYAML reads
    it so): the split is then wrong. Storing blocks cut out of the whole text's reading must not
    store any of them (here ``a`` would hold ``b`` inside its comment, and ``b`` read alone would
    be a table of its own)."""
    good = "".join(f"  - name: p{i}\n    columns: []\n" for i in range(6))
    text = ("migrations:\n- number: 1\n  name: init\n  tables:\n" + good
            + '  - name: a\n    comment: "x\n  - name: b\n    comment: y"\n  - name: c\n    columns: []\n')
    whole = load_yaml(text, "schema.yaml")
    assert len(whole.data["migrations"][0]["tables"]) == 8
    parts = blocks.split(text)
    assert parts is not None and len(parts.blocks) == 9
    for _ in range(3):
        cache = cache_in(tmp_path)
        same(blocks.load_yaml_blocks(text, "schema.yaml", cache), whole)
        (tmp_path / "out").mkdir(exist_ok=True)
        cache.save()
