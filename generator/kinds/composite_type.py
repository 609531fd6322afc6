"""Composite types (``CREATE TYPE … AS (…)``). Everything about the kind, in one place.

Spec model: :class:`generator.spec.usertypes.CompositeType` (``composite_types:`` of a migration).
Ir: :class:`CompositeTypeIR`. Builder: :func:`build_composite_types`. Templates:
``templates/sql/composite_type/``. database.types.ts lists them under ``CompositeTypes``
(generator/render/typescript.py).

Changes are made in place with ``ALTER TYPE``: comment, grants, ``RENAME ATTRIBUTE`` (an
attribute's ``renamed_from``; recorded with the migration in the history), ``DROP ATTRIBUTE``,
``ALTER ATTRIBUTE … TYPE`` and ``ADD ATTRIBUTE``, when the attributes that stay come first in the
same order both before and after: Postgres appends an added attribute at the end, so only then
does the rollback (which adds the dropped ones back) give the same type. Any other change of the
attribute list (a reorder, an attribute inserted in the middle) re-creates the type. Postgres
refuses to change the attributes of a type a table column uses (its stored values would have to
be rewritten); verify reports it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import Obj, Privileged
from ..ir.sql import SqlRefs, type_refs
from ..plan.ops import AlterObject, Op
from ..quoting import quote_ident, quote_qualified
from . import Kind, KindDef, register

if TYPE_CHECKING:
    from ..ir.build import Builder

KIND = Kind.COMPOSITE_TYPE


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeIR:
    """One attribute: name, type and collation."""

    name: str
    type: str
    collation: str | None = None
    renamed_from: str | None = field(default=None, compare=False)  # a declared rename (plan only)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeTypeIR(Privileged):
    """``CREATE TYPE id AS (attribute type [COLLATE c], …)``."""

    attributes: tuple[AttributeIR, ...]


def build_composite_type(b: Builder, d: Any, number: int, at: tuple[Any, ...]) -> None:
    """A composite type of ``migrations[].composite_types`` (the registry's ``build``)."""
    b.ident(d.name, at + ("name",), "type name")
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    seen: set[str] = set()
    for j, a in enumerate(d.attributes):
        ap = at + ("attributes", j)
        b.ident(a.name, ap + ("name",), "attribute name")
        b.collation(a.collation, ap + ("collation",))
        if a.name in seen:
            b.error(ap + ("name",), f"composite type {d.name!r} has two attributes named {a.name!r}")
        seen.add(a.name)
        sql.append(("attribute type", b.sql(a.type, ap + ("type",), f"attribute {a.name!r} type", type_refs),
                    ap + ("type",)))
    attributes = tuple(AttributeIR(name=a.name, type=a.type, collation=a.collation, renamed_from=a.renamed_from)
                       for a in d.attributes)
    obj = CompositeTypeIR(id=ObjectId(KIND, d.schema_, d.name), migration=number, attributes=attributes,
                          comment=d.comment, pos=b.pos(at), grants=b.grants(d.grants, at + ("grants",)),
                          revoke_from=b.revoke_from, renamed_from=d.renamed_from)
    b.add(obj, at, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)

def attribute_renames(before: Obj | None, after: Obj) -> list[tuple[str, str]]:
    """(new name, old name) of each attribute ``after`` declares renamed from one ``before`` has
    (the registry's ``part_renames`` hook: the history records them with the migration)."""
    if not isinstance(before, CompositeTypeIR) or not isinstance(after, CompositeTypeIR):
        return []
    old = {a.name for a in before.attributes}
    new = {a.name for a in after.attributes}
    return [(a.name, a.renamed_from) for a in after.attributes
            if a.renamed_from and a.renamed_from in old and a.renamed_from not in new and a.name not in old]


def with_attribute_renamed(obj: Obj, name: str, old_name: str) -> Obj:
    """``obj`` with attribute ``name`` declared renamed from ``old_name`` (the ``apply_part_rename`` hook)."""
    assert isinstance(obj, CompositeTypeIR)
    return dataclasses.replace(obj, attributes=tuple(
        dataclasses.replace(a, renamed_from=old_name) if a.name == name else a for a in obj.attributes))


def _kept_prefix(before: list[str], after: list[str]) -> bool:
    """Whether the attributes both lists hold come first in both, in the same order."""
    common = [n for n in after if n in before]
    return after[: len(common)] == common and before[: len(common)] == common


@dataclass(frozen=True, slots=True)
class AlterCompositeType(AlterObject):
    """Composite type ``old`` → ``obj`` in place: ``renames`` are the (old name, new name) pairs of
    its renamed attributes, so that the reverse renames them back."""

    renames: tuple[tuple[str, str], ...] = ()

    def reverse(self) -> AlterCompositeType:
        return AlterCompositeType(self.old, self.obj, self.online, tuple((n, o) for o, n in self.renames))

    @property
    def statements(self) -> list[str]:
        """The ``ALTER TYPE`` statements, in order: renames, drops, type changes, then additions
        (appended at the end, as Postgres does)."""
        old, new = self.old, self.obj
        assert isinstance(old, CompositeTypeIR) and isinstance(new, CompositeTypeIR)
        target = f"ALTER TYPE {quote_qualified(new.id.schema, new.id.name)}"
        renamed = dict(self.renames)
        out = [f"{target} RENAME ATTRIBUTE {quote_ident(o)} TO {quote_ident(n)};" for o, n in self.renames]
        before = {renamed.get(a.name, a.name): dataclasses.replace(a, name=renamed.get(a.name, a.name))
                  for a in old.attributes}
        after = {a.name for a in new.attributes}
        out += [f"{target} DROP ATTRIBUTE {quote_ident(n)};" for n in before if n not in after]
        out += [f"{target} ALTER ATTRIBUTE {quote_ident(a.name)} SET DATA TYPE {_type_clause(a)};"
                for a in new.attributes if a.name in before and before[a.name] != a]
        out += [f"{target} ADD ATTRIBUTE {_attribute(a)};" for a in new.attributes if a.name not in before]
        return out


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    """In place (the renames carried in the op, so its reverse knows them too) when the kept
    attributes come first before and after; else None (re-created)."""
    assert isinstance(before, CompositeTypeIR) and isinstance(after, CompositeTypeIR)
    renames = {old: new for new, old in attribute_renames(before, after)}
    if not _kept_prefix([renames.get(a.name, a.name) for a in before.attributes], [a.name for a in after.attributes]):
        return None
    return [AlterCompositeType(after, before, online, tuple(sorted(renames.items())))]


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
    """The ``ALTER TYPE`` statements of an in-place change (the template filter hands them over)."""
    return op.statements if isinstance(op, AlterCompositeType) else []


COMPOSITE_TYPE = register(KindDef(
    kind=Kind.COMPOSITE_TYPE, ir=CompositeTypeIR, keyword="TYPE", template_dir="composite_type", namespace="relation",
    plural="composite types", docs_section="composite_types", data_type=True, public_default="USAGE", alter=_alter,
    section="composite_types", build=build_composite_type, names_type=True, hooks={"part_renames": attribute_renames,
           "apply_part_rename": with_attribute_renamed,
           "filters": lambda: {"composite_attributes": attribute_list, "attribute_changes": attribute_changes},
           "nested": lambda: {("CompositeTypeIR", "attributes"): AttributeIR}}))
