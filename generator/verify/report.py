"""What a verification run found: one result per step, and the whole run as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from rich.markup import escape

Status = Literal["passed", "failed", "skipped"]

MARKS: dict[str, str] = {"passed": "[green]✓[/green]", "failed": "[red]✗[/red]", "skipped": "[dim]–[/dim]"}


@dataclass(frozen=True, slots=True, kw_only=True)
class StepResult:
    """One step of a run (``apply 001_x.sql``, ``rollback rollback_001_x.sql``, ``seed`` …).

    ``problems`` name the file and the object, e.g.
    ``rollback_004_messages.sql leaves index public.messages_model_used_idx``.
    """

    name: str
    kind: str
    status: Status
    seconds: float = 0.0
    problems: tuple[str, ...] = ()
    note: str = ""

    @property
    def ok(self) -> bool:
        """False only for a failed step (a skipped step is not a failure by itself)."""
        return self.status != "failed"

    def line(self) -> str:
        """One line of rich markup for the progress display, problems indented below it."""
        ms = f"[dim]{self.seconds * 1000:7.0f} ms[/dim]" if self.status != "skipped" else " " * 10
        note = f" ({self.note})" if self.note else ""
        lines = [f"{MARKS[self.status]} {ms}  {escape(self.name)}{escape(note)}"]
        lines += [f"      [red]{escape(p)}[/red]" for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyReport:
    """The outcome of one ``schemagen verify``: ok when every step passed or was not applicable."""

    steps: tuple[StepResult, ...]
    backend: str = ""
    server_version: int = 0
    database: str = ""
    kept: str | None = field(default=None)

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return all(s.ok for s in self.steps)

    @property
    def seconds(self) -> float:
        """Total time of all steps."""
        return sum(s.seconds for s in self.steps)

    @property
    def problems(self) -> list[str]:
        """Every problem of every step, in step order."""
        return [p for s in self.steps for p in s.problems]

    def summary(self) -> str:
        """One line of rich markup: verdict, counts and total time."""
        counts = {k: sum(s.status == k for s in self.steps) for k in ("passed", "failed", "skipped")}
        verdict = "[green]verified[/green]" if self.ok else "[red]verification failed[/red]"
        parts = [f"{counts['passed']} passed"]
        parts += [f"{counts[k]} {k}" for k in ("failed", "skipped") if counts[k]]
        where = f"PostgreSQL {self.server_version // 10000}.{self.server_version % 10000}"
        where += f" ({self.backend})" if self.backend else ""
        return f"{verdict}: {', '.join(parts)} in {self.seconds * 1000:.0f} ms on {where}"

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: the verdict, the server, and every step with its problems."""
        steps = []
        for s in self.steps:
            d = asdict(s)
            d["ok"] = s.ok
            d["problems"] = list(s.problems)
            d["seconds"] = round(s.seconds, 4)
            steps.append(d)
        return {
            "ok": self.ok,
            "backend": self.backend,
            "server_version": self.server_version,
            "database": self.database,
            "kept": self.kept,
            "seconds": round(self.seconds, 4),
            "problems": self.problems,
            "steps": steps,
        }

    def to_json(self) -> str:
        """The report as indented JSON (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
