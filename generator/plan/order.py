"""Ordering rules of a migration file, in one place.

The planner orders operations by dependency (drops in reverse creation order, renames, then
builds in creation order). This module decides how their steps fall into transactions:

1. every step that can run in a transaction runs in ONE transaction, so that whatever a change
   has to drop (a policy, a trigger, a check, a view) is re-created before anyone sees the table
   without it — if anything fails, the whole change rolls back;
2. indexes dropped ``CONCURRENTLY`` go first, before that transaction (they protect nothing that
   is not re-created later; a unique one's window is named in the header);
3. what must run outside it or after it commits goes last, in plan order: indexes built
   ``CONCURRENTLY``, unique keys attached to such an index, and ``VALIDATE`` of constraints added
   ``NOT VALID`` inside the transaction (a NOT VALID constraint already holds for every new row).
   A foreign key that needs such a key goes with it.

A rollback is the inverse plan, scheduled by the same rules.
"""

from __future__ import annotations

from .ops import Op, Part

Step = tuple[Op, Part]


def _unique_key_of(op: Op) -> object | None:
    """The relation a deferred op gives a new unique key (a foreign key may need it)."""
    if op.action == "add_constraint" and op.detail in ("primary key", "unique"):
        return op.obj.id
    if op.kind == "index" and op.action == "create" and getattr(op.obj, "unique", False):
        return getattr(op.obj, "on", None)
    return None


def schedule(ops: tuple[Op, ...]) -> list[Step]:
    """The steps of ``ops`` in the order they run (see the module docstring)."""
    first: list[Step] = []
    main: list[Step] = []
    last: list[Step] = []
    keyed: set[object] = set()
    for op in ops:
        steps = op.steps()
        modes = [p.txn for _, p in steps]
        if all(m == "main" for m in modes):
            target = getattr(op.obj, "target", None)
            if op.kind == "constraint" and op.action == "create" and target in keyed:
                last.extend(steps)  # a foreign key on a key that is built last
            else:
                main.extend(steps)
        elif all(m == "none" for m in modes) and op.action == "drop":
            first.extend(steps)
        elif modes[0] == "main" and all(m == "own" for m in modes[1:]) and not (
                op.kind == "constraint" and getattr(op.obj, "target", None) in keyed):
            main.append(steps[0])
            last.extend(steps[1:])
        else:
            last.extend(steps)
            key = _unique_key_of(op)
            if key is not None:
                keyed.add(key)
    return first + main + last
