"""Filters for the in-place change templates (``sql/<kind>/alter.sql.j2`` and the ALTER TABLE parts).

Python decides what changed; the templates only lay the statements out.
"""

from __future__ import annotations

import dataclasses

from ..ir.model import CheckConstraint, EnumIR, GrantIR, KeyConstraint, Obj
from ..kinds import Kind, kind_def
from ..plan import Op
from ..plan.ops import AlterColumn, ColumnChanges, EnumChange, ReplaceCheck
from ..plan.ops import enum_additions as added_values
from ..quoting import quote_ident

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
    split in halves (``RevokePrivileges``, ``GrantPrivileges``: its ``half``) renders only its half.
    """
    statements = _grant_changes(op, kind, target)
    if op.half is not None:
        return [s for s in statements if s.startswith(op.half.upper() + " ")]
    return statements


def _grant_changes(op: Op, kind: str, target: str) -> list[str]:
    old = op.old
    new: Obj = op.obj
    assert old is not None, op  # an alter op
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


def constraint_def(part: KeyConstraint | CheckConstraint, constraint_type: str) -> str:
    """``PRIMARY KEY (…)``, ``UNIQUE [NULLS NOT DISTINCT] (…)`` or ``CHECK (…)``."""
    if isinstance(part, CheckConstraint):
        return f"CHECK ({part.expression})"
    cols = ", ".join(quote_ident(c) for c in part.columns)
    if constraint_type == "primary key":
        return f"PRIMARY KEY ({cols})"
    return f"UNIQUE{' NULLS NOT DISTINCT' if part.nulls_not_distinct else ''} ({cols})"


def enum_additions(op: Op) -> list[tuple[str, str, str]] | None:
    """(value, BEFORE|AFTER, neighbour) for each value an enum's alter adds, or None when values
    were removed or reordered (then the type is re-created)."""
    assert isinstance(op.old, EnumIR) and isinstance(op.obj, EnumIR)  # an enum's alter op
    return added_values(op.old.values, op.obj.values)


def column_changes(op: Op) -> ColumnChanges:
    """What an :class:`AlterColumn` op changes, in the order the statements must run."""
    assert isinstance(op, AlterColumn), op
    return op.changes


def enum_columns(op: Op) -> list[tuple[object, str, str | None, bool]]:
    """(table, column, default, is array) of each column a re-created enum converts, with the
    default of the state the op leads to (``op.to_spec``: going to the spec's state)."""
    assert isinstance(op, EnumChange), op
    return [(t, c, after if op.to_spec else before, is_array) for t, c, before, after, is_array in op.columns]


def pending_check(op: Op) -> str:
    """The name a replacing check is added under while the old one still holds
    (:attr:`ReplaceCheck.pending_name`)."""
    assert isinstance(op, ReplaceCheck), op
    return op.pending_name


def keyword(kind: str) -> str:
    """The SQL keyword of a kind (``COMMENT ON <keyword>``), from the registry."""
    word = kind_def(Kind(kind)).keyword
    assert word is not None, kind  # only kinds that are Postgres objects are commented on
    return word


def grant_on(kind: str) -> str:
    """The keyword ``GRANT … ON`` takes for a kind (views are granted as tables), from the registry."""
    word = kind_def(Kind(kind)).grant_on
    assert word is not None, kind
    return word


FILTERS = {
    "keyword": keyword, "grant_on": grant_on,
    "pending_check": pending_check, "enum_columns": enum_columns,
    "changed_fields": changed_fields, "definition_changed": definition_changed, "grant_changes": grant_changes,
    "constraint_def": constraint_def, "enum_additions": enum_additions, "column_changes": column_changes,
}
