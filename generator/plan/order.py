"""Ordering rules of a migration file, in one place.

The planner orders operations by dependency (drops in reverse creation order, renames, then
builds in creation order). This module decides how their steps fall into transactions:

1. every step that can run in a transaction runs in ONE transaction, so that whatever a change
   has to drop (a policy, a trigger, a check, a view) is re-created before anyone sees the table
   without it — if anything fails, the whole change rolls back;
2. indexes dropped ``CONCURRENTLY`` go first, before that transaction (they protect nothing that
   is not re-created later; a unique one's window is named in the header), and so do enum values
   added with ``ADD VALUE``, committed in a transaction of their own (Postgres refuses to use a
   value in the transaction that added it: a policy, check or default naming it);
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
        elif all(m == "none" for m in modes) and op.action == "drop" or \
                op.kind == "type" and all(m == "own" for m in modes):
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


def windows(ops: tuple[Op, ...]) -> list[str]:
    """What a plan leaves unprotected for a while because no gap-free way exists, in words.

    A policy, trigger, view or check that a change drops is re-created in the same transaction
    (see :func:`schedule`), and a changed check keeps the old one until the new one validated
    (``replace_check``); what remains are unique indexes and keys rebuilt ``CONCURRENTLY`` (the old
    one goes before the new one is built) and checks whose columns change with them (re-added
    ``NOT VALID``: new rows are checked at once, existing rows when it validates).
    """
    dropped = {(op.obj.id, getattr(op.part, "name", None)): op for op in ops
               if op.action in ("drop", "drop_constraint")}
    out: list[str] = []
    for op in ops:
        if op.kind == "index" and op.action == "create" and op.online and getattr(op.obj, "unique", False) and \
                (op.obj.id, None) in dropped:
            out.append(f"uniqueness of index {op.obj.id.qualified} is not enforced between dropping the old "
                       "index and building the new one (CONCURRENTLY cannot run in a transaction)")
        name = getattr(op.part, "name", None)
        if op.action == "add_constraint" and op.online and op.detail != "exclude" and \
                (op.obj.id, name) not in dropped:
            twin = next((d for (i, n), d in dropped.items() if n == name and i.name in (op.obj.id.name,)
                         and d.action == "drop_constraint"), None)
            if twin is None or twin.part == op.part:  # the same check again: the rows already hold it
                continue
            if op.detail == "check":
                out.append(f"check {name} of {op.obj.id.qualified} holds for new rows at once and for existing "
                           "rows once it validates (its columns change in the same migration)")
            else:
                out.append(f"{op.detail} {name} of {op.obj.id.qualified} is not enforced between dropping the "
                           "old one and attaching the new one (its index is built CONCURRENTLY)")
    return out
