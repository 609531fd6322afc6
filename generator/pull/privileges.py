"""ACLs → the spec's ``grants:`` lists, exactly as the database holds them.

A pulled spec revokes everything from ``privileges.revoke_from`` and then grants what the
catalog says each role holds, so applying it gives the same ACL. The owner's implicit rights
are left out (they are the owner's whatever the spec says); an owner that lost some of its own
rights cannot be expressed and is reported.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .catalog import Catalog

ACL_QUERY = """
select case when x.grantee = 0 then 'public' else pg_get_userbyid(x.grantee) end as grantee,
       lower(x.privilege_type) as privilege, x.is_grantable as grantable
from aclexplode(coalesce(%(acl)s::aclitem[], acldefault(%(kind)s::"char", %(owner)s::oid))) x
order by 1, 2
"""

OWNER_QUERY = """
select lower(x.privilege_type) as privilege
from aclexplode(acldefault(%(kind)s::"char", %(owner)s::oid)) x
"""


def _explode(cat: Catalog, acl: Any, kind: str, owner: int) -> dict[str, dict[str, bool]]:
    held: dict[str, dict[str, bool]] = defaultdict(dict)
    for r in cat.rows(ACL_QUERY, {"acl": acl, "kind": kind, "owner": owner}):
        held[r["grantee"]][r["privilege"]] = r["grantable"]
    return held


def _full(cat: Catalog, kind: str, owner: int) -> frozenset[str]:
    return frozenset(r["privilege"] for r in cat.rows(OWNER_QUERY, {"kind": kind, "owner": owner}))


def grants_of(cat: Catalog, what: str, name: str, acl: Any, acl_kind: str, owner: int, owner_name: str,
              *, implicit: dict[str, set[str]] | None = None) -> list[dict[str, Any]]:
    """The ``grants:`` of one object from its ACL (``acl_kind`` as for ``acldefault``).

    ``implicit`` maps a role to privileges it holds without a grant (enums: PUBLIC's USAGE, which
    the spec never revokes); holding less than that cannot be expressed and is reported.
    """
    held = _explode(cat, acl, acl_kind, owner)
    full = _full(cat, acl_kind, owner)
    owner_held = held.pop(owner_name, {})
    if set(owner_held) != full:
        cat.skip(what, name, f"its owner {owner_name} lacks some of its own privileges")
    for role, privs in (implicit or {}).items():
        have = held.get(role, {})
        if not privs <= set(have):
            cat.skip(what, name, f"{role} lacks the default {', '.join(sorted(privs))}; the spec cannot revoke it")
        for p in privs:
            if not have.get(p, False):
                have.pop(p, None)
        if not have:
            held.pop(role, None)
    return group_grants({role: privs for role, privs in held.items()}, full, cat, what, name)


def group_grants(held: dict[str, dict[str, bool]], full: frozenset[str], cat: Catalog, what: str, name: str,
                 columns: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Roles holding the same privileges become one grant; every privilege of the kind is ``all``."""
    by_set: dict[tuple[tuple[str, ...], bool], list[str]] = defaultdict(list)
    for role, privs in held.items():
        for option in (False, True):
            names = frozenset(p for p, g in privs.items() if g == option)
            if not names:
                continue
            key = ("all",) if names == full and not columns else tuple(sorted(names))
            if key:
                by_set[(key, option)].append(role)
    out = []
    for (names_, option), roles in sorted(by_set.items(), key=lambda kv: (sorted(kv[1]), kv[0])):
        g: dict[str, Any] = {"privileges": list(names_)}
        if columns:
            g["columns"] = list(columns)
        g["to"] = sorted(roles)
        if option:
            g["with_grant_option"] = True
        out.append(g)
    return out


def column_grants(cat: Catalog, what: str, name: str, attacls: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Column-level grants: (column, attacl) pairs → grants listing the columns that share them."""
    shared: dict[tuple[str, tuple[tuple[str, bool], ...]], list[str]] = defaultdict(list)
    for column, acl in attacls:
        if acl is None:
            continue
        rows = cat.rows("""select case when x.grantee = 0 then 'public' else pg_get_userbyid(x.grantee) end
                                    as grantee, lower(x.privilege_type) as privilege, x.is_grantable as grantable
                           from aclexplode(%(acl)s::aclitem[]) x order by 1, 2""", {"acl": acl})
        per_role: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for r in rows:
            per_role[r["grantee"]].append((r["privilege"], r["grantable"]))
        for role, role_privs in per_role.items():
            shared[(role, tuple(sorted(role_privs)))].append(column)
    regrouped: dict[tuple[tuple[str, ...], tuple[tuple[str, bool], ...]], list[str]] = defaultdict(list)
    for (role, held), column_list in shared.items():
        regrouped[(tuple(column_list), held)].append(role)
    out: list[dict[str, Any]] = []
    for (cols, same), roles in sorted(regrouped.items()):
        out += group_grants({r: dict(same) for r in roles}, frozenset(), cat, what, name, columns=cols)
    return out
