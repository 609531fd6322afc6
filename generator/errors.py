"""The error tree of schemagen: one base, every error carries a location when it has one."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A position in a source file, 1-based, printed as ``file:line:col``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One located message about the user's input."""

    pos: Pos | None
    message: str
    hint: str | None = field(default=None)

    def __str__(self) -> str:
        where = f"{self.pos}: " if self.pos and self.pos.line else ""  # never "<none>:0:0"
        text = f"{where}{self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class SchemagenError(Exception):
    """Base of every error schemagen reports to a user (never shown as a traceback)."""

    exit_code = 1


class SpecError(SchemagenError):
    """The spec is invalid; carries every problem found, sorted by position."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.pos or Pos("", 0, 0), p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class RefusedChange(SpecError):
    """A kind refuses a change of one of its objects (a domain's base type): ``oid`` names the
    object, so that the caller, who has the spec model, can locate the problem in the spec."""

    def __init__(self, oid: object, message: str, hint: str | None = None) -> None:
        self.oid = oid
        super().__init__([Problem(None, message, hint)])


class ValidationError(SchemagenError):
    """Generated SQL failed to parse: a bug in a template or an expression pglast rejects."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TemplateError(SchemagenError):
    """A template (usually the user's own, from ``--templates``) cannot be read or rendered.

    The message names the template file and line, as ``file:line: message``."""

    exit_code = 2
