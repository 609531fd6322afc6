"""Render plans into SQL files: one template per (kind, action), a file template lays them out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import jinja2

from ..ir.model import MigrationInfo, Model
from ..kinds import kind_def
from ..plan import ONLINE_SETTINGS, Op, Plan
from ..plan.ops import RenameColumn, RenameConstraint, RenameObject, Txn
from ..plan.order import schedule, windows
from ..quoting import comment_text, quote_ident
from .env import environment


@dataclass(frozen=True, slots=True)
class Segment:
    """The SQL of one operation and the lines it occupies in its file (1-based, inclusive)."""

    op: Op
    title: str
    sql: str
    first_line: int = 0
    last_line: int = 0
    lock: str | None = None  # "-- lock: …" of a step on a live database


@dataclass(frozen=True, slots=True)
class SqlFile:
    """A rendered SQL file and the operation behind each part of it."""

    name: str
    text: str
    segments: tuple[Segment, ...]


def render_op(env: jinja2.Environment, op: Op, action: str | None = None) -> str:
    """The statements of one operation (or one part of it), from ``sql/<template_dir>/<action>.sql.j2``
    (the kind's template folder, from the registry).

    The template of each (kind, action) is looked up once per environment (environments are cached
    and never reload): ``get_template`` per operation was a tenth of the rendering time.
    """
    cache: dict[tuple[str, str], jinja2.Template] = env.__dict__.setdefault("schemagen_op_templates", {})
    key = (op.obj.id.kind, action or op.action)
    tpl = cache.get(key)
    if tpl is None:
        tpl = cache[key] = env.get_template(f"sql/{kind_def(key[0]).template_dir}/{key[1]}.sql.j2")
    return tpl.render(obj=op.obj, op=op).strip("\n")


TITLES = {"replace_check": "add the new check beside the old one:",
          "replace_check_swap": "validate the new check, drop the old one, take its name:",
          "backfill": "fill the existing rows of the new column:",
          "backfill_validate": "validate that no row of the new column is NULL:",
          "backfill_not_null": "make the new column NOT NULL (trusting the check), drop the check:"}


def op_title(op: Op, action: str | None = None) -> str:
    """``create index public.x``: names quoted as in SQL, control characters escaped (it is a comment)."""
    oid = op.obj.id
    parts = [p for p in (oid.schema, oid.table, oid.name) if p]
    if isinstance(op, RenameObject):
        parts = [p for p in (op.old.id.schema, op.old.id.table, op.old.id.name) if p]
    name = ".".join(quote_ident(p) for p in parts)
    if kind_def(oid.kind).namespace == "function":  # overloads: the argument types name it
        name += f"({', '.join(oid.args)})"
    if op.part is not None:
        name += "." + quote_ident(op.part.name)
    verb = (action or op.action).replace("_", " ")
    text = f"{verb} {oid.kind} {name}" if verb in ("create", "drop", "alter", "rename", "validate") else \
        f"{verb} {name}"
    if (action or op.action) in TITLES:
        text = f"{TITLES[action or op.action]} {name}"
    if isinstance(op, RenameObject):
        text += f" to {quote_ident(oid.name)}"
    elif isinstance(op, (RenameColumn, RenameConstraint)):
        text = f"{verb} {name[: -len(quote_ident(op.part.name))]}{quote_ident(op.old_part.name)} to " \
               f"{quote_ident(op.part.name)}"
    return comment_text(text)


def _locate(text: str, segments: list[Segment]) -> tuple[Segment, ...]:
    """Line span of each segment in the rendered file (one pass over the text)."""
    located, start, line = [], 0, 1
    for seg in segments:
        at = text.index(seg.sql, start)
        first = line + text.count("\n", start, at)
        last = first + seg.sql.count("\n")
        located.append(Segment(seg.op, seg.title, seg.sql, first, last, seg.lock))
        start, line = at + len(seg.sql), last
    return tuple(located)


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive segments run alike: inside one transaction, or outside any (``CONCURRENTLY``)."""

    transaction: bool
    segments: tuple[Segment, ...]


def _blocks(segments: list[Segment], modes: list[Txn]) -> list[Block]:
    """Group segments: consecutive ``main`` parts share a transaction, an ``own`` part gets one of
    its own, a ``none`` part runs outside any."""
    groups: list[tuple[Txn, list[Segment]]] = []
    for seg, mode in zip(segments, modes, strict=True):
        if mode == "main" and groups and groups[-1][0] == "main":
            groups[-1][1].append(seg)
        else:
            groups.append((mode, [seg]))
    return [Block(mode != "none", tuple(segs)) for mode, segs in groups] or [Block(True, ())]


def render_file(env: jinja2.Environment, name: str, plan: Plan, *, spec_name: str,
                description: str | None = None, template: str = "sql/migration.sql.j2",
                cache: dict[tuple[Any, ...], Segment] | None = None, settings: tuple[str, ...] = (),
                warnings: tuple[str, ...] = (), warning_title: str = "",
                then: tuple[Plan, ...] = ()) -> SqlFile:
    """Render a whole migration or rollback file for ``plan`` (``cache`` reuses rendered ops).

    ``settings`` are ``SET`` statements run first (lock and statement timeouts of an evolution
    migration); ``warnings`` list, under ``warning_title``, the data the file cannot keep. Plans in
    ``then`` follow ``plan``, each scheduled on its own (``rollback_all.sql``: one rollback after
    another, so that no step of one is moved past a step of the next).
    """
    cache = {} if cache is None else cache
    segments, modes = [], []
    for op, part in (step for p in (plan, *then) for step in schedule(p.ops)):
        key = op.cache_key(part.action)
        if key not in cache:
            cache[key] = Segment(op, op_title(op, part.action if part.action != op.action else None),
                                 render_op(env, op, part.action))
        seg = cache[key]
        if settings and seg.sql:  # a migration on a live database says what each step locks
            seg = Segment(seg.op, seg.title, seg.sql, lock=op.lock(part).note)
        if seg.sql:  # half of a split op can have nothing to do
            segments.append(seg)
            modes.append(part.txn)
    text = env.get_template(template).render(
        file_name=name, spec_name=spec_name, description=description, segments=segments,
        blocks=_blocks(segments, modes), settings=settings, warnings=warnings, warning_title=warning_title,
        windows=[w for p in (plan, *then) for w in windows(p.ops)] if settings else [],
    )
    text = text.rstrip("\n") + "\n"
    return SqlFile(name, text, _locate(text, segments))


def migration_file_names(info: MigrationInfo) -> tuple[str, str]:
    """(migration file, rollback file) names of a migration."""
    return f"{info.tag}_{info.name}.sql", f"rollback_{info.tag}_{info.rollback_name}.sql"


def render_migrations(model: Model, plans: list[tuple[int, Plan]], *, spec_name: str,
                      templates: str | None = None, online: Collection[int] = ()) -> list[SqlFile]:
    """Every migration, its rollback (the inverse plan), and ``rollback_all.sql``.

    Migrations numbered in ``online`` run on a live database: they start with lock and statement
    timeouts. A migration that loses data says so at its top, and so does its rollback.
    """
    env = environment(templates)
    infos = {i.number: i for i in model.migrations}
    files: list[SqlFile] = []
    cache: dict[tuple[Any, ...], Segment] = {}
    for number, plan in plans:
        info = infos[number]
        up, down = migration_file_names(info)
        settings = ONLINE_SETTINGS if number in online else ()
        losses = tuple(loss for _op, loss in plan.destructive())
        files.append(render_file(env, up, plan, spec_name=spec_name, description=info.description, cache=cache,
                                 settings=settings, warnings=losses,
                                 warning_title="WARNING: this migration can lose data:"))
        files.append(render_file(env, down, plan.inverse(), spec_name=spec_name,
                                 description=f"Rolls back {up}.", cache=cache, settings=settings,
                                 warnings=losses, warning_title="WARNING: this rollback cannot restore "
                                 f"what {up} destroyed:"))
    rollbacks = [p.inverse() for _, p in reversed(plans)] or [Plan(())]
    files.append(render_file(env, "rollback_all.sql", rollbacks[0], then=tuple(rollbacks[1:]), spec_name=spec_name,
                             description="Rolls back every migration, newest first.", cache=cache,
                             settings=ONLINE_SETTINGS if set(online) & {n for n, _ in plans} else ()))
    return files
