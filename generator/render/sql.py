"""Render plans into SQL files: one template per (kind, action), a file template lays them out."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from ..ir.model import MigrationInfo, Model
from ..plan import Op, Plan
from ..quoting import quote_ident
from .env import environment


@dataclass(frozen=True, slots=True)
class Segment:
    """The SQL of one operation and the lines it occupies in its file (1-based, inclusive)."""

    op: Op
    title: str
    sql: str
    first_line: int = 0
    last_line: int = 0


@dataclass(frozen=True, slots=True)
class SqlFile:
    """A rendered SQL file and the operation behind each part of it."""

    name: str
    text: str
    segments: tuple[Segment, ...]


def render_op(env: jinja2.Environment, op: Op) -> str:
    """The statements of one operation, from ``sql/<kind>/<action>.sql.j2``."""
    kind = op.obj.id.kind.replace(" ", "_")
    text = env.get_template(f"sql/{kind}/{op.action}.sql.j2").render(obj=op.obj, op=op)
    return text.strip("\n")


def _title(op: Op) -> str:
    """``create index public.x``: names quoted as in SQL, control characters escaped (it is a comment)."""
    oid = op.obj.id
    parts = [p for p in (oid.schema, oid.table, oid.name) if p]
    name = ".".join(quote_ident(p) for p in parts)
    if oid.kind == "function":
        name += f"({', '.join(oid.args)})"
    text = f"{op.action} {oid.kind} {name}"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _locate(text: str, segments: list[Segment]) -> tuple[Segment, ...]:
    """Line span of each segment in the rendered file (one pass over the text)."""
    located, start, line = [], 0, 1
    for seg in segments:
        at = text.index(seg.sql, start)
        first = line + text.count("\n", start, at)
        last = first + seg.sql.count("\n")
        located.append(Segment(seg.op, seg.title, seg.sql, first, last))
        start, line = at + len(seg.sql), last
    return tuple(located)


def render_file(env: jinja2.Environment, name: str, plan: Plan, *, spec_name: str,
                description: str | None = None, template: str = "sql/migration.sql.j2",
                cache: dict[tuple[str, int], Segment] | None = None) -> SqlFile:
    """Render a whole migration or rollback file for ``plan`` (``cache`` reuses rendered ops)."""
    cache = {} if cache is None else cache
    segments = []
    for op in plan.ops:
        key = (op.action, id(op.obj))
        if key not in cache:
            cache[key] = Segment(op, _title(op), render_op(env, op))
        segments.append(cache[key])
    text = env.get_template(template).render(
        file_name=name, spec_name=spec_name, description=description, segments=segments,
    )
    text = text.rstrip("\n") + "\n"
    return SqlFile(name, text, _locate(text, segments))


def migration_file_names(info: MigrationInfo) -> tuple[str, str]:
    """(migration file, rollback file) names of a migration."""
    return f"{info.tag}_{info.name}.sql", f"rollback_{info.tag}_{info.rollback_name}.sql"


def render_migrations(model: Model, plans: list[tuple[int, Plan]], *, spec_name: str,
                      templates: str | None = None) -> list[SqlFile]:
    """Every migration, its rollback (the inverse plan), and ``rollback_all.sql``."""
    env = environment(templates)
    infos = {i.number: i for i in model.migrations}
    files: list[SqlFile] = []
    cache: dict[tuple[str, int], Segment] = {}
    for number, plan in plans:
        info = infos[number]
        up, down = migration_file_names(info)
        files.append(render_file(env, up, plan, spec_name=spec_name, description=info.description, cache=cache))
        files.append(render_file(env, down, plan.inverse(), spec_name=spec_name,
                                 description=f"Rolls back {up}.", cache=cache))
    everything = Plan(tuple(op for _, p in plans for op in p.ops))
    files.append(render_file(env, "rollback_all.sql", everything.inverse(), spec_name=spec_name,
                             description="Rolls back every migration, newest first.", cache=cache))
    return files
