"""The README: links stay inside the repository, and the exit codes it documents are the CLI's."""

from __future__ import annotations

import re
from pathlib import Path

from generator import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_relative_links_resolve_inside_the_repository() -> None:
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    relative = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert relative, "no relative links found"
    for link in relative:
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT), f"{link} points outside the repository"
        assert target.exists(), f"{link} does not exist"


def test_no_reference_to_files_outside_the_repository() -> None:
    for path in [ROOT / "README.md", *(ROOT / "templates").rglob("*")]:
        if path.is_file():
            assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_documented_exit_codes_are_the_cli_s() -> None:
    table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", README, flags=re.M))
    assert set(table) == {str(c) for c in (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_BAD_SPEC, cli.EXIT_NO_POSTGRES,
                                           cli.EXIT_USAGE)}
    assert table["64"].startswith("usage error")
    assert table["2"].startswith("bad input")
    generate_row = next(line for line in README.splitlines() if line.startswith("| `schemagen generate`"))
    assert "1 refused" in generate_row and "no migration records yet" in generate_row
