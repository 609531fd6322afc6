"""Filters for the in-place change templates (``sql/<kind>/alter.sql.j2`` and the ALTER TABLE parts).

Python decides what changed; the templates only lay the statements out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..ir.model import CheckConstraint, EnumIR, ExclusionConstraint, GrantIR, KeyConstraint, Obj
from ..plan import Op
from ..quoting import quote_ident
from .exclusion import exclusion_def

SIDE = {"comment", "grants", "revoke_from"}


def changed_fields(op: Op) -> set[str]:
    """Names of the compared fields that differ between ``op.old`` and ``op.obj``."""
    old, new = op.old, op.obj
    if old is None:
        return set()
    return {f.name for f in dataclasses.fields(new) if f.compare and f.name != "id"
            and getattr(old, f.name) != getattr(new, f.name)}


def definition_changed(op: Op) -> bool:
    """Whether anything but the comment and the grants changed (the object's definition)."""
    return bool(changed_fields(op) - SIDE)


def _role(name: str) -> str:
    return "PUBLIC" if name.lower() == "public" else quote_ident(name)


def _triples(grants: tuple[GrantIR, ...]) -> set[tuple[str, str, str | None, bool]]:
    return {(r, p, c, g.grant_option) for g in grants for r in g.roles for p in g.privileges
            for c in (g.columns or (None,))}


def _statement(verb: str, role: str, items: list[tuple[str, str | None]], kind: str, target: str,
               option: bool = False) -> str:
    privs = ", ".join(p.upper() + (f" ({quote_ident(c)})" if c else "") for p, c in items)
    word = "TO" if verb == "GRANT" else "FROM"
    return f"{verb} {privs} ON {kind} {target} {word} {_role(role)}" + (" WITH GRANT OPTION" if option else "") + ";"


def grant_changes(op: Op, kind: str, target: str) -> list[str]:
    """REVOKE and GRANT statements taking the privileges of ``op.old`` to those of ``op.obj``.

    A role that loses anything is revoked exactly what it loses and then granted again all it
    keeps (a table-level REVOKE also takes column privileges, ALL takes every privilege). An op
    split in halves (``detail`` ``revoke`` or ``grant``, see :data:`generator.plan.ops.GRANT_HALVES`)
    renders only its half.
    """
    statements = _grant_changes(op, kind, target)
    if op.detail in ("revoke", "grant"):
        return [s for s in statements if s.startswith(op.detail.upper() + " ")]
    return statements


def _grant_changes(op: Op, kind: str, target: str) -> list[str]:
    old: Obj = op.old  # type: ignore[assignment]
    new: Obj = op.obj
    out: list[str] = []
    added_from = [r for r in getattr(new, "revoke_from", ()) if r not in getattr(old, "revoke_from", ())]
    if added_from:
        out.append(f"REVOKE ALL ON {kind} {target} FROM {', '.join(_role(r) for r in added_from)};")
    before, after = _triples(getattr(old, "grants", ())), _triples(getattr(new, "grants", ()))
    if before == after:
        return out
    lost = before - after
    touched = {r for r, *_ in lost}
    for role in sorted(touched):
        items = sorted({(p, c) for r, p, c, _g in lost if r == role}, key=lambda x: (x[0], x[1] or ""))
        out.append(_statement("REVOKE", role, items, kind, target))
    wanted = sorted((t for t in after if t not in before or t[0] in touched),
                    key=lambda t: (t[0], t[1], t[2] or "", t[3]))  # table and column privileges mixed
    for role in sorted({t[0] for t in wanted}):
        for option in (False, True):
            items = [(p, c) for r, p, c, g in wanted if r == role and g == option]
            if items:
                out.append(_statement("GRANT", role, items, kind, target, option))
    return out


def constraint_def(part: KeyConstraint | CheckConstraint | ExclusionConstraint, detail: str) -> str:
    """``PRIMARY KEY (…)``, ``UNIQUE [NULLS NOT DISTINCT] (…)``, ``CHECK (…)`` or ``EXCLUDE …``."""
    if isinstance(part, ExclusionConstraint):
        return exclusion_def(part)
    if isinstance(part, CheckConstraint):
        return f"CHECK ({part.expression})"
    cols = ", ".join(quote_ident(c) for c in part.columns)
    if detail == "primary key":
        return f"PRIMARY KEY ({cols})"
    return f"UNIQUE{' NULLS NOT DISTINCT' if part.nulls_not_distinct else ''} ({cols})"


def enum_additions(op: Op) -> list[tuple[str, str, str]] | None:
    """(value, BEFORE|AFTER, neighbour) for each value added, or None when values were removed or
    reordered (then the type is re-created)."""
    assert isinstance(op.old, EnumIR) and isinstance(op.obj, EnumIR)  # an enum's alter op
    old: tuple[str, ...] = op.old.values
    new: tuple[str, ...] = op.obj.values
    if [v for v in new if v in old] != list(old) or not set(old) <= set(new):
        return None
    out: list[tuple[str, str, str]] = []
    placed = list(old)
    for i, v in enumerate(new):
        if v in old:
            continue
        if i > 0:
            out.append((v, "AFTER", new[i - 1]))
        else:
            nxt = next((x for x in new if x in placed), None)
            if nxt is None:
                out.append((v, "", ""))
            else:
                out.append((v, "BEFORE", nxt))
        placed.append(v)
    return out


def not_null(c: Any) -> bool:
    """Whether Postgres holds the column NOT NULL (identity columns always are)."""
    return not c.nullable or c.identity is not None


def column_changes(op: Op) -> dict[str, Any]:
    """What an ``alter_column`` op changes, in the order the statements must run."""
    o, n = op.old_part, op.part
    same_type = " ".join(o.type.lower().split()) == " ".join(n.type.lower().split()) and \
        o.collation == n.collation  # a new collation is a TYPE … COLLATE change
    return {
        "type": not same_type,
        "drop_default": o.default is not None and (n.default != o.default or not same_type),
        "set_default": n.default is not None and (n.default != o.default or not same_type),
        "drop_identity": o.identity is not None and n.identity is None,
        "add_identity": n.identity is not None and o.identity is None,
        "set_identity": None not in (o.identity, n.identity) and o.identity != n.identity,
        "set_not_null": not not_null(o) and not_null(n),  # before ADD IDENTITY, which needs it
        "drop_not_null": not_null(o) and not not_null(n),  # after DROP IDENTITY, which keeps it
        "comment": o.comment != n.comment,
        "sequence_grants": n.identity is not None and o.identity is not None
        and o.sequence_grants != n.sequence_grants,
    }


def enum_columns(op: Op) -> list[tuple[object, str, str | None, bool]]:
    """(table, column, default, is array) of each column a re-created enum converts, with the
    default of the state the op leads to (``op.part`` is True going to the spec's state)."""
    return [(t, c, after if op.part else before, is_array) for t, c, before, after, is_array in op.extra]


def pending_check(op: Op) -> str:
    """The name a replacing check is added under while the old one still holds: its own name when
    that differs from the old one's, else a temporary name (at most 63 bytes, Postgres's limit)."""
    name: str = op.part.name
    if name != op.old_part.name:
        return name
    suffix = "__schemagen_new"
    while len((name + suffix).encode()) > 63:
        name = name[:-1]
    return name + suffix


FILTERS = {
    "pending_check": pending_check, "enum_columns": enum_columns,
    "changed_fields": changed_fields, "definition_changed": definition_changed, "grant_changes": grant_changes,
    "constraint_def": constraint_def, "enum_additions": enum_additions, "column_changes": column_changes,
}
