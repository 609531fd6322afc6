"""Lint stage: static rules over the ir (no database), each finding located in schema.yaml."""

from . import rules_advisor, rules_objects, rules_rls, rules_verify  # noqa: F401 - registers the rules
from .engine import RULES, Finding, LintError, blocking, run_lint

__all__ = ["RULES", "Finding", "LintError", "blocking", "run_lint"]
