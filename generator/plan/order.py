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

from ..ir.ids import ObjectId
from ..ir.model import IndexIR
from .ops import AddConstraint, CreateObject, DropConstraint, DropObject, Op, Part, Txn

Step = tuple[Op, Part]


def schedule(ops: tuple[Op, ...]) -> list[Step]:
    """The steps of ``ops`` in the order they run (see the module docstring)."""
    first: list[Step] = []
    main: list[Step] = []
    last: list[Step] = []
    keyed: set[ObjectId] = set()
    for op in ops:
        steps = op.steps()
        modes = [p.txn for _, p in steps]
        waits = op.needs_key is not None and op.needs_key in keyed  # a foreign key on a key built last
        if all(m == Txn.MAIN for m in modes):
            if waits:
                last.extend(steps)
            else:
                main.extend(steps)
        elif all(m == Txn.NONE for m in modes) and isinstance(op, DropObject) or \
                op.commits_first and all(m == Txn.OWN for m in modes):
            first.extend(steps)
        elif modes[0] == Txn.MAIN and all(m == Txn.OWN for m in modes[1:]) and not waits:
            main.append(steps[0])
            last.extend(steps[1:])
        else:
            last.extend(steps)
            if op.gives_key is not None:
                keyed.add(op.gives_key)
    return first + main + last


def windows(ops: tuple[Op, ...]) -> list[str]:
    """What a plan leaves unprotected for a while because no gap-free way exists, in words.

    A policy, trigger, view or check that a change drops is re-created in the same transaction
    (see :func:`schedule`), and a changed check keeps the old one until the new one validated
    (``replace_check``); what remains are unique indexes and keys rebuilt ``CONCURRENTLY`` (the old
    one goes before the new one is built) and checks whose columns change with them (re-added
    ``NOT VALID``: new rows are checked at once, existing rows when it validates).
    """
    dropped = {(op.obj.id, op.part.name if op.part is not None else None): op for op in ops
               if isinstance(op, (DropObject, DropConstraint))}
    out: list[str] = []
    for op in ops:
        if isinstance(op, CreateObject) and isinstance(op.obj, IndexIR) and op.online and op.obj.unique and \
                (op.obj.id, None) in dropped:
            out.append(f"uniqueness of index {op.obj.id.qualified} is not enforced between dropping the old "
                       "index and building the new one (CONCURRENTLY cannot run in a transaction)")
        if not isinstance(op, AddConstraint):
            continue
        name = op.constraint.name
        if op.online and (op.obj.id, name) not in dropped:
            twin = next((d for (i, n), d in dropped.items() if n == name and i.name in (op.obj.id.name,)
                         and isinstance(d, DropConstraint)), None)
            if twin is None or twin.part == op.part:  # the same check again: the rows already hold it
                continue
            if op.constraint_type == "check":
                out.append(f"check {name} of {op.obj.id.qualified} holds for new rows at once and for existing "
                           "rows once it validates (its columns change in the same migration)")
            else:
                out.append(f"{op.constraint_type} {name} of {op.obj.id.qualified} is not enforced between dropping the "
                           "old one and attaching the new one (its index is built CONCURRENTLY)")
    return out
