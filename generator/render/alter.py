"""Filters for the in-place change templates (``sql/<kind>/alter.sql.j2`` and the ALTER TABLE parts).

Python decides what changed; the templates only lay the statements out.
"""

from __future__ import annotations

import dataclasses

from ..ir.model import CheckConstraint, EnumIR, GrantIR, KeyConstraint, Obj, TableIR
from ..ir.partitions import kept_partitions
from ..ir.serial import sequence_name, serial_base
from ..kinds import Kind, kind_def
from ..plan import Op
from ..plan.ops import AlterColumn, ColumnChanges, EnumChange, ReplaceCheck
from ..plan.ops import enum_additions as added_values
from ..quoting import quote_ident, quote_qualified
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
    split in halves (``RevokePrivileges``, ``GrantPrivileges``: its ``half``) renders only its half.
    """
    statements = _grant_changes(op, kind, target)
    if op.half is not None:
        return [s for s in statements if s.startswith(op.half.upper() + " ")]
    return statements


#: The roles Supabase's default privileges in ``public`` grant ALL on each new table, view, sequence
#: and function (``ALTER DEFAULT PRIVILEGES … GRANT ALL … TO``; the verify stand-in does the same).
SUPABASE_DEFAULT_ROLES = ("anon", "authenticated", "service_role")


def _grant_changes(op: Op, kind: str, target: str) -> list[str]:
    old = op.old
    new: Obj = op.obj
    assert old is not None, op  # an alter op
    return privilege_changes(op.kind, new.id.schema, kind, target,
                             getattr(old, "revoke_from", ()), getattr(new, "revoke_from", ()),
                             getattr(old, "grants", ()), getattr(new, "grants", ()))


def privilege_changes(kind: Kind, schema: str, grant_kw: str, target: str, old_revoke: tuple[str, ...],
                      new_revoke: tuple[str, ...], old_grants: tuple[GrantIR, ...],
                      new_grants: tuple[GrantIR, ...]) -> list[str]:
    """REVOKE and GRANT statements taking an object of ``kind`` named ``target`` from revoking
    ``old_revoke`` and granting ``old_grants`` to ``new_revoke`` and ``new_grants``.

    A role that joins the revoked ones loses everything (then gets back what it is granted); one
    that leaves them gets back what a new object gives it: PUBLIC the kind's ``public_default``, an
    API role in ``public`` what Supabase's default privileges grant (ALL), so that a migration ends
    where a fresh build does and its rollback where the old one did.
    """
    out: list[str] = []
    added_from = [r for r in new_revoke if r not in old_revoke]
    if added_from:
        out.append(f"REVOKE ALL ON {grant_kw} {target} FROM {', '.join(_role(r) for r in added_from)};")
    dropped_from = [r for r in old_revoke if r not in new_revoke]
    facts = kind_def(kind)
    if any(r.lower() == "public" for r in dropped_from) and facts.public_default:
        # PUBLIC is no longer revoked: it gets back what Postgres gives it on creation
        out.append(f"GRANT {facts.public_default} ON {grant_kw} {target} TO PUBLIC;")
    if schema == "public" and facts.api_default_grant:
        if back := [r for r in dropped_from if r.lower() in SUPABASE_DEFAULT_ROLES]:
            out.append(f"GRANT ALL ON {grant_kw} {target} TO {', '.join(_role(r) for r in back)};")
    before, after = _triples(old_grants), _triples(new_grants)
    revoked = {r.lower() for r in added_from}  # the REVOKE ALL above took their grants too
    if before == after and not any(t[0].lower() in revoked for t in after):
        return out
    lost = before - after
    touched = {r for r, *_ in lost}
    for role in sorted(touched):
        items = sorted({(p, c) for r, p, c, _g in lost if r == role}, key=lambda x: (x[0], x[1] or ""))
        out.append(_statement("REVOKE", role, items, grant_kw, target))
    touched |= {t[0] for t in after if t[0].lower() in revoked}
    wanted = sorted((t for t in after if t not in before or t[0] in touched),
                    key=lambda t: (t[0], t[1], t[2] or "", t[3]))  # table and column privileges mixed
    for role in sorted({t[0] for t in wanted}):
        for option in (False, True):
            items = [(p, c) for r, p, c, g in wanted if r == role and g == option]
            if items:
                out.append(_statement("GRANT", role, items, grant_kw, target, option))
    return out


def table_derived_grants(op: Op) -> list[str]:
    """What a change of a table's ``revoke_from`` does to the relations made with it, which Postgres
    gives no privileges of the table's: each partition the change keeps (revoked like the table at
    creation, granted nothing: the parent is the only way in) and the sequence of each identity or
    serial column (revoked like the table, then granted its ``sequence_grants``). An op split in
    halves renders only its half."""
    old, new = op.old, op.obj
    if not isinstance(old, TableIR) or not isinstance(new, TableIR) or old.revoke_from == new.revoke_from:
        return []
    schema = new.id.schema
    out: list[str] = []
    for p in kept_partitions(old, new):  # sub-partitions too
        out += privilege_changes(Kind.TABLE, schema, "TABLE", quote_qualified(schema, p.name),
                                 old.revoke_from, new.revoke_from, (), ())
    had = {c.name for c in old.columns if c.identity or serial_base(c.type)}
    for c in new.columns:
        if (c.renamed_from if c.renamed_from in had else c.name) in had and (c.identity or serial_base(c.type)):
            seq = quote_qualified(schema, sequence_name(new.id.name, c.name))
            out += privilege_changes(Kind.SEQUENCE, schema, "SEQUENCE", seq, old.revoke_from, new.revoke_from,
                                     c.sequence_grants, c.sequence_grants)
    if op.half is not None:
        return [s for s in out if s.startswith(op.half.upper() + " ")]
    return out


def constraint_def(part: KeyConstraint | CheckConstraint, constraint_type: str) -> str:
    """``PRIMARY KEY (…)``, ``UNIQUE [NULLS NOT DISTINCT] (…)`` or ``CHECK (…)`` (an exclusion
    constraint: ``exclusion_def``)."""
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
    "table_derived_grants": table_derived_grants,
    "constraint_def": constraint_def, "exclusion_def": exclusion_def, "enum_additions": enum_additions,
    "column_changes": column_changes,
}
