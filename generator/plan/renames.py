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
from ..ir.model import ForeignKeyIR, IndexIR, MaterializedViewIR, Model, Obj, TableIR, TriggerIR, ViewIR
from ..ir.sql import same_after_renames
from ..kinds import kind_def

_REF_FIELDS = ("on", "target", "function", "from_table")


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
             columns: dict[ObjectId, dict[str, str]] | None = None, types: dict[str, str] | None = None) -> Obj:
    """``obj`` with new identities, and the names of renamed columns where it lists them plainly.

    ``types``: :func:`_renamed_types` of ``ids``, when the caller rewrites many objects with the
    same ``ids`` (computed per table it made planning quadratic: 45 s at 1,000 tables)."""
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
    if isinstance(obj, TableIR) and (types := _renamed_types(ids) if types is None else types):
        retyped = tuple(dataclasses.replace(c, type=_retype(c.type, types)) for c in obj.columns)
        if retyped != obj.columns:
            changes["columns"] = retyped
    if isinstance(obj, ForeignKeyIR) and (columns or {}).get(changes.get("target", obj.target)):
        tcols = (columns or {})[changes.get("target", obj.target)]
        changes["target_columns"] = tuple(tcols.get(c, c) for c in obj.target_columns)
    return dataclasses.replace(obj, **changes) if changes else obj


def _renamed_types(ids: dict[ObjectId, ObjectId]) -> dict[str, str]:
    """Old type name (bare and qualified) → new name, for each renamed domain or composite type."""
    out: dict[str, str] = {}
    for o, n in ids.items():
        if o != n and kind_def(o.kind).data_type:
            out[o.name] = n.name
            out[f"{o.schema}.{o.name}"] = f"{n.schema}.{n.name}"
    return out


def _retype(text: str, types: dict[str, str]) -> str:
    """A column type naming a renamed type (or an array of it), under its new name: the rename
    itself carries the column along, so the table does not change."""
    base = text.strip()
    dims = ""
    while base.endswith("[]"):
        base, dims = base[:-2].rstrip(), dims + "[]"
    return types[base] + dims if base in types else text


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
            if kind_def(oid.kind).relation:  # the objects scoped in it follow it
                tables[oid] = cand
    to_new = {o: n for n, o in to_old.items()}
    if len(to_new) != len(to_old):  # two new objects claim one old one: keep the first
        to_old = {n: o for o, n in to_new.items()}
    ids = dict(to_new)
    columns = column_renames(old, new, to_old)
    types = _renamed_types(ids)  # once: the same for every object
    if not columns and not types and all(o is n or o == n for o, n in to_new.items()):
        # nothing renamed (an edit's usual plan): _rewrite would hand back each object as it is
        rewritten = {o: obj if (obj := old.objects[o]).id == o else _rewrite(obj, o, ids, columns, types)
                     for o in to_new}
    else:
        rewritten = {o: _rewrite(old.objects[o], n, ids, columns, types) for o, n in to_new.items()}
    if columns:
        for o, n in to_new.items():
            rewritten[o] = _follow_column_renames(rewritten[o], new.objects[n], _renames_seen_by(new, n, columns))
    _derived_renames(old, new, to_old, to_new, rewritten, ids, columns)
    return Match(to_new, to_old, rewritten, columns)


def _renames_seen_by(new: Model, oid: ObjectId, columns: dict[ObjectId, dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """The column renames of the relations ``oid`` uses (its own table's, or those its query reads)."""
    rels = {oid} | set(new.deps.get(oid, ()))
    obj = new.objects[oid]
    if getattr(obj, "on", None) is not None:
        rels.add(obj.on)  # type: ignore[attr-defined]
    seen: dict[str, str] = {}
    for rel in rels:
        seen.update(columns.get(rel, {}))
    return tuple(sorted(seen.items()))


def _follow_column_renames(before: Obj, after: Obj, renames: tuple[tuple[str, str], ...]) -> Obj:
    """``before`` with each SQL text that differs from ``after``'s only by the column renames taken
    from ``after``: Postgres stores expressions parsed and follows a rename by itself, so such an
    object is unchanged in the database and must not be altered or rebuilt."""
    if not renames or before == after or type(before) is not type(after):
        return before
    changes: dict[str, object] = {}
    for f in ("using", "with_check", "where", "when"):
        a, b = getattr(before, f, None), getattr(after, f, None)
        if a != b and same_after_renames(a, b, renames):
            changes[f] = b
    if isinstance(before, (ViewIR, MaterializedViewIR)) and isinstance(after, (ViewIR, MaterializedViewIR)) and \
            before.query != after.query and same_after_renames(before.query, after.query, renames, statement=True):
        changes["query"] = after.query
    if isinstance(before, IndexIR) and isinstance(after, IndexIR) and len(before.elements) == len(after.elements):
        changes["elements"] = tuple(
            dataclasses.replace(e, expression=n.expression)
            if e.expression != n.expression and same_after_renames(e.expression, n.expression, renames) else e
            for e, n in zip(before.elements, after.elements, strict=True))
    if isinstance(before, TableIR) and isinstance(after, TableIR):
        gen = {c.name: c.generated for c in after.columns}
        mapped = dict(renames)
        changes["columns"] = tuple(
            dataclasses.replace(c, generated=gen[mapped.get(c.name, c.name)])
            if c.generated and c.generated != gen.get(mapped.get(c.name, c.name))
            and same_after_renames(c.generated, gen.get(mapped.get(c.name, c.name)), renames) else c
            for c in before.columns)
        checks = []
        for k in before.checks:
            twin = next((n for n in after.checks if n.expression != k.expression
                         and same_after_renames(k.expression, n.expression, renames)), None)
            checks.append(dataclasses.replace(k, expression=twin.expression) if twin else k)
        changes["checks"] = tuple(checks)
        # column privileges live on the column: a rename keeps them
        changes["grants"] = tuple(dataclasses.replace(g, columns=tuple(mapped.get(c, c) for c in g.columns))
                                  for g in before.grants)
    return dataclasses.replace(before, **changes) if changes else before  # type: ignore[arg-type]


def _derived_renames(old: Model, new: Model, to_old: dict[ObjectId, ObjectId], to_new: dict[ObjectId, ObjectId],
                     rewritten: dict[ObjectId, Obj], ids: dict[ObjectId, ObjectId],
                     columns: dict[ObjectId, dict[str, str]]) -> None:
    """Indexes and foreign keys (kinds with a ``derived_name``) that differ only by name: renamed,
    not rebuilt."""
    gone: dict[tuple[str, ObjectId | None], list[ObjectId]] = {}
    for oid in old.order:
        if kind_def(oid.kind).derived_name and oid not in to_new:
            obj = _rewrite(old.objects[oid], oid, ids)
            rel = getattr(obj, "on", None) or ids.get(oid.relation(), oid.relation())
            gone.setdefault((oid.kind, rel), []).append(oid)
    if not gone:
        return
    for nid in new.order:
        if not kind_def(nid.kind).derived_name or nid in to_old:
            continue
        obj = new.objects[nid]
        rel = getattr(obj, "on", None) or nid.relation()
        for oid in gone.get((nid.kind, rel), []):
            candidate = _rewrite(old.objects[oid], nid, ids, columns)
            if oid not in to_new and _same_but_name(candidate, obj):
                to_old[nid], to_new[oid], rewritten[oid] = oid, nid, candidate
                break
