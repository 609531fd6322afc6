"""The object-kind registry is complete, and it is the only place that lists kinds.

(a) Every :class:`Kind` is registered by exactly one module of ``generator/kinds/``, with its own
ir class and a template folder that exists.

(b) No module outside ``generator/kinds/`` compares a kind with a string or lists kinds. The rule,
on the AST of every module of the ``generator`` package:

- a comparison (``==``, ``!=``, ``in``, ``not in``) where one side is *kind-like* (a name or
  attribute ending in ``kind``, ``x["kind"]``, ``x.kind.value``) and another side is a string
  constant, or a tuple/list/set of string constants, naming a kind (``"table"``, ...);
- a call of something named ``*kind*``, ``children`` or ``ObjectId`` with a string constant
  naming a kind (``model.of_kind("table")``: write ``Kind.TABLE``);
- a literal listing kinds: a tuple/list/set of two or more elements that are all kind words or
  all ``Kind.X`` members, a dict whose keys are two or more kind words or ``Kind.X`` members, or a
  call with two or more ``Kind.X`` arguments (``of_kind(Kind.VIEW, Kind.MATERIALIZED_VIEW)``): ask
  the registry for the kinds with a fact instead (:func:`generator.kinds.kinds_where`).

Comparing with one ``Kind.X`` member (``oid.kind is Kind.FUNCTION``) is allowed: one kind is meant.
Strings that are catalog data are not kinds and are not caught: ``relkind = 'r'`` inside SQL text
is no comparison in Python, ``"foreign table"`` is not one of our kinds, and a list that mixes kind
words with other words (``("column", "constraint", "policy")``) is not a list of kinds. Where a
catalog word happens to spell one of our kinds (verify's snapshot calls ``pg_type`` entries
``type``), the line says so with a ``# catalog word`` comment and is not counted.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from generator.kinds import Kind, kind_def, kind_defs
from generator.render.stats import Counts

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"
TEMPLATES = ROOT / "templates" / "sql"

#: Modules other branches are converting concurrently (helpers "ops" and "irstage"). The lead
#: removes each entry once its branch is merged; the test then holds for the whole package.
PENDING_OTHER_BRANCHES = {
    "generator/ir/",
}

KIND_WORDS = frozenset(k.value for k in Kind)


# --- (a) every kind is registered once, completely ----------------------------------------------


def _registered_in() -> dict[str, list[str]]:
    """For each ``Kind`` member name, the modules of generator/kinds/ that register it."""
    found: dict[str, list[str]] = {}
    for path in sorted((PACKAGE / "kinds").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "KindDef":
                for kw in node.keywords:
                    if kw.arg == "kind" and isinstance(kw.value, ast.Attribute):
                        found.setdefault(kw.value.attr, []).append(path.name)
    return found


def test_every_kind_is_registered_by_exactly_one_module() -> None:
    found = _registered_in()
    assert set(found) == set(Kind.__members__), found
    assert all(len(modules) == 1 for modules in found.values()), found


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.name)
def test_every_kind_has_its_ir_class_and_templates(kind: Kind) -> None:
    d = kind_def(kind)
    assert d.kind is kind
    assert isinstance(d.ir, type)
    assert d.namespace in ("relation", "function", "scoped", "own")
    assert d.plural, f"{kind}: no plural"
    folder = TEMPLATES / d.template_dir
    assert folder.is_dir(), f"{kind}: templates/sql/{d.template_dir}/ missing"
    assert (folder / "create.sql.j2").is_file(), f"{kind}: no create template in {folder}"


def test_ir_classes_are_not_shared() -> None:
    classes = [d.ir for d in kind_defs()]
    assert len(classes) == len(set(classes))


def test_facts_the_stages_rely_on() -> None:
    """Docs sections are distinct; a kind with columns has an ir with columns; every Postgres object
    kind has a statistics counter (its plural), so a new kind is counted or this test says so."""
    sections = [d.docs_section for d in kind_defs() if d.docs_section]
    assert len(sections) == len(set(sections))
    for d in kind_defs():
        assert d.columns in (None, "declared", "query"), d.kind
        if d.columns:
            assert "columns" in {f.name for f in dataclasses.fields(d.ir)}, d.kind
        if d.keyword is not None:
            assert d.plural.replace(" ", "_") in Counts.__dataclass_fields__, f"{d.kind}: not counted"


# --- (b) no kind string comparison or kind list outside the registry -------------------------------


def _kind_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr.lower().endswith("kind") or (node.attr == "value" and _kind_like(node.value))
    if isinstance(node, ast.Name):
        return node.id.lower().endswith("kind")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value).lower().endswith("kind")
    return False


def _words(node: ast.expr) -> list[str] | None:
    """The string constants of ``node`` (a constant or a tuple/list/set of them), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return words if len(words) == len(node.elts) else None
    return None


def _is_member(node: ast.expr | None) -> bool:
    """``Kind.X``."""
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Kind"
            and node.attr in Kind.__members__)


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


CATALOG_MARK = "# catalog word"


def kind_listings(source: str) -> list[tuple[int, str]]:
    """The kind string comparisons and kind lists in ``source`` (line, code)."""
    found: list[tuple[int, str]] = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        hit = False
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            hit = any(_kind_like(s) for s in sides) and any(
                (w := _words(s)) is not None and KIND_WORDS.issuperset(w) for s in sides)
        elif isinstance(node, ast.Call):
            name = _callee(node)
            args = [*node.args, *(k.value for k in node.keywords)]
            if "kind" in name.lower() or name in ("children", "ObjectId"):
                hit = any(isinstance(a, ast.Constant) and a.value in KIND_WORDS for a in args)
            hit = hit or sum(_is_member(a) for a in args) >= 2
        elif isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 2:
            words = _words(node)
            hit = (words is not None and KIND_WORDS.issuperset(words)) or all(_is_member(e) for e in node.elts)
        elif isinstance(node, ast.Dict) and len(node.keys) >= 2:
            hit = all(_is_member(k) or (isinstance(k, ast.Constant) and k.value in KIND_WORDS) for k in node.keys)
        line = getattr(node, "lineno", 0)
        if hit and not (line and CATALOG_MARK in lines[line - 1]):
            found.append((line, ast.unparse(node)[:120]))
    return found


def _checked_modules() -> list[Path]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("generator/kinds/") or any(rel.startswith(p) for p in PENDING_OTHER_BRANCHES):
            continue
        out.append(path)
    return out


def test_the_rule_catches_what_it_should_and_nothing_else() -> None:
    caught = [
        'if obj.id.kind == "table": pass',
        'x = oid.kind in ("view", "materialized view")',
        'x = d["kind"] != "index"',
        'x = model.of_kind("function")',
        'x = model.children(t.id, "policy")',
        'x = ObjectId("table", "public", "t")',
        'X = {"table": "tables", "view": "views"}',
        'X = ("table", "view")',
        'X = (Kind.TABLE, Kind.VIEW)',
        'X = {Kind.TABLE: 1, Kind.VIEW: 2}',
        'x = model.of_kind(Kind.VIEW, Kind.MATERIALIZED_VIEW)',
    ]
    for code in caught:
        assert kind_listings(code), code
    allowed = [
        'if obj.id.kind is Kind.TABLE: pass',
        'x = model.of_kind(Kind.FUNCTION)',
        'x = r["relkind"] == "r"',
        'q = "select 1 from pg_class where relkind in (\'r\', \'v\')"',
        'x = exp.kind == "denied"',
        'x = kind in ("column", "constraint", "policy")',
        'X = ("materialized view", "foreign table", "table", "view")',
        'x = {"name": n, "schema": s, "type": t}',
        'x = kinds_where(relation=True)',
        'if kind == "type":  # catalog word: pg_type rows of the snapshot\n    pass',
    ]
    for code in allowed:
        assert not kind_listings(code), code


def test_no_kind_is_listed_outside_the_registry() -> None:
    problems = [f"{path.relative_to(ROOT)}:{line}: {code}"
                for path in _checked_modules() for line, code in kind_listings(path.read_text())]
    assert not problems, "kinds listed outside generator/kinds/ (ask the registry):\n" + "\n".join(problems)


def test_pending_paths_still_exist() -> None:
    """An entry that names nothing is stale: the lead removes it."""
    for p in PENDING_OTHER_BRANCHES:
        assert (ROOT / p).exists(), p


# --- the same rule for the templates' Jinja expressions ---------------------------------------------

#: Template folders other branches are converting (helper "ops" owns templates/sql/).
PENDING_TEMPLATES: set[str] = set()

_JINJA = re.compile(r"\{[{%](.*?)[}%]\}", re.S)
_WORD = r"""["']([a-z ]+)["']"""
_TEMPLATE_RULES = (
    re.compile(rf"kind\s*(?:==|!=)\s*{_WORD}"),
    re.compile(rf"{_WORD}\s*(?:==|!=)\s*[\w.]*kind\b"),
    re.compile(r"kind\s+(?:not\s+)?in\s*[(\[]([^)\]]*)[)\]]"),
    re.compile(rf"(?:of_kind|children)\([^)]*?{_WORD}"),
)
#: a kind→X map: a dict literal whose first two keys are kind words
_TEMPLATE_MAP = re.compile(rf"\{{\s*{_WORD}\s*:[^,]*,\s*{_WORD}\s*:")


def template_kind_listings(text: str) -> list[str]:
    """Kind words compared with a kind (or passed to ``of_kind``) inside ``{{ }}``/``{% %}``."""
    found = []
    for block in _JINJA.findall(text):
        for pattern in _TEMPLATE_RULES:
            for m in pattern.finditer(block):
                words = re.findall(r"""["']([^"']*)["']""", m.group(1)) or [m.group(1)]
                if words and KIND_WORDS.issuperset(words):
                    found.append(block.strip()[:120])
        for m in _TEMPLATE_MAP.finditer(block):
            if KIND_WORDS.issuperset(m.groups()):
                found.append(block.strip()[:120])
    return found


def test_the_template_rule() -> None:
    assert template_kind_listings('{% if obj.id.kind == "table" %}x{% endif %}')
    assert template_kind_listings('{% for o in objs if o.id.kind in ("table", "view") %}{% endfor %}')
    assert template_kind_listings('{% for f in mig.of_kind("function") %}{% endfor %}')
    assert template_kind_listings('{% set k = {"table": "TABLE", "view": "VIEW"}[obj.id.kind] %}')
    assert not template_kind_listings('{% if a.kind == "plain" %}{% endif %}')
    assert not template_kind_listings('{{ f(x, {"name": n, "schema": s}) }}')
    assert not template_kind_listings("WHERE c.relkind IN ('r', 'v') AND kind = 'write'")


def test_no_kind_is_listed_in_templates() -> None:
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.j2")):
        rel = path.relative_to(ROOT).as_posix()
        if any(rel.startswith(p) for p in PENDING_TEMPLATES):
            continue
        problems += [f"{rel}: {b}" for b in template_kind_listings(path.read_text())]
    assert not problems, "kinds listed in templates (pass a registry fact from Python):\n" + "\n".join(problems)
