"""Composite types (``CREATE TYPE … AS (…)``). Everything about the kind, in one place.

Spec model: :class:`generator.spec.usertypes.CompositeType` (``composite_types:`` of a migration).
Ir: :class:`CompositeTypeIR`. Builder: :func:`build_composite_types`. Templates:
``templates/sql/composite_type/``. database.types.ts lists them under ``CompositeTypes``
(generator/render/typescript.py).

Changes are made in place with ``ALTER TYPE``: comment, grants, ``DROP ATTRIBUTE``,
``ALTER ATTRIBUTE … TYPE`` and ``ADD ATTRIBUTE``, when the attributes that stay come first in the
same order both before and after: Postgres appends an added attribute at the end, so only then
does the rollback (which adds the dropped ones back) give the same type. Any other change of the
attribute list (a reorder, an attribute inserted in the middle) re-creates the type. Postgres
refuses to change the attributes of a type a table column uses (its stored values would have to
be rewritten); verify reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import Obj, Privileged
from ..ir.sql import SqlRefs, type_refs
from ..plan.ops import Op
from ..quoting import quote_ident, quote_qualified
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import _Builder
    from ..spec.models import Migration

KIND = Kind.COMPOSITE_TYPE


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeIR:
    """One attribute: name, type and collation."""

    name: str
    type: str
    collation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeTypeIR(Privileged):
    """``CREATE TYPE id AS (attribute type [COLLATE c], …)``."""

    attributes: tuple[AttributeIR, ...]


def build_composite_types(b: _Builder, mig: Migration, number: int, path: tuple[Any, ...]) -> None:
    """Add the composite types of migration ``mig`` to the builder (the registry's ``build`` hook)."""
    for i, d in enumerate(mig.composite_types):
        at = path + ("composite_types", i)
        b.ident(d.name, at + ("name",), "type name")
        sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
        seen: set[str] = set()
        for j, a in enumerate(d.attributes):
            ap = at + ("attributes", j)
            b.ident(a.name, ap + ("name",), "attribute name")
            if a.name in seen:
                b.error(ap + ("name",), f"composite type {d.name!r} has two attributes named {a.name!r}")
            seen.add(a.name)
            sql.append(("attribute type", b.sql(a.type, ap + ("type",), f"attribute {a.name!r} type", type_refs),
                        ap + ("type",)))
        attributes = tuple(AttributeIR(name=a.name, type=a.type, collation=a.collation) for a in d.attributes)
        obj = CompositeTypeIR(id=ObjectId(KIND, d.schema_, d.name), migration=number, attributes=attributes,
                              comment=d.comment, pos=b.pos(at), grants=b.grants(d.grants, at + ("grants",)),
                              revoke_from=b.revoke_from, renamed_from=d.renamed_from)
        b.add(obj, at, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)


def _kept_prefix(before: tuple[AttributeIR, ...], after: tuple[AttributeIR, ...]) -> bool:
    """Whether the attributes both lists hold come first in both, in the same order."""
    names_b, names_a = [a.name for a in before], [a.name for a in after]
    common = [n for n in names_a if n in names_b]
    return names_a[: len(common)] == common and names_b[: len(common)] == common


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, CompositeTypeIR) and isinstance(after, CompositeTypeIR)
    if not _kept_prefix(before.attributes, after.attributes):
        return None
    return in_place(before, after, online)


def _type_clause(a: AttributeIR) -> str:
    """``type [COLLATE collation]`` of an attribute."""
    collate = f" COLLATE {'.'.join(quote_ident(p) for p in a.collation.split('.', 1))}" if a.collation else ""
    return f"{a.type}{collate}"


def _attribute(a: AttributeIR) -> str:
    return f"{quote_ident(a.name)} {_type_clause(a)}"


def attribute_list(obj: CompositeTypeIR) -> str:
    """``a integer, b text COLLATE "C"``: the attribute list of ``CREATE TYPE … AS (…)``."""
    return ", ".join(_attribute(a) for a in obj.attributes)


def attribute_changes(op: Op) -> list[str]:
    """The ``ALTER TYPE`` statements taking ``op.old``'s attributes to ``op.obj``'s: drops, type
    changes, then additions (appended at the end, as Postgres does)."""
    old, new = op.old, op.obj
    assert isinstance(old, CompositeTypeIR) and isinstance(new, CompositeTypeIR)
    target = f"ALTER TYPE {quote_qualified(new.id.schema, new.id.name)}"
    before = {a.name: a for a in old.attributes}
    after = {a.name for a in new.attributes}
    out = [f"{target} DROP ATTRIBUTE {quote_ident(a.name)};" for a in old.attributes if a.name not in after]
    for a in new.attributes:
        was = before.get(a.name)
        if was is None:
            out.append(f"{target} ADD ATTRIBUTE {_attribute(a)};")
        elif was != a:
            out.append(f"{target} ALTER ATTRIBUTE {quote_ident(a.name)} SET DATA TYPE {_type_clause(a)};")
    adds = [s for s in out if " ADD ATTRIBUTE " in s]
    return [s for s in out if " ADD ATTRIBUTE " not in s] + adds


COMPOSITE_TYPE = register(KindDef(
    kind=KIND, ir=CompositeTypeIR, keyword="TYPE", template_dir="composite_type", namespace="relation",
    plural="composite types", alter=_alter,
    hooks={"build": build_composite_types,
           "filters": lambda: {"composite_attributes": attribute_list, "attribute_changes": attribute_changes},
           "nested": lambda: {("CompositeTypeIR", "attributes"): AttributeIR}}))
