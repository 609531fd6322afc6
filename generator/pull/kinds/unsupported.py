"""Objects the spec language cannot represent yet: each is listed by kind and name (exit 4)."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog, not_extension_member

_NSP = "n.nspname = any(%(schemas)s)"

QUERIES: tuple[tuple[str, str], ...] = (
    ("type", f"""select case t.typtype when 'r' then 'range type' else 'base type' end as kind,
                  quote_ident(n.nspname) || '.' || quote_ident(t.typname) as name
                 from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 left join pg_class c on c.oid = t.typrelid
                 where {_NSP} and t.typcategory <> 'A'
                   and t.typtype in ('r', 'b')
                   and {not_extension_member("pg_type", "t.oid")}"""),
    ("foreign table", f"""select 'foreign table' as kind, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                           as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                          where c.relkind = 'f' and {_NSP} and {not_extension_member("pg_class", "c.oid")}"""),
    ("rule", f"""select 'rule' as kind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.'
                      || quote_ident(r.rulename) as name
                      from pg_rewrite r join pg_class c on c.oid = r.ev_class
                      join pg_namespace n on n.oid = c.relnamespace
                      where r.rulename <> '_RETURN' and c.relkind in ('r', 'p') and {_NSP}"""),
    ("event trigger", """select 'event trigger' as kind, quote_ident(e.evtname) as name from pg_event_trigger e
                         where not exists (select from pg_depend d where d.classid = 'pg_event_trigger'::regclass
                                           and d.objid = e.oid and d.deptype = 'e')
                           and e.evtname not like 'issue\\_%%' and e.evtname not like 'pgrst\\_%%'
                           and e.evtname not like 'graphql\\_%%' and e.evtname not like 'supabase\\_%%'"""),
    ("publication", """select 'publication' as kind, quote_ident(p.pubname) as name from pg_publication p
                       where p.pubname <> 'supabase_realtime'
                       union all
                       select 'publication table', 'supabase_realtime: ' || quote_ident(n.nspname) || '.'
                              || quote_ident(c.relname)
                       from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
                       join pg_class c on c.oid = pr.prrelid join pg_namespace n on n.oid = c.relnamespace
                       where p.pubname = 'supabase_realtime'
                         and (n.nspname <> all(%(schemas)s) or c.relkind not in ('r', 'p') or c.relispartition
                              or {filtered})"""),
    ("collation", f"""select 'collation' as kind, quote_ident(n.nspname) || '.' || quote_ident(c.collname) as name
                      from pg_collation c join pg_namespace n on n.oid = c.collnamespace
                      where {_NSP} and {not_extension_member("pg_collation", "c.oid")}"""),
    ("operator", f"""select 'operator' as kind, o.oid::regoperator::text as name
                     from pg_operator o join pg_namespace n on n.oid = o.oprnamespace
                     where {_NSP} and {not_extension_member("pg_operator", "o.oid")}"""),
    ("text search", f"""select 'text search configuration' as kind,
                           quote_ident(n.nspname) || '.' || quote_ident(c.cfgname) as name
                        from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace
                        where {_NSP} and {not_extension_member("pg_ts_config", "c.oid")}"""),
    ("statistics", f"""select 'statistics' as kind, quote_ident(n.nspname) || '.' || quote_ident(s.stxname) as name
                       from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace where {_NSP}"""),
    ("foreign server", """select 'foreign server' as kind, quote_ident(s.srvname) as name from pg_foreign_server s
                          where not exists (select from pg_depend d where d.classid = 'pg_foreign_server'::regclass
                                            and d.objid = s.oid and d.deptype = 'e')"""),
)

DEFAULT_ACLS = """
select 'default privileges' as kind, pg_get_userbyid(d.defaclrole) || coalesce(' in ' || n.nspname, '')
         || ' on ' || case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
                                            when 'T' then 'types' else 'schemas' end as name
from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
"""


SUPABASE_OWN = """
where n.nspname = any(%(schemas)s) and not (n.nspname = 'public' and not exists (
  select from aclexplode(d.defaclacl) x
  where x.grantee = 0 or pg_get_userbyid(x.grantee) not in ('anon', 'authenticated', 'service_role', 'postgres')))
"""


def read(cat: Catalog) -> list[Any]:
    """Record every object the language cannot represent; returns no items."""
    filtered = "pr.prqual is not null or pr.prattrs is not null" if cat.server_version >= 150000 else "false"
    for _label, query in QUERIES:
        for r in cat.rows(query.replace("{filtered}", filtered)):
            cat.skip(r["kind"], r["name"])
    # on Supabase, its own default privileges (in public, to its roles) are the platform's
    query = DEFAULT_ACLS if not cat.supabase else DEFAULT_ACLS + SUPABASE_OWN
    for r in cat.rows(query):
        cat.skip(r["kind"], r["name"], "ALTER DEFAULT PRIVILEGES")
    return []
