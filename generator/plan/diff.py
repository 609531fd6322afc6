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

from collections.abc import Mapping
from typing import cast

from ..errors import RefusedChange
from ..ir.ids import ObjectId
from ..ir.model import EnumIR, ForeignKeyIR, FunctionIR, IndexIR, Model, Obj, TableIR
from ..ir.sql import column_use
from ..kinds import Kind, kind_def, kinds_where
from .ops import (
    AddColumn,
    AddConstraint,
    CreateObject,
    DropObject,
    EnumUsers,
    Op,
    Plan,
    RenameObject,
    alter_enum,
    enum_values_added,
)
from .renames import Match, match
from .strategy import alter_ops, enum_users
from .tables import TableDiff, bare, table_diff
from .usage import checks_using, generated_using, retype_blockers, signature_uses, users_of_columns, uses_columns


def _users(model: Model) -> dict[ObjectId, list[ObjectId]]:
    users: dict[ObjectId, list[ObjectId]] = {}
    for oid, needs in model.deps.items():
        for need in needs:
            users.setdefault(need, []).append(oid)
    return users


def _dependents(model: Model, roots: set[ObjectId], kinds: tuple[Kind, ...] | None = None) -> set[ObjectId]:
    """Every object of ``model`` that depends, directly or not, on one of ``roots``.

    With ``kinds``, only dependencies Postgres itself records are followed (views, policies,
    triggers, indexes, constraints): those are the objects a drop would be refused for. A kind
    Postgres rebuilds with its table (an index) follows only a replaced relation that holds no
    data (a materialized view's indexes go with it).
    """
    users = _users(model)
    out, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        for user in users.get(node, []):
            if user in out or (kinds is not None and user.kind not in kinds):
                continue
            if kinds is not None and kind_def(user.kind).rebuilt_with_table and not _derived_relation(node.kind):
                continue  # Postgres rebuilds a table's indexes itself; a replaced view's go with it
            out.add(user)
            todo.append(user)
    return out


def _derived_relation(kind: Kind) -> bool:
    """A relation whose rows are computed from others (a view, a materialized view)."""
    facts = kind_def(kind)
    return facts.relation and not facts.holds_data


def _referenced_by(old: Model, new: Model, to_new: Mapping[ObjectId, ObjectId]) -> dict[ObjectId, tuple[str, ...]]:
    """Table (new id) → the tables (qualified, sorted) whose foreign keys reference it, in the old
    state or the new one: Postgres refuses to drop a partition of such a table without detaching it
    first, whichever of the migration or its rollback drops it."""
    out: dict[ObjectId, set[str]] = {}
    for o in new.objects.values():
        if isinstance(o, ForeignKeyIR):
            out.setdefault(o.target, set()).add(o.id.relation().qualified)
    for o in old.objects.values():
        if isinstance(o, ForeignKeyIR) and (target := to_new.get(o.target)) is not None:
            source = o.id.relation()
            out.setdefault(target, set()).add(to_new.get(source, source).qualified)
    return {t: tuple(sorted(names)) for t, names in out.items()}


def plan(old: Model, new: Model, *, online: bool = False) -> Plan:
    """Operations taking a database in state ``old`` to state ``new``.

    ``online``: ``old`` is a live database (indexes on existing tables built concurrently,
    constraints added NOT VALID then validated). The first migrations of a spec run on an empty
    database and are planned without it.
    """
    if not old.objects:  # the first migration: everything is created (fast path, same result)
        return Plan(tuple(CreateObject(new.objects[i]) for i in new.order))
    m = match(old, new)
    removed = [i for i in old.order if i not in m.to_new]
    added = {i for i in new.order if i not in m.to_old}

    tables: dict[ObjectId, TableDiff] = {}
    changed: dict[ObjectId, tuple[Obj, Obj]] = {}  # new id → (old rewritten to new ids, new)
    referenced = _referenced_by(old, new, m.to_new)
    for new_id, old_id in m.to_old.items():
        before, after = m.rewritten[old_id], new.objects[new_id]
        if isinstance(before, TableIR) and isinstance(after, TableIR):
            diff = table_diff(before, after, original=cast(TableIR, old.objects[old_id]), online=online,
                              referenced_by=referenced.get(new_id, ()))
            if diff:
                tables[new_id] = diff
        elif before != after:
            changed[new_id] = (before, after)

    # objects Postgres would refuse to keep across the change: replaced with their dependents,
    # found column by column (what names a retyped, re-added or renamed column)
    retyped, readded, renamed, dropped = _columns_by_table(m, tables)
    replace: set[ObjectId] = set()  # old ids
    for new_id, (before, after) in changed.items():
        if alter_ops(before, after, online=online) is None or \
                _depends_on(m, old, new, new_id, _merge(retyped, readded, renamed, dropped)) or \
                _uses_added(new, new_id, {t: d.added for t, d in tables.items() if d.added}):
            replace.add(m.to_old[new_id])
    for t, cols in retyped.items():
        replace |= users_of_columns(old, t, cols, retype_blockers())
        # an index over an expression or with a predicate would be rebuilt from its parsed form,
        # casts included: re-created from the spec instead, so that the rollback is exact
        replace |= {i for i in users_of_columns(old, t, cols, (Kind.INDEX,)) if _index_expression_uses(old, i, cols)}
    for t, cols in readded.items():
        replace |= users_of_columns(old, t, cols, retype_blockers() + (Kind.INDEX,))
    enums = {i: _enum_users(m, old, new, i) for i, (b, a) in changed.items()
             if isinstance(b, EnumIR) and isinstance(a, EnumIR) and b.values != a.values}
    _refuse_type_users(new, changed, enums)
    enum_deps = {i: _enum_dependents(new, i, users) for i, users in enums.items()}
    for candidates in enum_deps.values():  # changed ones cannot be altered across a rebuild: replaced
        replace |= {m.to_old[c] for c in candidates if c in changed}
    replace |= _dependents(old, replace | set(removed), kinds_where(tracked=True))
    replace -= set(removed)
    replaced_new = {m.to_new[i] for i in replace}

    staying = {i for i in m.to_new if i not in replace}  # old relations that keep their rows
    fresh = added | replaced_new
    late = _dropped_after_tables(old, removed, staying)
    drops: list[Op] = []
    late_drops: list[Op] = []
    for i in reversed(old.order):
        if i in replace or i not in m.to_new:
            (late_drops if i in late else drops).append(
                DropObject(old.objects[i], online and _on_existing(old.objects[i], staying)))
        elif m.to_new[i] in tables:
            drops.extend(tables[m.to_new[i]].drop)
    renames: list[Op] = []
    for i in old.order:
        if i in m.to_new and i not in replace:
            n = m.to_new[i]
            if n != i and not (n.table and n.name == i.name):  # a policy of a renamed table keeps its name
                # a scoped object names its relation as it is called while renames run: the new name
                rel = n.relation() if n.table else None
                renames.append(RenameObject(m.rewritten[i], old.objects[i], rel))
            if n in tables:
                renames.extend(tables[n].rename)
    existing = {n for n in m.to_old if n not in fresh}
    builds: list[Op] = []
    for i in new.order:
        if i in added or i in replaced_new:
            builds.append(CreateObject(new.objects[i], online and _on_existing(new.objects[i], existing)))
        elif i in tables:
            builds.extend(tables[i].build)
        elif i in changed and i in enums:
            # to_spec says which way the op goes (the reverse flips it): each column's default is
            # set back as the state it leads to has it
            before, after = changed[i]
            assert isinstance(before, EnumIR) and isinstance(after, EnumIR)
            builds.append(alter_enum(after, before, columns=enums[i], to_spec=True, online=online,
                                     dependents=_embedded(m, new, enum_deps[i], enums[i], fresh | set(changed))))
        elif i in changed:
            builds.extend(alter_ops(*changed[i], online=online) or ())
    return Plan(tuple(drops + renames + builds + late_drops))


def _dropped_after_tables(old: Model, removed: list[ObjectId], staying: set[ObjectId]) -> set[ObjectId]:
    """Removed objects a table that stays still uses until its alter runs (a sequence its default
    calls or one of its columns owns, a function its default calls), and the removed objects those
    need: dropped after the build phase, so that the rollback creates them before."""
    gone = set(removed)
    users = _users(old)
    late = {i for i in gone if any(u in staying and u.kind == Kind.TABLE for u in users.get(i, ()))}
    todo = list(late)
    while todo:
        for need in old.deps.get(todo.pop(), ()):
            if need in gone and need not in late:
                late.add(need)
                todo.append(need)
    return late


def _refuse_type_users(new: Model, changed: dict[ObjectId, tuple[Obj, Obj]], enums: dict[ObjectId, EnumUsers]
                       ) -> None:
    """An enum re-created (a value dropped or reordered) converts table columns only: a domain or a
    composite type over it would keep the old type alive, so the change is refused, located."""
    for i in enums:
        b, a = changed[i]
        assert isinstance(b, EnumIR) and isinstance(a, EnumIR)
        if enum_values_added(b.values, a.values):
            continue  # values only added: ALTER TYPE … ADD VALUE
        users = sorted((u for u, needs in new.deps.items() if i in needs and kind_def(u.kind).data_type),
                       key=lambda u: u.sort_key)
        if users:
            raise RefusedChange(i, f"type {i.qualified}: dropping or reordering its values re-creates it, and "
                                   f"{users[0]} is of it (only table columns are converted)",
                                "add values only, or move the domain or composite type off the enum first")


def _columns_by_table(m: Match, tables: dict[ObjectId, TableDiff]) -> tuple[dict[ObjectId, set[str]], ...]:
    """(old table id → old names of) retyped columns, re-added generated columns, renamed columns,
    dropped columns."""
    retyped: dict[ObjectId, set[str]] = {}
    readded: dict[ObjectId, set[str]] = {}
    renamed: dict[ObjectId, set[str]] = {}
    dropped: dict[ObjectId, set[str]] = {}
    for t, d in tables.items():
        o = m.to_old[t]
        if d.retyped:
            retyped[o] = set(d.retyped)
        if d.readded:
            readded[o] = set(d.readded)
        if d.renames:
            renamed[o] = set(d.renames)
        if d.dropped:
            dropped[o] = set(d.dropped)
    return retyped, readded, renamed, dropped


def _uses_added(new: Model, new_id: ObjectId, added: dict[ObjectId, set[str]]) -> bool:
    """Whether a changed object names a column added by the migration: it is replaced, as one that
    named a dropped column must be, so that a migration and its reverse make the same statements."""
    obj = new.objects[new_id]
    return any(dep in added and uses_columns(obj, dep, added[dep]) for dep in new.deps.get(new_id, ()))


def _merge(*maps: dict[ObjectId, set[str]]) -> dict[ObjectId, set[str]]:
    out: dict[ObjectId, set[str]] = {}
    for one in maps:
        for k, v in one.items():
            out.setdefault(k, set()).update(v)
    return out


def _enum_users(m: Match, old: Model, new: Model, new_id: ObjectId) -> EnumUsers:
    """The columns of an enum as they are when its change runs (in the build phase, both ways):
    under their new names, with their old types; dropped tables and columns left out. Each with
    its default before and after the migration: a rebuild sets the one of the state it leads to."""
    out = []
    for t_old, col, default, is_array in enum_users(old, m.to_old[new_id]):
        t_new = m.to_new.get(t_old)
        if t_new is None:
            continue
        name = m.columns.get(t_new, {}).get(col, col)
        table = new.objects.get(t_new)
        column = table.column(name) if isinstance(table, TableIR) else None
        if column is not None:
            out.append((t_new, name, default, column.default, is_array))
    return tuple(out)


def _enum_dependents(new: Model, type_id: ObjectId, users: EnumUsers
                     ) -> set[ObjectId]:
    """What must be dropped while an enum is re-created: what names its columns (views, policies,
    triggers, indexes and checks over an expression with enum literals), functions whose signature
    uses it, and what depends on those."""
    out: set[ObjectId] = set()
    for table, cols in _by_table(users).items():
        out |= users_of_columns(new, table, cols, retype_blockers())
        out |= {i for i in users_of_columns(new, table, cols, (Kind.INDEX,)) if _index_expression_uses(new, i, cols)}
        t = new.objects[table]
        assert isinstance(t, TableIR)
        gen = {c.name for c in generated_using(t, cols)}
        out |= users_of_columns(new, table, gen, retype_blockers() + (Kind.INDEX,))
    out |= {i for i in new.order
            if isinstance(fn := new.objects[i], FunctionIR) and signature_uses(fn, type_id)}
    return out | _dependents(new, out, kinds_where(tracked=True))


def _by_table(users: EnumUsers) -> dict[ObjectId, set[str]]:
    out: dict[ObjectId, set[str]] = {}
    for table, col, *_ in users:
        out.setdefault(table, set()).add(col)
    return out


def _index_expression_uses(model: Model, oid: ObjectId, cols: set[str]) -> bool:
    """An index whose expression or predicate names one of ``cols`` (a plain column Postgres converts)."""
    ix = model.objects[oid]
    assert isinstance(ix, IndexIR)
    return any(e.expression and column_use(e.expression).touches(cols) for e in ix.elements) or \
        column_use(ix.where).touches(cols)


def _embedded(m: Match, new: Model, candidates: set[ObjectId], users: EnumUsers,
              skip: set[ObjectId]) -> tuple[Op, ...]:
    """The create ops of an enum's dependents that the plan keeps: its rebuild drops them first
    and re-creates them after, in the same transaction (generated columns, then checks, then
    objects in creation order)."""
    ops: list[Op] = []
    for table, cols in _by_table(users).items():
        t = new.objects[table]
        before = m.rewritten.get(m.to_old[table])
        assert isinstance(t, TableIR)
        for c in generated_using(t, cols):
            if isinstance(before, TableIR) and any(b.generated == c.generated for b in before.columns):
                ops.append(AddColumn(t, c, readd=True))
        for k in checks_using(t, cols):
            if isinstance(before, TableIR) and any(bare(b) == bare(k) for b in before.checks):  # comment aside
                ops.append(AddConstraint(t, k, "check"))
    ops += [CreateObject(new.objects[i]) for i in new.order if i in candidates and i not in skip]
    return tuple(ops)


def _depends_on(m: Match, old: Model, new: Model, new_id: ObjectId, columns: dict[ObjectId, set[str]]) -> bool:
    """Whether a changed object uses a renamed or removed object, or a column that is renamed,
    retyped or re-added (``columns``: old table → old column names).

    Altering it in place would work one way only (the rollback would run its old text against the
    new names, or before the removed object is created again: a SQL function's body that named a
    dropped table), or not at all, so it is dropped before and re-created after instead.
    """
    old_id = m.to_old[new_id]
    obj = old.objects[old_id]
    for dep in old.deps.get(old_id, ()):
        if dep in m.to_new and m.to_new[dep] != dep:
            return True
        if dep in old.objects and dep not in m.to_new:
            return True
        if dep in columns and uses_columns(obj, dep, columns[dep]):
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
