"""plan(old, new): one code path for the first migration and every later one.

The first migration is ``plan(EMPTY, model)``, migration N is ``plan(model.until(N-1),
model.until(N))`` (migra treats an empty database as just another schema).
"""

from __future__ import annotations

from ..ir.ids import ObjectId
from ..ir.model import Model
from .ops import Op, Plan


def _dependents(model: Model, roots: set[ObjectId]) -> set[ObjectId]:
    """Every object of ``model`` that depends, directly or not, on one of ``roots``."""
    users: dict[ObjectId, list[ObjectId]] = {}
    for oid, needs in model.deps.items():
        for need in needs:
            users.setdefault(need, []).append(oid)
    out, todo = set(), list(roots)
    while todo:
        for user in users.get(todo.pop(), []):
            if user not in out:
                out.add(user)
                todo.append(user)
    return out


def plan(old: Model, new: Model) -> Plan:
    """Operations taking a database in state ``old`` to state ``new``.

    Removed objects are dropped; added ones created; a changed object is replaced (dropped and
    re-created) together with everything that depends on it. Drops run in reverse creation order
    of ``old``, creates in creation order of ``new``.
    """
    removed = {i for i in old.objects if i not in new.objects}
    added = {i for i in new.objects if i not in old.objects}
    changed = {i for i in new.objects if i in old.objects and old.objects[i] != new.objects[i]}
    replaced = changed | (_dependents(old, changed | removed) & set(new.objects))
    drops = [Op("drop", old.objects[i]) for i in reversed(old.order) if i in removed or i in replaced]
    creates = [Op("create", new.objects[i]) for i in new.order if i in added or i in replaced]
    return Plan(tuple(drops + creates))


def migration_plans(model: Model) -> list[tuple[int, Plan]]:
    """The plan of each declared migration, in order."""
    out = []
    previous = 0
    for info in model.migrations:
        out.append((info.number, plan(model.until(previous), model.until(info.number))))
        previous = info.number
    return out
