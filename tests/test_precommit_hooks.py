"""The repository's .pre-commit-hooks.yaml: schemagen check and lint as pre-commit hooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.cli import EXIT_OK, main

HOOKS = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())


def test_hooks_run_check_and_lint_on_the_whole_project() -> None:
    assert [h["id"] for h in HOOKS] == ["schemagen-check", "schemagen-lint"]
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["entry"] == f"schemagen {hook['id'].removeprefix('schemagen-')}"


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_hook_entries_are_real_commands(hook: dict, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*hook["entry"].split()[1:], "--help"])
    assert exc.value.code == EXIT_OK
    assert f"Usage: {hook['entry']}" in capsys.readouterr().out


def test_hooks_fire_on_the_spec_and_check_also_on_out() -> None:
    files = {h["id"]: re.compile(h["files"]) for h in HOOKS}
    for hook in files.values():
        assert hook.search("schema.yaml") and hook.search("db/schema.yaml")
        assert not hook.search("README.md")
    assert files["schemagen-check"].search("out/001_init.sql")
    assert not files["schemagen-lint"].search("out/001_init.sql")
