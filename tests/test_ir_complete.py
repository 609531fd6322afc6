"""The ir is complete: build checks the whole spec in one pass, and the stages keep their order.

* A spec with problems in its objects, fixtures, policy tests and lint configuration gets every
  one of them reported by one run, each at its position (they used to surface one stage at a time:
  fixtures at render, policy tests after render, waivers at lint).
* The model ``build`` returns carries those sections, checked, for render, lint and verify to read.
* ``generator/pipeline.py`` and ``generator/verify/`` do not import each other (read from their
  ASTs, function-level imports included).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.ir import ObjectId, build
from generator.kinds import Kind
from generator.lint import RULES
from generator.pipeline import generate
from generator.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"

SPEC = """\
roles: [anon, authenticated, service_role]
migrations:
  - number: 1
    name: init
    tables:
      - name: notes
        rls: {enable: true}
        columns:
          - {name: id, type: uuid, primary_key: true}
          - {name: body, type: text, nullable: false}
          - {name: body, type: text}
        policies:
          - {name: read own, command: select, roles: [authenticated], using: "true"}
fixtures:
  notes:
    first: {body: hello, colour: red}
lint:
  waive:
    - rule: no-such-rule
      object: table public.notes
      reason: checked in one pass with the rest
tests:
  actors:
    reader: {role: nobody}
  cases:
    - name: read
      as: reader
      select: notes
      expect: 0
"""


def test_problems_of_every_section_are_reported_in_one_run(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        generate(spec, display="schema.yaml")
    got = [(str(p.pos), p.message) for p in info.value.problems]
    assert got == [
        ("schema.yaml:11:20", "duplicate column 'body' in table 'notes'"),  # the objects
        ("schema.yaml:16:26", "unknown column 'colour' of public.notes"),  # fixtures
        ("schema.yaml:19:13", "waiver of unknown lint rule 'no-such-rule'"),  # lint configuration
        ("schema.yaml:24:20", "actor 'reader': unknown role 'nobody'"),  # policy tests
    ]


def test_the_cli_reports_them_together_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "generator.cli", "generate", "--spec", str(spec), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    assert "4 problems in the spec" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_the_model_carries_the_checked_sections(tmp_path: Path) -> None:
    fixed = (SPEC.replace("          - {name: body, type: text}\n", "")
             .replace(", colour: red", "").replace("no-such-rule", "rls-disabled")
             .replace("role: nobody", "role: authenticated"))
    spec = tmp_path / "schema.yaml"
    spec.write_text(fixed, encoding="utf-8")
    model = build(load_spec(spec), lint_rules=RULES)
    sections = model.sections
    assert sections is not None
    assert sections.roles == ("anon", "authenticated", "service_role")
    row = sections.fixtures.row("notes", "first")
    assert row is not None and row.values["body"] == "hello"
    assert sections.policy_cases is not None and [c.name for c in sections.policy_cases] == ["read"]
    notes = ObjectId(Kind.TABLE, "public", "notes")
    assert sections.rules_checked and dict(sections.waivers) == {
        ("rls-disabled", notes): ("checked in one pass with the rest", 0)}
    # without the lint rules, build leaves waivers to lint (the ir does not import lint)
    unchecked = build(load_spec(spec)).sections
    assert unchecked is not None and not unchecked.rules_checked and not unchecked.waivers


# --- stage imports ---------------------------------------------------------------------------------


def _imported(path: Path, module: str) -> set[str]:
    """Every module that ``path`` (module ``module``) imports, anywhere in it (function-level and
    TYPE_CHECKING imports too), relative imports resolved against its package."""
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.removesuffix(".__init__")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)  # `from . import run`
    return found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports_of(files: list[Path], forbidden: str) -> list[str]:
    return sorted(f"{_module(f)} imports {name}" for f in files for name in _imported(f, _module(f))
                  if name == forbidden or name.startswith(forbidden + "."))


def test_pipeline_does_not_import_verify() -> None:
    assert _imports_of([PACKAGE / "pipeline.py"], "generator.verify") == []


def test_verify_does_not_import_the_pipeline() -> None:
    files = sorted((PACKAGE / "verify").rglob("*.py"))
    assert files, "generator/verify has no modules?"
    assert _imports_of(files, "generator.pipeline") == []


def test_the_import_reader_sees_relative_and_function_level_imports(tmp_path: Path) -> None:
    """The reader above must not pass by missing an import form (guards the two tests above)."""
    probe = tmp_path / "probe.py"
    probe.write_text(textwrap.dedent("""\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from generator import pipeline
        def f():
            from ..pipeline import generate
            return generate
        """), encoding="utf-8")
    found = {n for n in _imported(probe, "generator.verify.probe") if n.startswith("generator.pipeline")}
    assert found == {"generator.pipeline", "generator.pipeline.generate"}


def test_neither_loads_the_other_at_run_time() -> None:
    """Transitively too: importing one package does not load the other."""
    code = ("import sys, importlib\n"
            "importlib.import_module(sys.argv[1])\n"
            "print(sorted(m for m in sys.modules if m == sys.argv[2] or m.startswith(sys.argv[2] + '.')))")
    for first, other in (("generator.pipeline", "generator.verify"),
                         ("generator.verify.run", "generator.pipeline")):
        run = subprocess.run([sys.executable, "-c", code, first, other], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        assert run.stdout.strip() == "[]", f"{first} loads {run.stdout.strip()}"
