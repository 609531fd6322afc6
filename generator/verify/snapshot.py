"""A normalised snapshot of a database's catalog, for comparing two database states.

Keys are stable, human-readable strings built from names, never OIDs, so snapshots of two
databases built from the same SQL compare equal:

    table public.messages                        column public.messages.role
    index public.messages_model_used_idx         constraint public.messages.messages_role_check
    policy public.messages."Users read"          trigger public.messages.set_updated_at
    function public.f(uuid, integer)             view public.v / materialized view public.mv
    sequence public.s   type public.user_role    schema private   extension pgcrypto
    job "refresh summaries"   (a row of pg_cron's cron.job, when the database has one)
    grant table public.messages to anon          default privileges postgres in public on tables to anon

Identifiers in keys are quoted as Postgres would (``quote_ident``). Objects that belong to an
extension are left out. One query per object kind keeps a snapshot to a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import psycopg

DEFAULT_EXCLUDED_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

Attrs = Mapping[str, Any]


class Snapshot(Mapping[str, Attrs]):
    """Read-only mapping of object key → normalised attributes; equal snapshots mean equal catalogs."""

    __slots__ = ("_objects",)

    def __init__(self, objects: Mapping[str, Mapping[str, Any]]) -> None:
        self._objects = {k: MappingProxyType(dict(v)) for k, v in sorted(objects.items())}

    def __getitem__(self, key: str) -> Attrs:
        return self._objects[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._objects)

    def __len__(self) -> int:
        return len(self._objects)

    def __repr__(self) -> str:
        return f"Snapshot({len(self)} objects)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """One object that differs between two snapshots, phrased from ``after``'s point of view."""

    kind: str  # "added" | "removed" | "changed"
    key: str
    detail: str = ""

    def __str__(self) -> str:
        verb = {"added": "leaves", "removed": "removes", "changed": "changes"}[self.kind]
        return f"{verb} {self.key}" + (f" ({self.detail})" if self.detail else "")


def diff_snapshots(before: Snapshot, after: Snapshot, *, ignore: Collection[str] = ()) -> list[Difference]:
    """What ``after`` has that ``before`` has not, lacks, or has differently; sorted by key.

    ``ignore`` names attributes to leave out of the comparison (e.g. ``{"position"}``).
    """
    result: list[Difference] = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            result.append(Difference(kind="removed", key=key))
        elif key not in before:
            result.append(Difference(kind="added", key=key))
        else:
            detail = _attr_changes(before[key], after[key], ignore)
            if detail:
                result.append(Difference(kind="changed", key=key, detail=detail))
    return result


def _attr_changes(old: Attrs, new: Attrs, ignore: Collection[str]) -> str:
    """``name: A → B; …`` for every attribute that differs."""
    parts = []
    for name in sorted(old.keys() | new.keys()):
        if name in ignore or old.get(name) == new.get(name):
            continue
        parts.append(f"{name}: {_show(old.get(name))} → {_show(new.get(name))}")
    return "; ".join(parts)


def _show(value: Any) -> str:
    """A compact, single-line rendering of an attribute value."""
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    text = " ".join(str(value).split())
    return text if len(text) <= 200 else text[:199] + "…"


def take_snapshot(
    conn: psycopg.Connection, *, exclude_schemas: Collection[str] = DEFAULT_EXCLUDED_SCHEMAS
) -> Snapshot:
    """Read every user-visible object of the connected database into a :class:`Snapshot`.

    The session's search_path is pinned to ``pg_catalog`` while reading, so that every name in a
    definition (``pg_get_viewdef``, defaults, trigger functions) comes out schema-qualified, and
    restored afterwards.
    """
    params = {"excluded": list(exclude_schemas)}
    objects: dict[str, dict[str, Any]] = {}
    with conn.cursor() as cur:
        row = cur.execute("select current_setting('search_path')").fetchone()
        old_path = row[0] if row else ""
        cur.execute("select set_config('search_path', 'pg_catalog', false)")
        try:
            for query in _QUERIES:
                cur.execute(query, params)
                for key, attrs in cur.fetchall():
                    objects.setdefault(key, {}).update(_normalise(attrs))
            row = cur.execute("select to_regclass('cron.job') is not null").fetchone()
            if row and row[0]:  # pg_cron (or its stand-in): scheduled jobs are database state too
                for key, attrs in cur.execute(_CRON_JOBS).fetchall():
                    objects[key] = _normalise(attrs)
        finally:
            cur.execute("select set_config('search_path', %s, false)", (old_path,))
    return Snapshot(objects)


#: ``job <name>`` for each row of pg_cron's ``cron.job`` (not its id: re-scheduling changes it; nor the
#: database when it is this one, so that two databases built alike compare equal).
_CRON_JOBS = """
select 'job ' || coalesce(quote_ident(jobname), '#' || jobid::text),
       jsonb_build_object('schedule', schedule, 'command', command,
                          'database', nullif(database, current_database()),
                          'username', username, 'active', active)
from cron.job
"""


def _normalise(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Drop absent (NULL) attributes; JSON arrays become tuples so attributes compare as values."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in attrs.items() if v is not None}


# --- catalog queries: each returns (key text, attrs jsonb) rows -----------------------------------

# Schemas we look at: not excluded, not temporary, not owned by an extension.
_NSP = """
    n.nspname <> all(%(excluded)s::text[]) and n.nspname !~ '^pg_(toast_)?temp_'
"""


def _not_ext(catalog: str, oid: str) -> str:
    """SQL condition: the object is not a member of an extension."""
    return (
        f"not exists (select from pg_depend e where e.classid = '{catalog}'::regclass "
        f"and e.objid = {oid} and e.deptype = 'e')"
    )


_REL_KIND = """case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view'
    when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' end"""

_ROLE = "case when {0} = 0 then 'PUBLIC' else quote_ident(pg_get_userbyid({0})) end"

_SCHEMAS = f"""
select 'schema ' || quote_ident(n.nspname),
       jsonb_build_object('owner', pg_get_userbyid(n.nspowner),
                          'comment', obj_description(n.oid, 'pg_namespace'))
from pg_namespace n
where {_NSP} and n.nspname <> 'pg_toast' and {_not_ext("pg_namespace", "n.oid")}
"""

_EXTENSIONS = f"""
select 'extension ' || quote_ident(x.extname),
       jsonb_build_object('version', x.extversion, 'schema', n.nspname,
                          'comment', obj_description(x.oid, 'pg_extension'))
from pg_extension x join pg_namespace n on n.oid = x.extnamespace
where {_NSP}
"""

_RELATIONS = f"""
select {_REL_KIND} || ' ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       jsonb_build_object(
         'owner', pg_get_userbyid(c.relowner),
         'persistence', c.relpersistence,
         'rls', c.relrowsecurity,
         'force_rls', c.relforcerowsecurity,
         'options', to_jsonb((select array_agg(o order by o) from unnest(c.reloptions) o)),
         'definition', case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end,
         'populated', case when c.relkind = 'm' then c.relispopulated end,
         'partition_key', case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end,
         'partition_of', (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
                          from pg_inherits i join pg_class pc on pc.oid = i.inhparent
                          join pg_namespace pn on pn.oid = pc.relnamespace
                          where i.inhrelid = c.oid and c.relispartition),
         'partition_bound', case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end,
         'comment', obj_description(c.oid, 'pg_class'))
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and {_NSP} and {_not_ext("pg_class", "c.oid")}
"""

_SEQUENCES = f"""
select 'sequence ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       jsonb_build_object(
         'type', format_type(s.seqtypid, null), 'start', s.seqstart, 'increment', s.seqincrement,
         'min', s.seqmin, 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle,
         'owned_by', (select quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.'
                             || quote_ident(a.attname)
                      from pg_depend d join pg_class t on t.oid = d.refobjid
                      join pg_namespace tn on tn.oid = t.relnamespace
                      join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid
                        and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
                      limit 1))
from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
where {_NSP} and {_not_ext("pg_class", "c.oid")}
"""

_COLUMNS = f"""
select 'column ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname),
       jsonb_build_object(
         'type', format_type(a.atttypid, a.atttypmod),
         'not_null', a.attnotnull,
         'default', case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end,
         'generated', case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end,
         'identity', nullif(a.attidentity, ''),
         'collation', case when a.attcollation <> t.typcollation then co.collname end,
         'storage', nullif(a.attstorage, t.typstorage),
         'compression', nullif(a.attcompression, ''),
         'position', row_number() over (partition by a.attrelid order by a.attnum),
         'comment', col_description(c.oid, a.attnum))
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
left join pg_collation co on co.oid = a.attcollation
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and {_NSP} and {_not_ext("pg_class", "c.oid")}
"""

_INDEXES = f"""
select 'index ' || quote_ident(n.nspname) || '.' || quote_ident(ic.relname),
       jsonb_build_object(
         'table', quote_ident(n.nspname) || '.' || quote_ident(tc.relname),
         'definition', pg_get_indexdef(i.indexrelid),
         'constraint', (select con.conname from pg_constraint con where con.conindid = i.indexrelid
                        and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x') limit 1),
         'comment', obj_description(ic.oid, 'pg_class'))
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class tc on tc.oid = i.indrelid
join pg_namespace n on n.oid = ic.relnamespace
where {_NSP} and {_not_ext("pg_class", "ic.oid")} and {_not_ext("pg_class", "tc.oid")}
"""

# NOT NULL constraints (contype 'n', PG 18) are left out: the column's not_null says the same
# and keeps PG 15 and PG 18 snapshots alike.
# A foreign key referencing a partitioned table has a clone on its own table for every partition it
# reaches, named by Postgres in creation order (``<name>_1``, ``<name>_2``…): a partition dropped
# and added again renumbers them. Such a clone is keyed by what it is, its definition (naming the
# partition), not by its name.
_CONSTRAINTS = f"""
select 'constraint ' || quote_ident(n.nspname) || '.' || quote_ident(coalesce(tc.relname, ty.typname))
         || '.' || case when pc.conrelid = con.conrelid then '<clone> ' || pg_get_constraintdef(con.oid)
                        else quote_ident(con.conname) end,
       jsonb_build_object(
         'type', con.contype,
         'on', case when con.contypid <> 0 then 'domain' else 'table' end,
         'definition', pg_get_constraintdef(con.oid),
         'deferrable', con.condeferrable,
         'deferred', con.condeferred,
         'validated', con.convalidated,
         'comment', obj_description(con.oid, 'pg_constraint'))
from pg_constraint con
join pg_namespace n on n.oid = con.connamespace
left join pg_class tc on tc.oid = con.conrelid
left join pg_type ty on ty.oid = con.contypid
left join pg_constraint pc on pc.oid = con.conparentid
where con.contype <> 'n' and (con.conrelid <> 0 or con.contypid <> 0)
  and {_NSP} and {_not_ext("pg_constraint", "con.oid")}
  and (tc.oid is null or {_not_ext("pg_class", "tc.oid")})
"""

_POLICIES = f"""
select 'policy ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(p.polname),
       jsonb_build_object(
         'command', case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
                                  when 'd' then 'DELETE' else 'ALL' end,
         'permissive', p.polpermissive,
         'roles', to_jsonb(array(select {_ROLE.format("r")} from unnest(p.polroles) r order by 1)),
         'using', pg_get_expr(p.polqual, p.polrelid),
         'with_check', pg_get_expr(p.polwithcheck, p.polrelid),
         'comment', obj_description(p.oid, 'pg_policy'))
from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
where {_NSP}
"""

_ARGS = """array_to_string(array(select format_type(t, null)
    from unnest(p.proargtypes::oid[]) with ordinality as a(t, i) order by i), ', ')"""

_PROC_KIND = """case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
    when 'w' then 'window function' else 'function' end"""

_FUNCTIONS = f"""
select {_PROC_KIND} || ' ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname)
         || '(' || {_ARGS} || ')',
       jsonb_build_object(
         'owner', pg_get_userbyid(p.proowner),
         'definition', case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end,
         'returns', pg_get_function_result(p.oid),
         'arguments', pg_get_function_arguments(p.oid),
         'language', l.lanname,
         'security_definer', p.prosecdef,
         'volatility', p.provolatile,
         'strict', p.proisstrict,
         'leakproof', p.proleakproof,
         'parallel', p.proparallel,
         'config', to_jsonb((select array_agg(cfg order by cfg) from unnest(p.proconfig) cfg)),
         'comment', obj_description(p.oid, 'pg_proc'))
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
where {_NSP} and {_not_ext("pg_proc", "p.oid")}
"""

_TRIGGERS = f"""
select 'trigger ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(t.tgname),
       jsonb_build_object(
         'definition', pg_get_triggerdef(t.oid),
         'enabled', t.tgenabled,
         'comment', obj_description(t.oid, 'pg_trigger'))
from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
where not t.tgisinternal and {_NSP} and {_not_ext("pg_class", "c.oid")}
"""

_TYPES = f"""
select 'type ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname),
       jsonb_build_object(
         'owner', pg_get_userbyid(t.typowner),
         'kind', case t.typtype when 'e' then 'enum' when 'd' then 'domain' when 'r' then 'range'
                                when 'c' then 'composite' else t.typtype::text end,
         'labels', case when t.typtype = 'e' then to_jsonb(array(
                     select e.enumlabel from pg_enum e where e.enumtypid = t.oid
                     order by e.enumsortorder)) end,
         'base', case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end,
         'not_null', case when t.typtype = 'd' then t.typnotnull end,
         'collation', case when t.typtype = 'd' and t.typcollation <> (select b.typcollation from pg_type b
                                                                      where b.oid = t.typbasetype)
                           then t.typcollation::regcollation::text end,
         'default', t.typdefault,
         'attributes', case when t.typtype = 'c' then to_jsonb(array(
                     select quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                            || case when a.attcollation <> (select at.typcollation from pg_type at
                                                             where at.oid = a.atttypid)
                                    then ' COLLATE ' || a.attcollation::regcollation::text else '' end
                     from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0
                       and not a.attisdropped order by a.attnum)) end,
         'subtype', (select format_type(r.rngsubtype, null) from pg_range r where r.rngtypid = t.oid),
         'comment', obj_description(t.oid, 'pg_type'))
from pg_type t join pg_namespace n on n.oid = t.typnamespace
left join pg_class c on c.oid = t.typrelid
where (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and c.relkind = 'c'))
  and {_NSP} and {_not_ext("pg_type", "t.oid")}
"""


def _grants(kind: str, name_sql: str, acl_sql: str, owner_sql: str, acl_kind: str, from_where: str) -> str:
    """A query expanding an ACL (or its default when NULL) to one key per grantee."""
    return f"""
select 'grant ' || o.kind || ' ' || o.name || ' to ' || {_ROLE.format("x.grantee")},
       jsonb_build_object('privileges', to_jsonb(array_agg(
           x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end
           order by x.privilege_type)))
from (select {kind} as kind, {name_sql} as name, {acl_sql} as acl, {owner_sql} as owner
      {from_where}) o
cross join lateral aclexplode(coalesce(o.acl, acldefault('{acl_kind}', o.owner))) x
group by 1
"""


_GRANTS_RELATIONS = _grants(
    _REL_KIND,
    "quote_ident(n.nspname) || '.' || quote_ident(c.relname)",
    "c.relacl",
    "c.relowner",
    "r",
    f"""from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'f') and {_NSP} and {_not_ext("pg_class", "c.oid")}""",
)

_GRANTS_SEQUENCES = _grants(
    "'sequence'",
    "quote_ident(n.nspname) || '.' || quote_ident(c.relname)",
    "c.relacl",
    "c.relowner",
    "s",
    f"""from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and {_NSP} and {_not_ext("pg_class", "c.oid")}""",
)

_GRANTS_COLUMNS = f"""
select 'grant column ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.'
         || quote_ident(a.attname) || ' to ' || {_ROLE.format("x.grantee")},
       jsonb_build_object('privileges', to_jsonb(array_agg(
           x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end
           order by x.privilege_type)))
from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
cross join lateral aclexplode(a.attacl) x
where a.attacl is not null and a.attnum > 0 and not a.attisdropped and {_NSP}
  and {_not_ext("pg_class", "c.oid")}
group by 1
"""

_GRANTS_FUNCTIONS = _grants(
    _PROC_KIND,
    f"quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || {_ARGS} || ')'",
    "p.proacl",
    "p.proowner",
    "f",
    f"""from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where {_NSP} and {_not_ext("pg_proc", "p.oid")}""",
)

_GRANTS_SCHEMAS = _grants(
    "'schema'",
    "quote_ident(n.nspname)",
    "n.nspacl",
    "n.nspowner",
    "n",
    f"""from pg_namespace n where {_NSP} and {_not_ext("pg_namespace", "n.oid")}""",
)

_GRANTS_TYPES = f"""
select 'grant type ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname)
         || ' to ' || {_ROLE.format("x.grantee")},
       jsonb_build_object('privileges', to_jsonb(array_agg(x.privilege_type order by x.privilege_type)))
from pg_type t join pg_namespace n on n.oid = t.typnamespace
cross join lateral aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) x
where (t.typacl is not null or t.typtype in ('e', 'd', 'r')  -- a NULL ACL is the default one
       or exists (select from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
  and {_NSP} and {_not_ext("pg_type", "t.oid")}
group by 1
"""

_DEFAULT_ACLS = f"""
select 'default privileges ' || quote_ident(pg_get_userbyid(d.defaclrole))
         || coalesce(' in ' || quote_ident(n.nspname), '')
         || ' on ' || case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences'
                       when 'f' then 'functions' when 'T' then 'types' when 'n' then 'schemas'
                       else d.defaclobjtype::text end
         || ' to ' || {_ROLE.format("x.grantee")},
       jsonb_build_object('privileges', to_jsonb(array_agg(
           x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end
           order by x.privilege_type)))
from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
cross join lateral aclexplode(d.defaclacl) x
where n.oid is null or ({_NSP})
group by 1
"""

_PUBLICATIONS = f"""
select 'publication ' || quote_ident(p.pubname) || ' table ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       jsonb_build_object('published', true)
from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
join pg_class c on c.oid = pr.prrelid join pg_namespace n on n.oid = c.relnamespace
where {_NSP}
"""

_QUERIES = (
    _SCHEMAS,
    _EXTENSIONS,
    _RELATIONS,
    _SEQUENCES,
    _COLUMNS,
    _INDEXES,
    _CONSTRAINTS,
    _POLICIES,
    _FUNCTIONS,
    _TRIGGERS,
    _TYPES,
    _GRANTS_RELATIONS,
    _GRANTS_SEQUENCES,
    _GRANTS_COLUMNS,
    _GRANTS_FUNCTIONS,
    _GRANTS_SCHEMAS,
    _GRANTS_TYPES,
    _DEFAULT_ACLS,
    _PUBLICATIONS,
)
