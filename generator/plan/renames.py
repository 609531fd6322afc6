"""Which object of the old state each object of the new state is: by identity, or by declared rename.

Renames are declared, not guessed: ``renamed_from`` on a table, index, policy, trigger or function
names its old name. Two consequences follow without guessing: the policies, triggers and
foreign keys of a renamed table keep their names under the new table, and an index or foreign key
whose definition is unchanged but whose (derived) name changed is renamed rather than rebuilt.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..ir.ids import ObjectId
from ..ir.model import ForeignKeyIR, IndexIR, Model, Obj, TableIR, TriggerIR

_REF_FIELDS = ("on", "target", "function")


@dataclass(frozen=True, slots=True)
class Match:
    """``to_new``/``to_old`` pair identities; ``rewritten`` holds each matched old object with the
    new identities filled in (its own and those it refers to), so it compares equal to the new one
    when only names changed."""

    to_new: dict[ObjectId, ObjectId]
    to_old: dict[ObjectId, ObjectId]
    rewritten: dict[ObjectId, Obj]
    columns: dict[ObjectId, dict[str, str]]


def _old_candidate(oid: ObjectId, obj: Obj, tables: dict[ObjectId, ObjectId]) -> ObjectId:
    """The identity ``obj`` (in the new state) had in the old state, by its declarations."""
    table = oid.table
    if table is not None:
        old_table = tables.get(oid.relation())
        if old_table is not None:
            table = old_table.name
    name = getattr(obj, "renamed_from", None) or oid.name
    return ObjectId(oid.kind, oid.schema, name, table, oid.args)


def _rewrite(obj: Obj, new_id: ObjectId, ids: dict[ObjectId, ObjectId],
             columns: dict[ObjectId, dict[str, str]] | None = None) -> Obj:
    """``obj`` with new identities, and the names of renamed columns where it lists them plainly."""
    changes: dict[str, Any] = {}  # field name → new value, for dataclasses.replace
    if obj.id != new_id:
        changes["id"] = new_id
    for f in _REF_FIELDS:
        ref = getattr(obj, f, None)
        if isinstance(ref, ObjectId) and ids.get(ref, ref) != ref:
            changes[f] = ids[ref]
    owner = changes.get("on", getattr(obj, "on", None)) or (new_id.relation() if new_id.table else None)
    cols = (columns or {}).get(owner, {}) if owner is not None else {}
    if cols and isinstance(obj, IndexIR):
        changes["elements"] = tuple(dataclasses.replace(e, column=cols.get(e.column, e.column))
                                    if e.column else e for e in obj.elements)
        changes["include"] = tuple(cols.get(c, c) for c in obj.include)
    elif cols and isinstance(obj, ForeignKeyIR):
        changes["columns"] = tuple(cols.get(c, c) for c in obj.columns)
    elif cols and isinstance(obj, TriggerIR):
        changes["update_of"] = tuple(cols.get(c, c) for c in obj.update_of)
    if isinstance(obj, ForeignKeyIR) and (columns or {}).get(changes.get("target", obj.target)):
        tcols = (columns or {})[changes.get("target", obj.target)]
        changes["target_columns"] = tuple(tcols.get(c, c) for c in obj.target_columns)
    return dataclasses.replace(obj, **changes) if changes else obj


def column_renames(old: Model, new: Model, to_old: dict[ObjectId, ObjectId]) -> dict[ObjectId, dict[str, str]]:
    """(new) table id → {old column name: new name} for the declared column renames."""
    out: dict[ObjectId, dict[str, str]] = {}
    for nid, oid in to_old.items():
        t, o = new.objects[nid], old.objects[oid]
        if isinstance(t, TableIR) and isinstance(o, TableIR):
            names = {c.name for c in o.columns}
            new_names = {c.name for c in t.columns}
            pairs = {c.renamed_from: c.name for c in t.columns
                     if c.renamed_from in names and c.renamed_from not in new_names and c.name not in names}
            if pairs:
                out[nid] = pairs
    return out


def _same_but_name(a: Obj, b: Obj) -> bool:
    return dataclasses.replace(a, id=b.id) == b


def match(old: Model, new: Model) -> Match:
    """Pair the objects of ``old`` and ``new`` (see the module docstring)."""
    to_old: dict[ObjectId, ObjectId] = {}
    for oid in new.order:
        if oid in old.objects:
            to_old[oid] = oid
    tables: dict[ObjectId, ObjectId] = {}
    for oid in new.order:  # declared renames: relations first (the order has tables before children)
        if oid in to_old:
            continue
        cand = _old_candidate(oid, new.objects[oid], tables)
        if cand != oid and cand in old.objects and cand not in new.objects:
            to_old[oid] = cand
            if oid.kind == "table":
                tables[oid] = cand
    to_new = {o: n for n, o in to_old.items()}
    if len(to_new) != len(to_old):  # two new objects claim one old one: keep the first
        to_old = {n: o for o, n in to_new.items()}
    ids = dict(to_new)
    columns = column_renames(old, new, to_old)
    rewritten = {o: _rewrite(old.objects[o], n, ids, columns) for o, n in to_new.items()}
    _derived_renames(old, new, to_old, to_new, rewritten, ids, columns)
    return Match(to_new, to_old, rewritten, columns)


def _derived_renames(old: Model, new: Model, to_old: dict[ObjectId, ObjectId], to_new: dict[ObjectId, ObjectId],
                     rewritten: dict[ObjectId, Obj], ids: dict[ObjectId, ObjectId],
                     columns: dict[ObjectId, dict[str, str]]) -> None:
    """Indexes and foreign keys that differ only by name: renamed, not rebuilt."""
    gone: dict[tuple[str, ObjectId | None], list[ObjectId]] = {}
    for oid in old.order:
        if oid.kind in ("index", "constraint") and oid not in to_new:
            obj = _rewrite(old.objects[oid], oid, ids)
            rel = getattr(obj, "on", None) or ids.get(oid.relation(), oid.relation())
            gone.setdefault((oid.kind, rel), []).append(oid)
    if not gone:
        return
    for nid in new.order:
        if nid.kind not in ("index", "constraint") or nid in to_old:
            continue
        obj = new.objects[nid]
        rel = getattr(obj, "on", None) or nid.relation()
        for oid in gone.get((nid.kind, rel), []):
            candidate = _rewrite(old.objects[oid], nid, ids, columns)
            if oid not in to_new and _same_but_name(candidate, obj):
                to_old[nid], to_new[oid], rewritten[oid] = oid, nid, candidate
                break
