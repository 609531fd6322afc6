"""``schemagen init``: a new project that generates, lints and verifies straight away.

Writes a commented ``schema.yaml`` (tenants, their members and one tenant-scoped table, with RLS
policies, fixtures and a complete policy-test matrix), the JSON Schema editors use to check it, a
GitHub Actions workflow running check, lint and verify, and a pre-commit configuration. Files come
from ``templates/init/``; nothing is overwritten unless ``force`` is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jinja2

from .errors import SchemagenError
from .spec.jsonschema import spec_json_schema_text
from .stamp import builtin_templates

# file written → template under templates/init/ (None: generated in Python)
FILES: dict[str, str | None] = {
    "schema.yaml": "schema.yaml.j2",
    "schemagen.schema.json": None,
    ".github/workflows/schemagen.yml": "schemagen.yml.j2",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
}


class InitRefused(SchemagenError):
    """``init`` would overwrite existing files and ``--force`` was not given (exit 1)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Initialized:
    """What ``init`` did: the folder, the files written and the existing ones kept, relative to it."""

    folder: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]


def project_name(folder: Path) -> str:
    """A project name from the folder's name: lower-case letters, digits and single hyphens."""
    name = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return name or "my-project"


def _version() -> str:
    try:
        return version("schemagen")
    except PackageNotFoundError:
        return "0.0.0"


def render_files(project: str) -> dict[str, str]:
    """The scaffold's files (relative path → text) for a project named ``project``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(builtin_templates() / "init")),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    values = {"project": project, "version": _version()}
    return {path: env.get_template(tpl).render(values) if tpl else spec_json_schema_text()
            for path, tpl in FILES.items()}


def init_project(folder: Path, *, force: bool = False, name: str | None = None) -> Initialized:
    """Write the scaffold into ``folder`` (created when missing).

    Refuses, writing nothing, when ``schema.yaml`` exists, unless ``force``; other files that
    exist already (your CI or pre-commit configuration) are kept unless ``force``.
    """
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is not a folder")
    files = render_files(name or project_name(folder))
    if (folder / "schema.yaml").exists() and not force:
        raise InitRefused(f"{folder / 'schema.yaml'} exists; nothing was written (pass --force to overwrite it)")
    kept = tuple(p for p in files if (folder / p).exists() and not force)
    for rel, text in files.items():
        if rel in kept:
            continue
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return Initialized(folder, tuple(p for p in files if p not in kept), kept)
