"""Policies: ``ALTER POLICY`` when command, mode and which clauses exist are unchanged, else
replaced (in the same transaction: a table is never left without it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import Obj, PolicyIR
from ..ir.sql import SqlRefs
from ..plan.locks import relation_name
from ..plan.ops import AEL, AlterObject, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import unchanged_but

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, PolicyIR) and isinstance(after, PolicyIR)
    same_shape = unchanged_but(before, after, "roles", "using", "with_check")
    clauses = (before.using is None) == (after.using is None) and \
        (before.with_check is None) == (after.with_check is None)
    return [AlterObject(after, before, online)] if same_shape and clauses else None


def _lock(op: Op, part: Part) -> Lock:
    """A brief ACCESS EXCLUSIVE on its table for any change."""
    return brief(AEL, relation_name(op.obj))


def build_policy(b: Builder, d: s.Policy, on: ObjectId, colset: set[str] | None, mig: int,
                 path: tuple[Any, ...]) -> None:
    """A policy on ``on`` (a table's ``policies``, or one of ``migrations[].policies`` on an
    external table, when ``colset`` is None)."""
    b.ident(d.name, path + ("name",), "policy name")
    mig = b.later(d.migration, mig, path)
    for i, role in enumerate(d.roles):
        if role.lower() not in b.roles:
            b.error(path + ("roles", i), f"unknown role {role!r}",
                    f"declare it under `roles:` (known: {', '.join(sorted(b.roles))})")
    if d.command == "insert" and d.using:
        b.error(path + ("using",), "an INSERT policy only takes `with_check`")
    if d.command in ("select", "delete") and d.with_check:
        b.error(path + ("with_check",), f"a {d.command.upper()} policy only takes `using`")
    if d.using is None and d.with_check is None:
        b.error(path, f"policy {d.name!r} needs `using` or `with_check`")
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    for key in ("using", "with_check"):
        text = getattr(d, key)
        refs = b.sql(text, path + (key,), f"policy {d.name!r} {key}")
        b.columns_in(refs, colset, on.name, path + (key,), f"policy {d.name!r}")
        sql.append((key, refs, path + (key,)))
    b.add(PolicyIR(
        id=ObjectId(Kind.POLICY, on.schema, d.name, table=on.name), migration=mig, on=on, command=d.command,
        permissive=d.mode == "permissive", roles=tuple(d.roles), using=d.using, with_check=d.with_check,
        comment=d.comment, description=d.description, pos=b.pos(path), renamed_from=d.renamed_from,
    ), path, [on], sql)


def _build_attached(b: Builder, d: s.AttachedPolicy, mig: int, path: tuple[Any, ...]) -> None:
    build_policy(b, d, b.attached_to(d.table, path + ("table",)), None, mig, path)


POLICY = register(KindDef(kind=Kind.POLICY, ir=PolicyIR, keyword="POLICY", template_dir="policy",
                          namespace="scoped", tracked=True, plural="policies", alter=_alter, lock=_lock,
                          alembic_entity="PGPolicy",
                          section="policies", build=_build_attached))
