"""``generate`` does not import what only other commands need (issue 14: imports are part of every
run's time). Checked in a fresh interpreter: the command line module, then a whole generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASE = Path(__file__).parent / "cases" / "rls_policies" / "schema.yaml"

SCRIPT = """
import sys
from generator.cli import app
loaded = [m for m in ("psycopg", "generator.pull.run", "generator.pull.catalog", "generator.render.supabase",
                      "generator.render.docs") if m in sys.modules]
assert not loaded, f"importing the command line loaded {loaded}"
app(["generate", "--spec", sys.argv[1], "--out", sys.argv[2]], standalone_mode=False)
assert "psycopg" not in sys.modules, "generate (no supabase layout) imported psycopg"
"""


def test_generate_does_not_import_psycopg_or_pull(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(CASE), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "001_rls.sql").is_file()


# --- start-up (issue 14, round 5): what each path leaves out --------------------------------------

#: The stages and the libraries they pull in: importing the command line loads none of them (each
#: command imports what it runs), so `--help`, `lint`, `init`, `schema`, `pull` do not pay for them.
STAGES = ("pydantic", "jinja2", "pglast", "yaml", "psycopg", "generator.spec", "generator.ir", "generator.plan",
          "generator.history", "generator.pipeline", "generator.render", "generator.validate", "generator.lint",
          "generator.verify", "generator.pull.run")

#: A check refused before rendering (the spec has a change no migration records) renders nothing,
#: and writes its error as plain text when stderr is not a terminal (generator/console.py).
RENDERING = ("jinja2", "generator.render.env", "generator.render.sql", "generator.validate", "psycopg",
             "rich.console")


def _run(script: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_importing_the_command_line_loads_no_stage() -> None:
    done = _run("import sys, generator.cli\n"
                f"print([m for m in {STAGES + ('rich',)!r} if m in sys.modules])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_loads_no_stage() -> None:
    done = _run("import sys\nfrom generator.cli import app\n"
                "try:\n    app(['--help'], prog_name='schemagen')\nexcept SystemExit:\n    pass\n"
                f"print('LOADED', [m for m in {STAGES!r} if m in sys.modules])")
    assert done.returncode == 0, done.stderr
    assert "Usage: schemagen" in done.stdout
    assert done.stdout.strip().endswith("LOADED []")


def test_a_check_refused_before_rendering_does_not_import_jinja(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    text = CASE.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    from generator.cli import main

    with pytest.raises(SystemExit) as done:
        main(["generate", "--spec", str(spec)])
    assert done.value.code == 0
    column = "          - {name: body, type: text, nullable: false}\n"
    assert column in text
    spec.write_text(text.replace(column, column + "          - {name: extra, type: text}\n"), encoding="utf-8")
    script = ("import sys\nfrom generator.cli import main\n"
              "try:\n    main(['check', '--spec', sys.argv[1]])\n"
              "except SystemExit as exc:\n    print('EXIT', exc.code)\n"
              f"print('LOADED', [m for m in {RENDERING!r} if m in sys.modules])")
    done2 = _run(script, str(spec))
    assert "has changes no migration records yet" in done2.stderr
    assert done2.stdout.splitlines()[-2:] == ["EXIT 1", "LOADED []"]


def test_spec_models_are_built_when_first_validated() -> None:
    """pydantic builds no validator at import (``defer_build``) but those of the four small models
    SpecFile instantiates as defaults (``project: Project = Project()``); validating builds SpecFile's."""
    done = _run(
        "import pydantic, generator.spec.models as s\n"
        "models = [v for v in vars(s).values() if isinstance(v, type) and issubclass(v, pydantic.BaseModel)]\n"
        "assert len(models) > 40, len(models)\n"
        "print(sorted(m.__name__ for m in models if m.__pydantic_complete__))\n"
        "s.SpecFile.model_validate({'migrations': [{'number': 1, 'name': 'init'}]})\n"
        "print(s.SpecFile.__pydantic_complete__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['Outputs', 'Privileges', 'Project', 'TypesConfig']", "True"]
