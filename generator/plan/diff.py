"""plan(old, new): one code path for the first migration and every later one.

The first migration is ``plan(EMPTY, model)``, migration N is ``plan(state[N-1], state[N])``
(migra treats an empty database as just another schema). A plan has three phases:

1. **drop**, in reverse creation order of ``old``: removed objects, objects that must be replaced,
   and the subtractive part of altered tables (dropped columns and constraints);
2. **rename**, in creation order of ``old``: declared renames (``renamed_from``), and indexes or
   constraints whose definition is unchanged but whose name is not;
3. **build**, in creation order of ``new``: created and re-created objects, and in-place alters.

Each kind has a deliberate strategy for a change (see :mod:`.strategy`): ``ALTER`` where Postgres
can, ``CREATE OR REPLACE`` where the signature or columns allow it, otherwise drop and re-create
together with the objects Postgres ties to it (policies and triggers on a replaced function, views
on a replaced view, indexes of a replaced materialized view).
"""

from __future__ import annotations

from typing import cast

from ..ir.ids import ObjectId
from ..ir.model import EnumIR, Model, Obj, TableIR
from .ops import Op, Plan
from .renames import Match, match
from .strategy import TRACKED, alter_ops, enum_users
from .tables import TableDiff, table_diff


def _users(model: Model) -> dict[ObjectId, list[ObjectId]]:
    users: dict[ObjectId, list[ObjectId]] = {}
    for oid, needs in model.deps.items():
        for need in needs:
            users.setdefault(need, []).append(oid)
    return users


def _dependents(model: Model, roots: set[ObjectId], kinds: tuple[str, ...] | None = None) -> set[ObjectId]:
    """Every object of ``model`` that depends, directly or not, on one of ``roots``.

    With ``kinds``, only dependencies Postgres itself records are followed (views, policies,
    triggers, indexes, constraints): those are the objects a drop would be refused for.
    """
    users = _users(model)
    out, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        for user in users.get(node, []):
            if user in out or (kinds is not None and user.kind not in kinds):
                continue
            if kinds is not None and user.kind == "index" and node.kind not in ("view", "materialized view"):
                continue  # Postgres rebuilds a table's indexes itself; a replaced view's go with it
            out.add(user)
            todo.append(user)
    return out


def plan(old: Model, new: Model, *, online: bool = False) -> Plan:
    """Operations taking a database in state ``old`` to state ``new``.

    ``online``: ``old`` is a live database (indexes on existing tables built concurrently,
    constraints added NOT VALID then validated). The first migrations of a spec run on an empty
    database and are planned without it.
    """
    if not old.objects:  # the first migration: everything is created (fast path, same result)
        return Plan(tuple(Op("create", new.objects[i]) for i in new.order))
    m = match(old, new)
    removed = [i for i in old.order if i not in m.to_new]
    added = {i for i in new.order if i not in m.to_old}

    tables: dict[ObjectId, TableDiff] = {}
    changed: dict[ObjectId, tuple[Obj, Obj]] = {}  # new id → (old rewritten to new ids, new)
    for new_id, old_id in m.to_old.items():
        before, after = m.rewritten[old_id], new.objects[new_id]
        if isinstance(before, TableIR) and isinstance(after, TableIR):
            diff = table_diff(before, after, original=cast(TableIR, old.objects[old_id]), online=online)
            if diff:
                tables[new_id] = diff
        elif before != after:
            changed[new_id] = (before, after)

    # objects Postgres would refuse to keep across the change: replaced with their dependents
    replace: set[ObjectId] = set()  # old ids
    structural = {m.to_old[t] for t, d in tables.items() if d.structural}
    renamed_cols = {m.to_old[t] for t, d in tables.items() if d.renamed}
    for new_id, (before, after) in changed.items():  # retyping an enum's columns is structural too
        if isinstance(before, EnumIR) and isinstance(after, EnumIR) and before.values != after.values:
            structural |= {m.to_old[t] for t, *_ in enum_users(new, new_id) if t in m.to_old}
    for new_id, (before, after) in changed.items():
        if alter_ops(before, after, online=online) is None or \
                _depends_on(m, old, new, new_id, structural | renamed_cols):
            replace.add(m.to_old[new_id])
    replace |= _dependents(old, structural, TRACKED)
    replace |= _dependents(old, replace | set(removed), TRACKED)
    replace -= set(removed)
    replaced_new = {m.to_new[i] for i in replace}

    staying = {i for i in m.to_new if i not in replace}  # old relations that keep their rows
    fresh = added | replaced_new
    drops: list[Op] = []
    for i in reversed(old.order):
        if i in replace or i not in m.to_new:
            drops.append(Op("drop", old.objects[i], online=online and _on_existing(old.objects[i], staying)))
        elif m.to_new[i] in tables:
            drops.extend(tables[m.to_new[i]].drop)
    renames: list[Op] = []
    for i in old.order:
        if i in m.to_new and i not in replace:
            n = m.to_new[i]
            if n != i:  # a scoped object names its relation as it is called while renames run: the new name
                rel = n.relation() if n.table else None
                renames.append(Op("rename", m.rewritten[i], old.objects[i], extra=(rel,) if rel else ()))
            if n in tables:
                renames.extend(tables[n].rename)
    existing = {n for n in m.to_old if n not in fresh}
    builds: list[Op] = []
    for i in new.order:
        if i in added or i in replaced_new:
            builds.append(Op("create", new.objects[i], online=online and _on_existing(new.objects[i], existing)))
        elif i in tables:
            builds.extend(tables[i].build)
        elif i in changed:
            builds.extend(alter_ops(*changed[i], online=online, users=enum_users(new, i)) or ())
    return Plan(tuple(drops + renames + builds))


def _depends_on(m: Match, old: Model, new: Model, new_id: ObjectId, structural: set[ObjectId]) -> bool:
    """Whether a changed object uses a renamed object or a structurally changed table.

    Altering it in place would work one way only (the rollback would run its old text against the
    new names), so it is dropped before and re-created after instead.
    """
    old_id = m.to_old[new_id]
    for dep in old.deps.get(old_id, ()):
        if dep in structural or (dep in m.to_new and m.to_new[dep] != dep):
            return True
    return any(dep in m.to_old and m.to_old[dep] != dep for dep in new.deps.get(new_id, ()))


def _on_existing(obj: Obj, relations: set[ObjectId]) -> bool:
    """An index or constraint of a relation that exists before and after: it may hold rows."""
    rel = getattr(obj, "on", None) or (obj.id.relation() if obj.id.table else None)
    return rel is not None and rel in relations


def migration_plans(model: Model) -> list[tuple[int, Plan]]:
    """The plan of each migration the spec declares (the first history), in order."""
    out = []
    previous = 0
    for info in model.migrations:
        out.append((info.number, plan(model.until(previous), model.until(info.number))))
        previous = info.number
    return out
