"""Domains: a base type with NOT NULL, a default and named checks. Everything about the kind, in one place.

Spec model: :class:`generator.spec.usertypes.Domain` (``domains:`` of a migration; it sits with the
input models because the spec loads before the registry). Ir: :class:`DomainIR`. Builder:
:func:`build_domains`. Templates: ``templates/sql/domain/``.

A column, a function argument or result, or a composite type attribute can be of a domain: the
type reference makes it a dependency, so the domain is created before what uses it and dropped
after it. Changes are made in place (``ALTER DOMAIN``): comment, grants, default, NOT NULL and
checks. A new check is added ``NOT VALID`` then validated; a changed check is added under a
temporary name beside the old one, validated, then the old one is dropped and the new one takes
its name, so that the domain is never without it. A renamed domain (``renamed_from``) is
``ALTER DOMAIN … RENAME TO``.

A new base type or collation is refused with a located error: Postgres cannot change either in
place (``ALTER DOMAIN`` has no ``TYPE`` or ``COLLATE``), and a drop
and create would have to convert every column, argument and attribute of the domain first (and
``DROP DOMAIN`` refuses while they exist). The safe path is explicit: declare a new domain, move
the columns to it, then drop the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RefusedChange
from ..ir.ids import ObjectId
from ..ir.model import CheckConstraint, Obj, Privileged
from ..ir.sql import SqlRefs, type_refs
from ..plan.ops import NO_LOCK, NO_REWRITE, AlterObject, Lock, Op, Part
from ..quoting import quote_ident, quote_qualified
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder

KIND = Kind.DOMAIN
#: Suffix of the temporary name a changed check is added under while the old one still holds.
PENDING = "__schemagen_new"


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainIR(Privileged):
    """``CREATE DOMAIN id AS type [COLLATE c] [DEFAULT default] [NOT NULL] [CONSTRAINT name CHECK (…)]…``."""

    type: str
    collation: str | None = None
    not_null: bool = False
    default: str | None = None
    checks: tuple[CheckConstraint, ...] = ()


def _norm(t: str) -> str:
    return " ".join(t.lower().split())


def build_domain(b: Builder, d: Any, number: int, at: tuple[Any, ...]) -> None:
    """A domain of ``migrations[].domains`` (the registry's ``build``)."""
    b.ident(d.name, at + ("name",), "domain name")
    b.collation(d.collation, at + ("collation",))
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = [
        ("base type", b.sql(d.type, at + ("type",), f"domain {d.name!r} type", type_refs), at + ("type",)),
        ("default", b.sql(d.default, at + ("default",), f"domain {d.name!r} default"), at + ("default",)),
    ]
    seen: set[str] = set()
    checks = []
    for j, c in enumerate(d.checks):
        cp = at + ("checks", j)
        b.ident(c.name, cp + ("name",), "constraint name")
        if c.name in seen:
            b.error(cp + ("name",), f"domain {d.name!r} has two checks named {c.name!r}")
        seen.add(c.name)
        sql.append(("check", b.sql(c.expression, cp + ("expression",), f"domain {d.name!r} check {c.name!r}"),
                    cp + ("expression",)))
        checks.append(CheckConstraint(name=c.name, expression=c.expression, pos=b.pos(cp)))
    obj = DomainIR(id=ObjectId(KIND, d.schema_, d.name), migration=number, type=d.type, collation=d.collation,
                   not_null=d.not_null,
                   default=d.default, checks=tuple(checks), comment=d.comment, pos=b.pos(at),
                   grants=b.grants(d.grants, at + ("grants",)), revoke_from=b.revoke_from,
                   renamed_from=d.renamed_from)
    b.add(obj, at, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)

def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    """Everything changes in place but the base type and the collation, which are refused (see the
    module docstring)."""
    assert isinstance(before, DomainIR) and isinstance(after, DomainIR)
    if _norm(before.type) != _norm(after.type):
        raise RefusedChange(
            after.id, f"domain {after.id.qualified}: its base type cannot change ({before.type} → {after.type})",
            "declare a new domain with the new type, move the columns to it in one migration, then drop the "
            "old one")
    if before.collation != after.collation:
        was, now = (c or "the base type's" for c in (before.collation, after.collation))
        raise RefusedChange(
            after.id, f"domain {after.id.qualified}: its collation cannot change ({was} → {now}): ALTER DOMAIN "
                      "has no COLLATE",
            "declare a new domain with the new collation, move the columns to it in one migration, then drop the "
            "old one")
    return in_place(before, after, online)


def pending_name(name: str) -> str:
    """The temporary name of a changed check (at most 63 bytes, Postgres's limit)."""
    while len((name + PENDING).encode()) > 63:
        name = name[:-1]
    return name + PENDING


def check_changes(op: Op) -> list[str]:
    """The ``ALTER DOMAIN`` statements taking ``op.old``'s checks to ``op.obj``'s, without a gap:
    new and changed checks first (each validated), removed ones last."""
    old, new = op.old, op.obj
    assert isinstance(old, DomainIR) and isinstance(new, DomainIR)
    target = f"ALTER DOMAIN {quote_qualified(new.id.schema, new.id.name)}"
    before = {c.name: c.expression for c in old.checks}
    after = {c.name for c in new.checks}
    out: list[str] = []
    for c in new.checks:
        if c.name in before and before[c.name] == c.expression:
            continue
        temp = pending_name(c.name) if c.name in before else c.name
        out += [f"{target} ADD CONSTRAINT {quote_ident(temp)} CHECK ({c.expression}) NOT VALID;",
                f"{target} VALIDATE CONSTRAINT {quote_ident(temp)};"]
        if temp != c.name:
            out += [f"{target} DROP CONSTRAINT {quote_ident(c.name)};",
                    f"{target} RENAME CONSTRAINT {quote_ident(temp)} TO {quote_ident(c.name)};"]
    out += [f"{target} DROP CONSTRAINT {quote_ident(c.name)};" for c in old.checks if c.name not in after]
    return out


def _lock(op: Op, part: Part) -> Lock:
    """What an op on a domain locks: SET NOT NULL and a check being validated scan every column of
    the domain, holding SHARE on its tables (writes wait); the rest locks no table."""
    old, new = op.old, op.obj
    scans = isinstance(op, AlterObject) and isinstance(old, DomainIR) and isinstance(new, DomainIR) and (
        (new.not_null and not old.not_null) or any(c not in old.checks for c in new.checks))
    if scans:
        return Lock("SHARE", "SHARE on each table with a column of the domain (writes wait) while it checks their "
                             f"rows; {NO_REWRITE}")
    return NO_LOCK


DOMAIN = register(KindDef(kind=Kind.DOMAIN, ir=DomainIR, keyword="DOMAIN", template_dir="domain", namespace="relation",
                          plural="domains", docs_section="domains", data_type=True, public_default="USAGE",
                          alter=_alter, lock=_lock,
                          section="domains", build=build_domain, names_type=True, hooks={
                                 "filters": lambda: {"domain_checks": check_changes},
                                 "nested": lambda: {("DomainIR", "checks"): CheckConstraint}}))
