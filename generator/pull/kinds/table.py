"""Tables: columns (type, default, identity, generated), keys, checks, foreign keys, RLS, comments,
grants (table and column level); a partitioned table's key and partitions (:mod:`.partition`)."""

from __future__ import annotations

from typing import Any

from ...ir.names import constraint_name
from ...ir.serial import sequence_name
from ...ir.sql import expression_refs
from ...sqlan.constraints import exclusion_parts
from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import column_grants, grants_of
from . import Item, omit_defaults, partition

TABLES = f"""
select c.oid, n.nspname as schema, c.relname as name, c.relkind as kind, c.relpersistence as persistence,
       c.reloptions as options, c.relispartition as is_partition, c.relrowsecurity as rls,
       c.relforcerowsecurity as force_rls, c.relacl as acl, c.relowner as owner,
       pg_get_userbyid(c.relowner) as owner_name, obj_description(c.oid, 'pg_class') as comment,
       exists (select from pg_inherits i where i.inhrelid = c.oid) as inherits,
       (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) from pg_inherits i
        join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
        where i.inhrelid = c.oid and c.relispartition) as partition_of,
       c.reloftype <> 0 as typed,
       exists (select from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
               where pr.prrelid = c.oid and p.pubname = 'supabase_realtime') as realtime
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and n.nspname = any(%(schemas)s) and {not_extension_member("pg_class", "c.oid")}
order by 2, 3
"""

COLUMNS = """
select a.attrelid as rel, a.attnum as num, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull as not_null, a.attidentity as identity, a.attgenerated as generated,
       pg_get_expr(d.adbin, d.adrelid) as expr, col_description(a.attrelid, a.attnum) as comment,
       case when a.attcollation <> t.typcollation then
         case when con.nspname = 'pg_catalog' then co.collname::text else con.nspname || '.' || co.collname end
       end as collation, a.attacl as acl,
       case when a.attstorage <> t.typstorage then case a.attstorage when 'p' then 'plain' when 'e' then 'external'
         when 'm' then 'main' when 'x' then 'extended' end end as storage,
       case a.attcompression when 'p' then 'pglz' when 'l' then 'lz4' end as compression,
       pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) as seq
from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
left join pg_collation co on co.oid = a.attcollation left join pg_namespace con on con.oid = co.collnamespace
where a.attrelid = any(%(rels)s) and a.attnum > 0 and not a.attisdropped
order by 1, 2
"""

IDENTITY_SEQ = """
select n.nspname as schema, c.relname as name, s.seqstart as start, s.seqincrement as increment,
       s.seqmin as min, s.seqmax as max, s.seqcache as cache, s.seqcycle as cycle, format_type(s.seqtypid, null)
       as type, c.relacl as acl, c.relowner as owner, pg_get_userbyid(c.relowner) as owner_name
from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
where c.oid = %(seq)s::regclass
"""

CONSTRAINTS = """
select con.conrelid as rel, con.conname as name, con.contype as type, pg_get_constraintdef(con.oid) as def,
       con.condeferrable as deferrable, con.condeferred as deferred, con.convalidated as validated,
       con.connoinherit as noinherit, con.confmatchtype as match, con.confupdtype as on_update,
       con.confdeltype as on_delete,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as columns,
       array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i) as target_columns,
       tn.nspname as target_schema, tc.relname as target_table,
       obj_description(con.oid, 'pg_constraint') as comment
from pg_constraint con
left join pg_class tc on tc.oid = con.confrelid left join pg_namespace tn on tn.oid = tc.relnamespace
where con.conrelid = any(%(rels)s) and con.contype in ('p', 'u', 'c', 'f', 'x') and con.conparentid = 0
order by 1, 2
"""

SERIAL = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


def _check_expression(definition: str) -> str:
    """``CHECK ((a > 0))`` → ``a > 0``: Postgres's deparse, less the keyword and redundant parentheses."""
    text = definition[len("CHECK "):] if definition.startswith("CHECK ") else definition
    while text.startswith("(") and text.endswith(")") and _one_group(text):
        text = text[1:-1]
    return text


def _one_group(text: str) -> bool:
    """True when the first parenthesis of ``text`` closes at its last character (outside quotes)."""
    depth, quote = 0, None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def _key_sql(kind: str, columns: list[str], nulls_not_distinct: bool) -> str:
    from ...quoting import quote_ident

    cols = ", ".join(quote_ident(c) for c in columns)
    return "PRIMARY KEY (" + cols + ")" if kind == "p" else \
        "UNIQUE " + ("NULLS NOT DISTINCT " if nulls_not_distinct else "") + "(" + cols + ")"


def _column(cat: Catalog, t: dict[str, Any], c: dict[str, Any], pk: list[str]) -> dict[str, Any]:
    tname = qualified(t["schema"], t["name"])
    where = f"{tname}.{c['name']}"
    if c["generated"] == "v":
        cat.skip("column", where, "a virtual generated column")
    identity = {"a": "always", "d": "by default"}.get(c["identity"])
    sequence_grants = _identity_sequence(cat, t, c) if identity else []
    type_ = c["type"]
    if not identity and c["seq"] and c["expr"] == f"nextval('{c['seq']}'::regclass)" and type_ in SERIAL \
            and _serial_shaped(cat, t, c):
        # its sequence is the one serial creates: the column states its grants (see kinds/sequence.py)
        sequence_grants = _identity_sequence(cat, t, c)
        type_, c = SERIAL[type_], {**c, "expr": None}
    data = {
        "name": c["name"], "type": type_, "collation": c["collation"], "storage": c["storage"],
        "compression": c["compression"],
        "nullable": None if c["name"] in pk else (False if c["not_null"] else None),
        "default": c["expr"] if not c["generated"] and not identity else None,
        "identity": identity,
        "generated": c["expr"] if c["generated"] == "s" else None,
        "comment": c["comment"],
        "sequence_grants": sequence_grants,
    }
    return omit_defaults(data, {})


def _serial_shaped(cat: Catalog, t: dict[str, Any], c: dict[str, Any]) -> bool:
    """Whether a column's ``nextval`` sequence is what ``serial`` creates: ``table_column_seq`` in the
    table's schema, of the column's type, with default options (else it is pulled as a sequence
    ``owned_by`` the column)."""
    rows = cat.rows(IDENTITY_SEQ, {"seq": c["seq"]})
    if not rows:
        return False
    s = rows[0]
    from .sequence import default_bounds

    low, high = default_bounds(s["type"], s["increment"])
    return (s["schema"], s["name"], s["type"]) == (t["schema"], sequence_name(t["name"], c["name"]), c["type"]) \
        and (s["start"], s["increment"], s["min"], s["max"], s["cache"], s["cycle"]) == (low, 1, low, high, 1, False)


def _identity_sequence(cat: Catalog, t: dict[str, Any], c: dict[str, Any]) -> list[dict[str, Any]]:
    """The grants on an identity column's sequence; the spec names it ``table_column_seq`` with default
    options."""
    where = f"{qualified(t['schema'], t['name'])}.{c['name']}"
    rows = cat.rows(IDENTITY_SEQ, {"seq": c["seq"]}) if c["seq"] else []
    if not rows:
        cat.skip("column", where, "its identity sequence cannot be found")
        return []
    s = rows[0]
    if (s["schema"], s["name"]) != (t["schema"], sequence_name(t["name"], c["name"])):
        cat.skip("column", where, f"identity sequence {qualified(s['schema'], s['name'])} is not named "
                                  f"{sequence_name(t['name'], c['name'])}")
    from .sequence import default_bounds

    low, high = default_bounds(s["type"], s["increment"])
    if (s["start"], s["increment"], s["min"], s["max"], s["cache"], s["cycle"]) != (
            low if s["increment"] > 0 else high, 1, low, high, 1, False):
        cat.skip("column", where, "identity sequence options other than the defaults")
    return grants_of(cat, "sequence", qualified(s["schema"], s["name"]), s["acl"], "s", s["owner"],
                     s["owner_name"])


def read(cat: Catalog) -> list[Item]:
    """Every table of the pulled schemas (a partitioned one with its partitions; a partition is part of
    its table, never a table of its own)."""
    tables = cat.rows(TABLES)
    tables_ok = []
    for t in tables:
        name = qualified(t["schema"], t["name"])
        if t["is_partition"]:
            continue  # read with its table (below); reported if its table is not pulled
        if t["inherits"]:
            cat.skip("table", name, "inherits from another table")
        elif t["typed"]:
            cat.skip("table", name, "a typed table (OF type)")
        else:
            if t["persistence"] == "u":
                cat.skip("table", name, "UNLOGGED")
            if t["options"]:
                cat.skip("table", name, f"storage parameters {', '.join(t['options'])}")
            tables_ok.append(t)
    partitioned = partition.read(cat, [t for t in tables_ok if t["kind"] == "p"])
    tables_ok = [t for t in tables_ok if partitioned.get(t["oid"], True) is not None]
    for t in tables:
        if t["is_partition"] and (t["schema"], t["name"]) not in cat.partitions:
            cat.skip("partition", qualified(t["schema"], t["name"]),
                     f"of {t['partition_of']}, a table the pull does not read")
    rels = [t["oid"] for t in tables_ok]
    columns: dict[int, list[dict[str, Any]]] = {}
    for c in cat.rows(COLUMNS, {"rels": rels}):
        columns.setdefault(c["rel"], []).append(c)
    constraints: dict[int, list[dict[str, Any]]] = {}
    for k in cat.rows(CONSTRAINTS, {"rels": rels}):
        constraints.setdefault(k["rel"], []).append(k)
    out: list[Item] = []
    for t in tables_ok:
        out += _table(cat, t, columns.get(t["oid"], []), constraints.get(t["oid"], []), partitioned.get(t["oid"]))
    return out


def _table(cat: Catalog, t: dict[str, Any], cols: list[dict[str, Any]], cons: list[dict[str, Any]],
           parts: partition.Partitioning | None = None) -> list[Item]:
    tname, sch = t["name"], t["schema"]
    qname = qualified(sch, tname)
    pk = next((k for k in cons if k["type"] == "p"), None)
    pk_cols = list(pk["columns"]) if pk else []
    data: dict[str, Any] = {"name": tname, "schema": sch, "comment": t["comment"],
                            "columns": [_column(cat, t, c, pk_cols) for c in cols]}
    uniques, checks, excludes, fks = [], [], [], []
    children: list[Item] = []
    for k in cons:
        where = f"{qname}.{k['name']}"
        if k["type"] == "x":
            x = _exclusion(cat, k, tname, where)
            if x is not None:
                excludes.append(omit_defaults({**x, "comment": k["comment"]}, {}))
            continue
        if k["type"] in ("p", "u"):
            nnd = "NULLS NOT DISTINCT" in k["def"]
            if k["deferrable"]:
                cat.skip("constraint", where, "a deferrable key")
            if k["def"] != _key_sql(k["type"], list(k["columns"]), nnd):
                cat.skip("constraint", where, f"{k['def']} (index options the spec cannot state)")
            if k["type"] == "p":
                if k["name"] != constraint_name(tname, [], "pkey"):
                    cat.skip("constraint", where, "a primary key not named <table>_pkey")
                continue
            u = {"name": None if k["name"] == constraint_name(tname, list(k["columns"]), "key") else k["name"],
                 "columns": list(k["columns"]), "nulls_not_distinct": nnd or None, "comment": k["comment"]}
            uniques.append(omit_defaults(u, {"nulls_not_distinct": False}))
        elif k["type"] == "c":
            if not k["validated"]:
                cat.skip("constraint", where, "NOT VALID")
            if k["noinherit"]:
                cat.skip("constraint", where, "NO INHERIT")
            expr = _check_expression(k["def"].removesuffix(" NOT VALID").removesuffix(" NO INHERIT"))
            refs = expression_refs(expr)
            one = sorted(refs.columns) if len(refs.columns) == 1 else []
            default = constraint_name(tname, one, "check")
            checks.append(omit_defaults({"name": None if k["name"] == default else k["name"],
                                         "expression": expr, "comment": k["comment"]}, {}))
        elif k["type"] == "f":
            fk = _foreign_key(cat, k, sch, tname, where)
            if fk is not None:
                fks.append(fk)
    data["primary_key"] = pk_cols
    data["primary_key_comment"] = pk["comment"] if pk else None
    data["unique"] = uniques
    data["checks"] = checks
    data["exclude"] = excludes
    data["foreign_keys"] = fks
    if parts is not None:
        data["partition_by"] = parts.partition_by
        data["partitions"] = parts.partitions
    if not t["rls"] or t["force_rls"]:
        data["rls"] = omit_defaults({"enable": t["rls"], "force": t["force_rls"]}, {"enable": True, "force": False})
    data["realtime"] = t["realtime"] or None
    grants = grants_of(cat, "table", qname, t["acl"], "r", t["owner"], t["owner_name"])
    grants += column_grants(cat, "table", qname, [(c["name"], c["acl"]) for c in cols])
    data["grants"] = grants
    return [Item("tables", sch, tname, omit_defaults(data, {"schema": "public"})), *children]


def _exclusion(cat: Catalog, k: dict[str, Any], tname: str, where: str) -> dict[str, Any] | None:
    """An exclusion constraint in the spec's shape, read from Postgres's text of it."""
    from ...ir.exclusion import element_parts
    from ...ir.model import ExclusionElement

    x = exclusion_parts(k["def"])
    if not all(e.plain for e in x.elements):
        cat.skip("constraint", where, "an exclusion element with a qualified operator, collation or order")
        return None
    elements: list[dict[str, Any]] = []
    for e in x.elements:
        one: dict[str, Any] = {"column": e.column} if e.column else {"expression": e.expression}
        if e.opclass:
            one["opclass"] = e.opclass
        one["with"] = e.operator
        elements.append(one)
    irs = [ExclusionElement(column=e.column, expression=e.expression) for e in x.elements]
    parts = element_parts(irs, lambda t: sorted(expression_refs(t).columns))
    default = constraint_name(tname, parts, "excl")
    data = {"name": None if k["name"] == default else k["name"], "using": x.method,
            "elements": elements, "where": x.where, "include": list(x.include), "deferrable": x.deferrable,
            "initially": "deferred" if x.initially_deferred or not x.deferrable else "immediate"}
    return omit_defaults(data, {"using": "gist", "deferrable": False, "initially": "deferred"})


def _foreign_key(cat: Catalog, k: dict[str, Any], sch: str, tname: str, where: str) -> dict[str, Any] | None:
    if k["match"] not in ("f", "s"):
        cat.skip("constraint", where, "MATCH PARTIAL")
    if " SET NULL (" in k["def"] or " SET DEFAULT (" in k["def"]:
        cat.skip("constraint", where, "ON DELETE SET NULL/DEFAULT of some columns")
    if not k["validated"]:
        cat.skip("constraint", where, "NOT VALID")
    target = k["target_table"] if k["target_schema"] == sch else f"{k['target_schema']}.{k['target_table']}"
    if k["target_schema"] not in cat.schemas:
        cat.referenced.add((k["target_schema"], k["target_table"]))
    cols = list(k["columns"])
    fk = {"name": None if k["name"] == constraint_name(tname, cols, "fkey") else k["name"],
          "columns": cols, "references": {"table": target, "columns": list(k["target_columns"])},
          "on_delete": FK_ACTIONS[k["on_delete"]], "on_update": FK_ACTIONS[k["on_update"]],
          "deferrable": bool(k["deferrable"]),
          "initially": "deferred" if k["deferred"] or not k["deferrable"] else "immediate",
          "match": "full" if k["match"] == "f" else "simple", "comment": k["comment"]}
    return omit_defaults(fk, {"on_delete": "no action", "on_update": "no action", "deferrable": False,
                              "initially": "deferred", "match": "simple"})
