"""Render plans into SQL files: one template per (kind, action), a file template lays them out."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import jinja2

from ..ir.model import MigrationInfo, Model
from ..kinds import kind_def
from ..plan import ONLINE_SETTINGS, Op, Plan
from ..plan.ops import RenameColumn, RenameConstraint, RenameObject, Txn
from ..plan.order import schedule, windows
from ..quoting import comment_text, quote_ident
from .env import environment

if TYPE_CHECKING:
    from ..cache import Cache
    from ..plan.order import Step


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
          "backfill_not_null": "make the new column NOT NULL (trusting the check), drop the check:",
          "move_partition_bounds_check": "check the new bounds of the moved partitions of",
          "move_partition_bounds_validate": "validate the new bounds of the moved partitions of",
          "move_partition_bounds": "detach and attach with their new bounds the moved partitions of"}


def op_title(op: Op, action: str | None = None) -> str:
    """``create index public.x``: names quoted as in SQL, control characters escaped (it is a comment)."""
    oid = op.obj.id
    parts = [p for p in (oid.schema, oid.table, oid.name) if p]
    if isinstance(op, RenameObject):
        parts = [p for p in (op.old.id.schema, op.old.id.table, op.old.id.name) if p]
    if (parent := getattr(op, "parent", None)) is not None:  # a sub-partition's op: named by its parent
        parts = [oid.schema, parent]
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


#: Plans already scheduled, by ``id`` (with the plan, which keeps the id taken): a rollback and
#: ``rollback_all.sql`` schedule the same inverse plan (~20 ms per 10,000 ops).
Scheduled = dict[int, tuple[Plan, "list[Step]"]]


def _schedule(plan: Plan, scheduled: Scheduled | None) -> list[Step]:
    if scheduled is None:
        return schedule(plan.ops)
    found = scheduled.get(id(plan))
    if found is None:
        found = scheduled[id(plan)] = (plan, schedule(plan.ops))
    return found[1]


def segment_key(op: Op, part: Any) -> tuple[Any, ...]:
    """The key of a rendered op (or part) in the per-run segment cache of :func:`render_file`."""
    return op.cache_key(part.action)


def render_file(env: jinja2.Environment, name: str, plan: Plan, *, spec_name: str,
                description: str | None = None, template: str = "sql/migration.sql.j2",
                cache: dict[tuple[Any, ...], Segment] | None = None, settings: tuple[str, ...] = (),
                warnings: tuple[str, ...] = (), warning_title: str = "",
                then: tuple[Plan, ...] = (), steps_of: list[int] | None = None,
                scheduled: Scheduled | None = None) -> SqlFile:
    """Render a whole migration or rollback file for ``plan`` (``cache`` reuses rendered ops).

    ``settings`` are ``SET`` statements run first (lock and statement timeouts of an evolution
    migration); ``warnings`` list, under ``warning_title``, the data the file cannot keep. Plans in
    ``then`` follow ``plan``, each scheduled on its own (``rollback_all.sql``: one rollback after
    another, so that no step of one is moved past a step of the next). ``steps_of`` receives the
    index of each segment's step among :func:`_steps` of the file's plans (a worker process sends
    segments back by those indexes: :func:`segment_forms`).
    """
    cache = {} if cache is None else cache
    segments, modes = [], []
    for i, (op, part) in enumerate(step for p in (plan, *then) for step in _schedule(p, scheduled)):
        key = segment_key(op, part)
        if key not in cache:
            cache[key] = Segment(op, op_title(op, part.action if part.action != op.action else None),
                                 render_op(env, op, part.action))
        seg = cache[key]
        if settings and seg.sql:  # a migration on a live database says what each step locks
            seg = Segment(seg.op, seg.title, seg.sql, lock=op.lock(part).note)
        if seg.sql:  # half of a split op can have nothing to do
            segments.append(seg)
            modes.append(part.txn)
            if steps_of is not None:
                steps_of.append(i)
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
                      templates: str | None = None, online: Collection[int] = (),
                      cache: Cache | None = None, history: Mapping[int, str] | None = None,
                      only: Literal["up", "down"] | None = None,
                      steps_of: dict[str, list[int]] | None = None,
                      keep: dict[str, Any] | None = None) -> list[SqlFile]:
    """Every migration, its rollback (the inverse plan), and ``rollback_all.sql``.

    Migrations numbered in ``online`` run on a live database: they start with lock and statement
    timeouts. A migration that loses data says so at its top, and so does its rollback.

    ``cache`` (see :mod:`generator.cache`) reuses files rendered by an earlier run; only with
    ``history``, the hash of each migration's history text (its plan is fixed by them).

    ``only``: the migrations (``up``) or the rollbacks and ``rollback_all.sql`` (``down``), the
    same texts as rendered together (:func:`interleave` puts the two lists back in order): a
    worker process renders the rollbacks meanwhile (generator/parallel.py). ``steps_of``: each
    file's segment step indexes, by file name (see :func:`render_file`).

    ``keep`` (with ``cache`` but no ``history``: the first ``generate``, whose plans come from the
    spec) receives each rendered file's cache entry by file name; the caller stores them under
    :func:`migration_keys` once the history texts it writes are hashed (generator/pipeline.py).
    """
    env = environment(templates)
    infos = {i.number: i for i in model.migrations}
    files: list[SqlFile] = []
    cache_ops: dict[tuple[Any, ...], Segment] = {}

    # --- cache hook (generator/cache.py): a file whose key matches is restored, not rendered ---
    def cached(name: str, file_plans: tuple[Plan, ...], render: Callable[[], SqlFile], share: bool = True) -> SqlFile:
        if cache is None or not cache.enabled or (history is None and keep is None):
            return render()
        if history is None:  # the first generate: its entry (generator/cache.py: file_entry) is kept
            file = render()
            if keep is not None and steps_of is not None:  # the steps of its segments, as render_file found them
                from ..cache import entry_of

                keep[name] = entry_of(file, steps_of[name], sum(len(_schedule(p, scheduled)) for p in file_plans))
            return file
        from ..cache import cached_file

        steps = [step for p in file_plans for step in _schedule(p, scheduled)]
        return cached_file(cache, cache.key(spec_name, *keys[name]), cache_ops, steps, render, share=share)

    if keep is not None and steps_of is None and cache is not None and cache.enabled and history is None:
        steps_of = {}  # render_file records each file's segment steps: what a kept entry stores
    scheduled: Scheduled = {}
    keys = migration_keys(model.migrations, plans, history, online) if history is not None else {}
    inverses = {number: plan.inverse() for number, plan in plans}  # the rollbacks' and rollback_all's
    for number, plan in plans:
        info = infos[number]
        up, down = migration_file_names(info)
        settings = ONLINE_SETTINGS if number in online else ()
        losses = tuple(loss for _op, loss in plan.destructive())
        inverse = inverses[number]
        if only != "down":
            files.append(cached(up, (plan,), lambda: render_file(
                env, up, plan, spec_name=spec_name, description=info.description, cache=cache_ops,  # noqa: B023
                settings=settings, warnings=losses,  # noqa: B023
                warning_title="WARNING: this migration can lose data:",
                steps_of=_steps_list(steps_of, up), scheduled=scheduled), share=False))  # noqa: B023
        if only != "up":
            files.append(cached(down, (inverse,), lambda: render_file(
                env, down, inverse, spec_name=spec_name, description=f"Rolls back {up}.",  # noqa: B023
                cache=cache_ops, settings=settings, warnings=losses,  # noqa: B023
                warning_title=f"WARNING: this rollback cannot restore what {up} destroyed:",  # noqa: B023
                steps_of=_steps_list(steps_of, down), scheduled=scheduled)))  # noqa: B023
    if only == "up":
        return files
    rollbacks = rollback_plans(plans, inverses)
    all_online = set(online) & {n for n, _ in plans}
    files.append(cached(ROLLBACK_ALL, tuple(rollbacks), lambda: render_file(
        env, ROLLBACK_ALL, rollbacks[0], then=tuple(rollbacks[1:]), spec_name=spec_name,
        description="Rolls back every migration, newest first.", cache=cache_ops,
        settings=ONLINE_SETTINGS if all_online else (), steps_of=_steps_list(steps_of, ROLLBACK_ALL),
        scheduled=scheduled)))
    return files


ROLLBACK_ALL = "rollback_all.sql"


def migration_keys(migrations: Iterable[MigrationInfo], plans: list[tuple[int, Plan]], history: Mapping[int, str],
                   online: Collection[int] = ()) -> dict[str, tuple[str, ...]]:
    """The render cache's key parts (generator/cache.py; ``Cache.key(spec_name, *parts)``) of each
    file :func:`render_migrations` makes, by file name: a migration and its rollback by the
    history digests of the migration and of the one before it, ``rollback_all.sql`` by every
    digest. ``history``: each migration's :func:`generator.history.history_digest`; the plans it
    fixes are those of :func:`generator.history.history_plans`. One function for the files
    rendered from a history and for those the first ``generate`` renders and keeps."""
    infos = {i.number: i for i in migrations}
    keys: dict[str, tuple[str, ...]] = {}
    previous = ""
    for number, _plan in plans:
        up, down = migration_file_names(infos[number])
        key = (previous, history[number], str(number in online))
        keys[up], keys[down] = ("up", *key), ("down", *key)
        previous = history[number]
    all_online = set(online) & {n for n, _ in plans}
    keys[ROLLBACK_ALL] = ("all", *(history[n] for n, _ in plans), *map(str, sorted(all_online)))
    return keys


def rollback_plans(plans: list[tuple[int, Plan]], inverses: Mapping[int, Plan] | None = None) -> list[Plan]:
    """The plans of ``rollback_all.sql``: each migration's inverse (from ``inverses`` when given,
    by number), newest first."""
    return [inverses[n] if inverses is not None else p.inverse() for n, p in reversed(plans)] or [Plan(())]


def _steps_list(steps_of: dict[str, list[int]] | None, name: str) -> list[int] | None:
    return None if steps_of is None else steps_of.setdefault(name, [])


def interleave(ups: list[SqlFile], downs: list[SqlFile]) -> list[SqlFile]:
    """The files of ``render_migrations(only="up")`` and ``(only="down")`` in the order of one
    ``render_migrations``: each migration, its rollback, …, then ``rollback_all.sql``."""
    return [f for pair in zip(ups, downs[:-1], strict=True) for f in pair] + downs[-1:]


def segment_forms(file: SqlFile, steps_of: list[int]) -> list[tuple[Any, ...]]:
    """``file``'s segments without their ops, to send to another process: (step index, title,
    offset of the SQL in the text, its length, first line, last line, lock)."""
    forms, start = [], 0
    for seg, step in zip(file.segments, steps_of, strict=True):
        at = file.text.index(seg.sql, start)
        forms.append((step, seg.title, at, len(seg.sql), seg.first_line, seg.last_line, seg.lock))
        start = at + len(seg.sql)
    return forms


def from_forms(name: str, text: str, forms: list[tuple[Any, ...]], plans: tuple[Plan, ...],
               shared: dict[str, str] | None = None, scheduled: Scheduled | None = None) -> SqlFile:
    """The file :func:`segment_forms` described, its segments pointing at the ops of ``plans``
    (this process's: the same plans the sender rendered). ``shared``: one string for the same SQL
    in several files (a rollback and ``rollback_all.sql``), as rendering them together shares it;
    ``scheduled``: plans scheduled already (see :data:`Scheduled`)."""
    steps = [step for p in plans for step in _schedule(p, scheduled)]
    same = {} if shared is None else shared
    return SqlFile(name, text, tuple(
        Segment(steps[step][0], title, same.setdefault(sql := text[at:at + n], sql), first, last, lock)
        for step, title, at, n, first, last, lock in forms))


def _steps(plans: tuple[Plan, ...]) -> list[Step]:
    """The steps of a file of ``plans``, in the order :func:`render_file` renders them."""
    return [step for p in plans for step in schedule(p.ops)]
