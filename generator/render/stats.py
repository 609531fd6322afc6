"""Statistics of a model and its generated files: computed, never typed by hand.

Every figure is something the catalog of a database built from the migrations can confirm
(``tests/test_docs.py`` does): counts of tables, columns, constraints, indexes, policies,
triggers, functions and views, and the lines of the generated SQL files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache

from ..ir.ids import ObjectId
from ..ir.model import Model, Obj, TableIR
from ..kinds import Kind, kind_def, kinds_with_columns
from ..output import GeneratedFile


@dataclass(frozen=True, slots=True, kw_only=True)
class Counts:
    """How many objects of each kind a set of objects holds.

    ``indexes`` are the declared ones (``indexes:`` of tables and materialized views);
    ``constraint_indexes`` the ones Postgres creates for primary keys and unique constraints.
    """

    schemas: int = 0
    extensions: int = 0
    types: int = 0
    domains: int = 0
    composite_types: int = 0
    sequences: int = 0
    tables: int = 0
    columns: int = 0
    primary_keys: int = 0
    foreign_keys: int = 0
    unique_constraints: int = 0
    check_constraints: int = 0
    indexes: int = 0
    constraint_indexes: int = 0
    policies: int = 0
    triggers: int = 0
    functions: int = 0
    procedures: int = 0
    views: int = 0
    materialized_views: int = 0

    @property
    def all_indexes(self) -> int:
        """Every index the catalog holds: declared plus those behind primary keys and uniques."""
        return self.indexes + self.constraint_indexes

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@cache
def _counter(kind: Kind) -> str | None:
    """The ``Counts`` field that counts objects of ``kind``: its plural (the registry's), if there is one."""
    name = kind_def(kind).plural.replace(" ", "_")
    return name if name in _COUNTERS else None


_COUNTERS = frozenset(f.name for f in fields(Counts))


def count_objects(objects: Iterable[Obj]) -> Counts:
    """Counts of ``objects`` (any subset of a model: a whole model, one migration, one table)."""
    n: Counter[str] = Counter()
    for obj in objects:
        counter = _counter(obj.id.kind)
        if counter is not None:
            n[counter] += 1
        if isinstance(obj, TableIR):
            n["columns"] += len(obj.columns)
            n["primary_keys"] += obj.primary_key is not None
            n["unique_constraints"] += len(obj.uniques)
            n["check_constraints"] += len(obj.checks)
            n["constraint_indexes"] += (obj.primary_key is not None) + len(obj.uniques)
    return Counts(**n)


def line_count(text: str) -> int:
    """Lines of a generated file (every generated file ends with a newline)."""
    return text.count("\n")


@dataclass(frozen=True, slots=True, kw_only=True)
class Statistics:
    """Totals, per-migration counts and line counts of the generated files."""

    total: Counts
    per_migration: dict[int, Counts]
    per_relation: dict[str, Counts]
    migration_lines: int
    rollback_lines: int
    seed_lines: int
    typescript_lines: int
    file_lines: dict[str, int]

    @property
    def sql_lines(self) -> int:
        """Lines of SQL: migrations, rollbacks and seed data."""
        return self.migration_lines + self.rollback_lines + self.seed_lines


def compute_statistics(model: Model, migration_files: Sequence[str], rollback_files: Sequence[str],
                       files: Sequence[GeneratedFile], created: Mapping[ObjectId, int]) -> Statistics:
    """Statistics of ``model`` and of ``files`` (the generated files, by name); ``created``: the
    migration that creates each object (``render.docs.created_in``)."""
    objects = [model.objects[i] for i in model.order]
    per_migration = {m.number: count_objects(o for o in objects if created[o.id] == m.number)
                     for m in model.migrations}
    per_relation: dict[str, Counts] = {}
    for rel in model.of_kind(*kinds_with_columns()):
        owned = [rel, *(o for kind in Kind for o in model.children(rel.id, kind))]
        per_relation[rel.id.qualified] = count_objects(owned)
    lines = {f.name: line_count(f.text) for f in files}
    return Statistics(
        total=count_objects(objects),
        per_migration=per_migration,
        per_relation=per_relation,
        migration_lines=sum(lines.get(n, 0) for n in migration_files),
        rollback_lines=sum(lines.get(n, 0) for n in rollback_files),
        seed_lines=sum(v for n, v in lines.items() if n.endswith(".sql") and n not in migration_files
                       and n not in rollback_files),
        typescript_lines=sum(v for n, v in lines.items() if n.endswith(".ts")),
        file_lines=lines,
    )
