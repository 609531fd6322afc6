"""The registry of object kinds: the one place that lists them.

:class:`Kind` names every kind schemagen manages, in creation rank (the tie-break between
independent objects). Each kind has one module in this package that registers a :class:`KindDef`:
its ir class, SQL keyword, template folder, namespace, its builder (spec → ir), how a change to it
is planned (``alter``: in place, or None to replace), what dropping it loses, and how the typed
operations on it (:mod:`generator.plan.ops`) run: the lock each step takes (``lock``), whether it
is built ``CONCURRENTLY`` or validated apart on a live table. Build, history, plan, render, lint
and docs ask the registry (:func:`kind_def`, :func:`kind_defs`) instead of comparing kind strings.

The builder hook. ``KindDef.section`` names the list of a ``migrations:`` block that declares the
kind (the field of :class:`generator.spec.models.Migration`, e.g. ``"tables"``), and
``KindDef.build`` turns one declaration into ir: ``build(b, decl, migration, path)``, where ``b``
is the :class:`generator.ir.build.Builder` (shared helpers: ``b.error``, ``b.pos``, ``b.ident``,
``b.grants``, ``b.sql``, ``b.columns_in``, ``b.later``, ``b.add``), ``decl`` the spec model of the
declaration, ``migration`` its migration number and ``path`` its YAML path (for positions:
``path + ("name",)``). The builder checks what it can see locally, reports each problem with
``b.error(path, message)`` (never raises: every problem is collected and reported at once) and
adds the object with ``b.add(obj, path, deps, sql)``: ``deps`` its declared dependencies, ``sql``
the parsed SQL fragments whose names become dependencies once every object is known. A kind
declared only inside another (an index, a foreign key inside a table) has no section and its
parent's builder calls the kind module's own function. Passes over every object once all are
added go in ``hooks``: ``hooks["link"](b)`` runs before SQL names are resolved into dependencies
(foreign key targets, trigger functions, raw SQL), ``hooks["check"](b)`` after (jobs).
:func:`generator.ir.build.build` calls the builders of every kind with a section, in creation
rank, migration by migration; it also puts a kind whose ``namespace`` is ``relation`` into the
namespace shared by tables, views, sequences, indexes and types (a second object with the same
name is an error).

Adding a kind: a member of :class:`Kind`, one module here calling :func:`register` (with its ir
class, ``section`` and ``build``), its spec model listed in ``Migration``, its templates under
``templates/sql/<template_dir>/`` and its golden cases (README, "Adding an object kind").
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..ir.model import Obj
    from ..plan.ops import Lock, Op, Part


class Kind(StrEnum):
    """Every object kind, in creation rank. A ``StrEnum``: its value is the word used in messages,
    history files and op titles (``materialized view``)."""

    SCHEMA = "schema"
    EXTENSION = "extension"
    TYPE = "type"
    DOMAIN = "domain"
    COMPOSITE_TYPE = "composite type"
    SEQUENCE = "sequence"
    FUNCTION = "function"
    PROCEDURE = "procedure"
    TABLE = "table"
    CONSTRAINT = "constraint"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized view"
    INDEX = "index"
    TRIGGER = "trigger"
    POLICY = "policy"
    JOB = "job"
    RAW = "raw"

    @property
    def rank(self) -> int:
        """Creation rank: the tie-break order between objects that do not depend on each other."""
        return _RANK[self]

    @property
    def spec(self) -> KindDef:
        """This kind's registered definition."""
        return kind_def(self)


_RANK: dict[Kind, int] = {k: i for i, k in enumerate(Kind)}

#: In-place strategy: the ops that change ``before`` into ``after``, or None when it is replaced.
AlterFn = Callable[["Obj", "Obj", bool], "list[Op] | None"]
#: Builder: add the ir of one declaration (``decl``, of migration ``migration``, at YAML ``path``)
#: to the builder context, reporting problems on it (see the module docstring).
BuildFn = Callable[["Builder", Any, int, tuple[Any, ...]], None]
#: The lock one part of an op on an object of the kind takes (``plan.ops.Lock``).
LockFn = Callable[["Op", "Part"], "Lock"]


@dataclass(frozen=True, slots=True, kw_only=True)
class KindDef:
    """What schemagen knows about one kind of object."""

    kind: Kind
    #: the ir dataclass of its objects
    ir: type[Obj]
    #: the SQL object keyword (``COMMENT ON <keyword>``, ``GRANT … ON <keyword>``), None when the
    #: kind is not a Postgres object of its own (a cron job, raw SQL)
    keyword: str | None
    #: folder of its templates under ``templates/sql/`` (``<action>.sql.j2`` per action)
    template_dir: str
    #: the Postgres namespace its names live in: ``relation`` (tables, views, sequences, indexes
    #: and types share ``pg_class``/``pg_type`` names in a schema), ``function``, ``scoped`` (named
    #: within its table: constraints, policies, triggers), or ``own`` (schemas, extensions, jobs)
    namespace: str
    #: a relation rows are read from (``FROM x`` can name it)
    relation: bool = False
    #: its name is also a type's name, usable as a column or argument type (enums; tables and
    #: views, whose row type has their name): a type reference to it is a dependency
    names_type: bool = False
    #: Postgres records its dependencies and refuses to drop or retype what it uses: it is replaced
    #: along with what it depends on
    tracked: bool = False
    #: dropping it loses data
    holds_data: bool = False
    #: a routine (functions, procedures): a body in a procedural language, run with EXECUTE (granted
    #: to PUBLIC by default), its own search_path setting, SECURITY DEFINER or INVOKER
    routine: bool = False
    #: ``GRANT … ON`` keyword when it differs from ``keyword`` (views are granted as tables)
    grant_keyword: str | None = None
    #: the in-place strategy; None means every change replaces the object
    alter: AlterFn | None = None
    #: the lock each part of an op on it takes and whether it rewrites a table (None: no table lock)
    lock: LockFn | None = None
    #: on a live relation, created and dropped ``CONCURRENTLY``, outside any transaction (indexes)
    concurrently: bool = False
    #: on a live relation, added ``NOT VALID`` and validated in a transaction of its own (foreign keys)
    validated_apart: bool = False
    #: Postgres rebuilds it by itself when a column of its table is retyped, so it is replaced only
    #: along with a replaced relation that does not hold data (an index of a materialized view)
    rebuilt_with_table: bool = False
    #: its name may be derived from its definition: one whose definition is unchanged but whose name
    #: changed (its table or a column renamed) is renamed, not rebuilt (indexes, foreign keys)
    derived_name: bool = False
    #: the alembic_utils entity class its objects become in ``alembic/`` revisions (``PGView``)
    alembic_entity: str | None = None
    #: how its name is spoken in the plural (statistics, docs); with spaces as underscores it names
    #: its field of the statistics' ``Counts`` (a kind without such a field is not counted)
    plural: str = ""
    #: the list of a ``migrations:`` block that declares it (a field of ``spec.models.Migration``),
    #: None when it is only declared inside another kind (indexes, foreign keys)
    section: str | None = None
    #: its builder: turns one declaration of ``section`` into ir (see the module docstring)
    build: BuildFn | None = None
    #: where its rows' columns come from: ``declared`` in the spec (tables), the ``query`` (views,
    #: materialized views), or None (no rows of its own to describe). Types, docs, seed data and
    #: policy tests describe the columns of exactly these kinds.
    columns: str | None = None
    #: Supabase's default privileges in ``public`` grant it to anon and authenticated (Postgres's
    #: ``ALTER DEFAULT PRIVILEGES … ON TABLES | SEQUENCES | FUNCTIONS``)
    api_default_grant: bool = False
    #: the privilege PUBLIC holds on a new object of the kind (``acldefault``: USAGE on types,
    #: EXECUTE on functions); given back when ``public`` leaves ``privileges.revoke_from``
    public_default: str | None = None
    #: the key its objects are listed under in the documentation templates' context (``tables``,
    #: ``enums``, ...); None when the docs do not list the kind on its own
    docs_section: str | None = None
    #: a data type of its own (enums, domains, composite types): columns, arguments and attributes
    #: can be of it (so it is a dependency of theirs); a column of a renamed one follows the rename,
    #: and one that is over an enum blocks re-creating that enum (only table columns are converted)
    data_type: bool = False
    #: SCHEMA_DOCUMENTATION.md gives each of its objects a heading of its own (a link can point at it)
    docs_heading: bool = False
    #: extra, kind-specific hooks (statistics, docs, types, lint) keyed by stage name
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)

    @property
    def grant_on(self) -> str | None:
        """The keyword ``GRANT … ON`` takes for this kind."""
        return self.grant_keyword or self.keyword


_REGISTRY: dict[Kind, KindDef] = {}
_LOADED = False


def register(definition: KindDef) -> KindDef:
    """Record one kind's definition (called once, by its module)."""
    if definition.kind in _REGISTRY:
        raise RuntimeError(f"kind {definition.kind} registered twice")
    _REGISTRY[definition.kind] = definition
    return definition


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    missing = [k for k in Kind if k not in _REGISTRY]
    if missing:
        raise RuntimeError(f"kinds without a module: {', '.join(missing)}")
    _LOADED = True


def kind_def(kind: Kind | str) -> KindDef:
    """The definition of ``kind`` (a ``Kind`` or its value: a ``StrEnum`` member hashes and
    compares as its string, so both find it without building the member; called ~80,000 times
    per 1,000 tables)."""
    if not _LOADED:
        _load()
    found = _REGISTRY.get(cast("Kind", kind))  # a str finds its equal Kind (same hash and equality)
    return found if found is not None else _REGISTRY[Kind(kind)]


def kind_defs() -> Iterator[KindDef]:
    """Every kind's definition, in creation rank."""
    if not _LOADED:
        _load()
    return (_REGISTRY[k] for k in Kind)


def kinds_where(**facts: object) -> tuple[Kind, ...]:
    """The kinds whose definition has every given fact (``kinds_where(relation=True)``)."""
    return tuple(d.kind for d in kind_defs() if all(getattr(d, k) == v for k, v in facts.items()))


def kinds_with_columns() -> tuple[Kind, ...]:
    """The kinds whose rows have columns to describe (``columns`` is set): tables, views, ..."""
    return tuple(d.kind for d in kind_defs() if d.columns)
