"""The ``raw`` kind: explicit ``up``/``down`` SQL, an escape hatch. Everything about it, in one place.

A raw object is identified by its name (a label, no schema). Its create renders ``up`` and its
drop renders ``down``, so the rollback (the inverse plan) runs ``down``. Both are parsed with
pglast (one or more statements; nothing that cannot run inside the migration's transaction).

Dependencies are read from ``up``: every relation, function and type it names that the spec
declares becomes a dependency, so it is created after them and dropped (``down``) before them.
Names the spec does not declare are not errors: raw SQL may create them itself or use what the
target provides; verify (apply, exact rollback, re-apply) is what proves it. What depends on a raw
object cannot be known (schemagen does not see what ``up`` creates), so it goes after what it uses.

A changed ``up`` or ``down`` is a replace: the old ``down`` runs, then the new ``up`` (the rollback
runs the new ``down``, then the old ``up``). That is the only change that is right for any SQL:
schemagen cannot derive an ALTER between two scripts, and the old ``down`` is the one that undoes
what the old ``up`` did.

Templates: ``templates/sql/raw/{create,drop}.sql.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kinds import Kind
from .ids import ObjectId
from .model import Obj
from .sql import script_refs

if TYPE_CHECKING:
    from ..spec.raw import RawSqlObject
    from .build import Builder

KIND = Kind.RAW


@dataclass(frozen=True, slots=True, kw_only=True)
class RawIR(Obj):
    """Raw SQL: ``up`` creates it, ``down`` drops it (each one or more statements, without a final ``;``)."""

    up: str
    down: str


def raw_id(name: str) -> ObjectId:
    """The identity of raw object ``name`` (no schema)."""
    return ObjectId(KIND, "", name)


def _script(text: str) -> str:
    """The statements without a final ``;`` (the template adds it); a last-line ``--`` comment gets a
    line break so that ``;`` is not swallowed by it."""
    text = text.strip().rstrip(";").rstrip()
    return text + "\n" if "--" in text.rsplit("\n", 1)[-1] else text


def build_raw(b: Builder, d: RawSqlObject, mig: int, path: tuple[Any, ...]) -> None:
    """Add raw object ``d`` of migration ``mig``; what its ``up`` names is linked by :func:`link_raw`."""
    up, down = _script(d.up), _script(d.down)
    refs = b.sql(up, path + ("up",), f"raw {d.name!r} up", script_refs)
    b.sql(down, path + ("down",), f"raw {d.name!r} down", script_refs)
    obj = RawIR(id=raw_id(d.name), migration=mig, up=up, down=down, description=d.description, pos=b.pos(path))
    b.add(obj, path, (), [("up", refs, path + ("up",))])


def link_raw(b: Builder) -> None:
    """Turn the names each raw ``up`` uses into dependencies on declared objects; drop the others.

    Runs before the builder resolves SQL refs (which reports unknown names in managed schemas: for
    raw SQL those may be what ``up`` itself creates, so they are not errors).
    """
    for pending in b.pending.values():
        if not isinstance(pending.obj, RawIR):
            continue
        for _what, refs, _path in pending.sql:
            for sch, rel in refs.relations:
                target = b.resolve_relation(sch, rel, "public")
                if target is not None:
                    pending.deps.add(target)
            for sch, fn in refs.functions:
                pending.deps.update(b.functions_by_name.get((sch or "public", fn), []))
            for sch, typ in refs.types:
                target = b.namespace.get((sch or "public", typ))
                if target is not None:
                    pending.deps.add(target)
        pending.sql.clear()
