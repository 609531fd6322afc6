"""The lock each step of a migration takes and whether it rewrites a table, in words.

Every step of a migration on a live database says it in a comment (``-- lock: ACCESS EXCLUSIVE on
public.t; rewrites the table``), so a reviewer sees what blocks whom before running it. The
levels follow the Postgres documentation of each statement (``ALTER TABLE`` sub-commands,
``CREATE INDEX [CONCURRENTLY]``, ``CREATE POLICY``, ``CREATE TRIGGER``, ``VALIDATE CONSTRAINT``).
"""

from __future__ import annotations

from ..ir.model import Column, EnumIR, TableIR
from ..kinds import kind_def
from .ops import Op, Part, base_type

AEL = "ACCESS EXCLUSIVE"
SUE = "SHARE UPDATE EXCLUSIVE"
NO_REWRITE = "no rewrite"
REWRITE = "rewrites the table"
#: Default expressions whose value differs per row: adding a column with one rewrites the table.
VOLATILE_DEFAULTS = ("random(", "gen_random_uuid(", "uuid_generate_", "clock_timestamp(", "nextval(",
                     "timeofday(")


def _size(t: str) -> tuple[int, ...] | None:
    if "(" not in t:
        return None
    inner = t.split("(", 1)[1].split(")", 1)[0]
    try:
        return tuple(int(x) for x in inner.split(","))
    except ValueError:
        return None


def type_change_rewrites(old: str, new: str) -> bool:
    """Whether ``ALTER COLUMN … TYPE`` from ``old`` to ``new`` rewrites the table (and its indexes).

    Known binary-coercible changes do not: a longer or unlimited ``varchar``, ``varchar`` to
    ``text``, a ``numeric`` with more precision and the same scale, or an unconstrained one.
    """
    o, n = " ".join(old.lower().split()), " ".join(new.lower().split())
    bo, bn = base_type(o), base_type(n)
    varchar = ("varchar", "character varying")
    if bo in varchar and (bn == "text" or (bn in varchar and (_size(n) is None or
                                                              (_size(o) or (10**9,))[0] <= _size(n)[0]))):  # type: ignore[index]
        return False
    if bo == bn == "numeric":
        so, sn = _size(o), _size(n)
        if sn is None:
            return False
        if so is not None and len(so) == len(sn) == 2 and so[1] == sn[1] and sn[0] >= so[0]:
            return False
    return True


def _adds_rewrite(c: Column) -> bool:
    default = (c.default or "").lower().replace(" ", "")
    return bool(c.generated or c.identity or any(v in default for v in VOLATILE_DEFAULTS))


def lock_note(op: Op, part: Part) -> str:
    """``LOCK on RELATION; rewrites the table`` (or ``no rewrite``) for one step of ``op``."""
    kind, action, obj = op.kind, part.action, op.obj
    name = obj.id.qualified
    on = getattr(obj, "on", None)
    rel = on.qualified if on is not None else (obj.id.relation().qualified if obj.id.table else name)
    if kind == "raw":
        return "unknown: raw SQL (read it; schemagen does not see inside)"
    hook = kind_def(kind).hooks.get("lock")  # a kind module that knows its own locks
    if hook is not None:
        return str(hook(op, part))
    if kind == "table":
        return _table_note(op, action, name)
    if kind == "index":
        if action in ("create", "drop") and part.txn == "none":
            return f"{SUE} on {rel} (CONCURRENTLY: reads and writes go on); {NO_REWRITE}"
        if action == "create":
            return f"SHARE on {rel} (writes wait while it builds); {NO_REWRITE}"
        if action == "drop":
            return f"{AEL} on {rel} (brief); {NO_REWRITE}"
        return f"{SUE} on index {name} (brief); {NO_REWRITE}"
    if kind == "constraint":
        target = getattr(obj, "target", None)
        both = f"{rel} and {target.qualified}" if target is not None else rel
        if action == "validate":
            return f"{SUE} on {rel}, ROW SHARE on {target.qualified if target else rel}; scans {rel}; {NO_REWRITE}"
        if action == "create":
            scan = " (brief: NOT VALID, no scan)" if op.online else f"; scans {rel}"
            return f"SHARE ROW EXCLUSIVE on {both}{scan}; {NO_REWRITE}"
        return f"{AEL} on {both} (brief); {NO_REWRITE}"
    if kind == "policy":
        return f"{AEL} on {rel} (brief); {NO_REWRITE}"
    if kind == "trigger":
        level = "SHARE ROW EXCLUSIVE" if action in ("create", "alter") else AEL
        return f"{level} on {rel} (brief); {NO_REWRITE}"
    if kind == "view":
        return f"{AEL} on view {name} (brief); {NO_REWRITE}"
    if kind == "materialized view":
        if action == "create":
            return f"{AEL} on {name}; computes its rows"
        return f"{AEL} on {name} (brief); {NO_REWRITE}"
    if kind == "type" and action == "alter" and op.rebuilds and isinstance(obj, EnumIR):
        tables = sorted({t.qualified for t, *_ in op.extra})
        return f"{AEL} on {', '.join(tables)}; rewrites them" if tables else f"no table lock; {NO_REWRITE}"
    return f"no table lock; {NO_REWRITE}"  # functions, types, sequences, schemas, extensions


def _table_note(op: Op, action: str, name: str) -> str:
    brief = f"{AEL} on {name} (brief); {NO_REWRITE}"
    if action == "create":
        return f"{AEL} on {name} (new, empty); {NO_REWRITE}"
    if action == "drop":
        return f"{AEL} on {name}; drops it and its rows"
    if action == "add_column":
        return f"{AEL} on {name}; {REWRITE}" if _adds_rewrite(op.part) else brief
    if action == "backfill":
        check = f", then {AEL} (brief: NOT VALID check, no scan)" if not op.part.nullable else ""
        return (f"ROW EXCLUSIVE on {name}, and each row while it is updated (reads go on; writes to those rows "
                f"wait){check}; rewrites every row (one UPDATE: new row versions, dead ones for vacuum)")
    if action == "backfill_validate":
        return f"{SUE} on {name}; scans the table (reads and writes go on); {NO_REWRITE}"
    if action == "backfill_not_null":
        return f"{AEL} on {name} (brief: the validated check spares the scan); {NO_REWRITE}"
    if action == "alter_column":
        o, n = op.old_part, op.part
        same_type = " ".join(o.type.lower().split()) == " ".join(n.type.lower().split())
        if not same_type and type_change_rewrites(o.type, n.type):
            return f"{AEL} on {name}; {REWRITE} and its indexes"
        if (o.nullable and o.identity is None) and not (n.nullable and n.identity is None):
            return f"{AEL} on {name}; scans the table (SET NOT NULL); {NO_REWRITE}"
        return brief
    if action in ("add_constraint", "replace_check"):
        if op.detail == "check" or action == "replace_check":
            scan = " (brief: NOT VALID, no scan)" if op.online else "; scans the table"
            return f"{AEL} on {name}{scan}; {NO_REWRITE}"
        if op.online:
            return brief  # attaches an index built before
        return f"{AEL} on {name}; builds the index; {NO_REWRITE}"
    if action == "add_constraint_index":
        return f"{SUE} on {name} (CONCURRENTLY: reads and writes go on); {NO_REWRITE}"
    if action == "validate_constraint":
        return f"{SUE} on {name}; scans the table (reads and writes go on); {NO_REWRITE}"
    if action == "replace_check_swap":
        return f"{SUE} on {name} while it validates, then {AEL} (brief); {NO_REWRITE}"
    if action == "alter" and isinstance(op.obj, TableIR) and isinstance(op.old, TableIR) and \
            (op.obj.rls_enable, op.obj.rls_force) == (op.old.rls_enable, op.old.rls_force):
        return f"no table lock (privileges, comments); {NO_REWRITE}"
    return brief
