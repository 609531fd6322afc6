"""Pulled items → the spec as plain data → deterministic YAML (sorted, grouped by table, LF)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from ..ir.procedure import plpgsql_procedure
from ..ir.sql import SqlRefs, expression_refs, plpgsql_refs, plpgsql_wrapper, statement_refs, type_refs
from ..kinds import Kind
from .catalog import SUPABASE_ROLES, Catalog, Unsupported
from .kinds import Item

SECTIONS = ("schemas", "extensions", "enums", "domains", "composite_types", "sequences", "functions",
            "procedures", "tables", "views", "materialized_views", "attached_triggers", "attached_policies", "jobs")
CHILDREN = {"indexes": ("tables", "materialized_views"), "policies": ("tables",),
            "triggers": ("tables", "views")}
CHILD_KIND = {"indexes": Kind.INDEX, "policies": Kind.POLICY, "triggers": Kind.TRIGGER}
TABLE_KEYS = ("name", "schema", "comment", "columns", "primary_key", "primary_key_comment", "unique", "checks",
              "exclude", "foreign_keys", "partition_by", "partitions", "rls", "realtime", "indexes", "policies",
              "triggers", "grants")


def spec_data(cat: Catalog, items: list[Item], name: str, project: str) -> dict[str, Any]:
    """The whole spec as plain data: one migration declaring every pulled object."""
    sections: dict[str, list[Item]] = {s: [] for s in SECTIONS}
    children: list[Item] = []
    for it in items:
        (sections[it.section] if it.section in sections else children).append(it)
    owners: dict[tuple[str, str], dict[str, Any]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for section in ("tables", "views", "materialized_views"):
        for it in sections[section]:
            owners[(it.schema, it.name)] = it.data
            kinds[(it.schema, it.name)] = section
    for it in sorted(children, key=lambda i: i.sort_key):
        owner = owners.get((it.schema, it.parent or ""))
        if owner is None or kinds[(it.schema, it.parent or "")] not in CHILDREN[it.section]:
            table = cat.partitions.get((it.schema, it.parent or ""))
            cat.skip(CHILD_KIND[it.section], f"{it.schema}.{it.parent}.{it.name}",
                     f"on a partition of {table}: the spec declares them on the table" if table else
                     "on a relation the spec does not pull")
            continue
        owner.setdefault(it.section, []).append(it.data)
    migration: dict[str, Any] = {"number": 1, "name": name}
    for section in SECTIONS:
        group = sorted(sections[section], key=lambda i: i.sort_key)
        if group:
            key = section.removeprefix("attached_")
            migration[key] = [_ordered(i.data) if section == "tables" else i.data for i in group]
    data: dict[str, Any] = {"version": 1, "project": {"name": project}}
    roles = sorted(_roles(migration) | (set(SUPABASE_ROLES) if cat.supabase else set()))
    if roles != list(SUPABASE_ROLES):
        data["roles"] = roles
    externals = _externals(cat, migration)
    if externals:
        data["external"] = externals
    if not cat.supabase:
        data["privileges"] = {"revoke_from": ["public"]}
    data["migrations"] = [migration]
    return data


def _ordered(table: dict[str, Any]) -> dict[str, Any]:
    return {k: table[k] for k in TABLE_KEYS if k in table}


def _roles(migration: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            if key in ("to", "roles"):
                found.update(r for r in node if isinstance(r, str))
            for v in node:
                walk(v)

    walk(migration)
    return {r for r in found if r.lower() != "public"}


def _externals(cat: Catalog, migration: dict[str, Any]) -> list[str]:
    """Qualified names the pulled SQL uses that the spec does not declare (Supabase's, extensions')."""
    declared: set[tuple[str, str]] = set()
    for section in ("enums", "domains", "composite_types", "sequences", "functions", "tables", "views",
                    "materialized_views"):
        for d in migration.get(section, []):
            declared.add((d.get("schema", "public"), d["name"]))
    refs: list[SqlRefs] = []
    for t in migration.get("tables", []):
        for c in t["columns"]:
            refs += [type_refs(c["type"])] + [expression_refs(c[k]) for k in ("default", "generated") if k in c]
        refs += [expression_refs(k["expression"]) for k in t.get("checks", [])]
        for x in t.get("exclude", []):
            refs += [expression_refs(e["expression"]) for e in x["elements"] if "expression" in e]
            refs += [expression_refs(x["where"])] if "where" in x else []
        for p in t.get("policies", []):
            refs += [expression_refs(p[k]) for k in ("using", "with_check") if k in p]
        for ix in t.get("indexes", []):
            refs += [expression_refs(e["expression"]) for e in ix["columns"] if isinstance(e, dict)
                     and "expression" in e]
            if "where" in ix:
                refs.append(expression_refs(ix["where"]))
        for tg in t.get("triggers", []):
            if "when" in tg:
                refs.append(expression_refs(tg["when"]))
    for p in migration.get("policies", []):
        refs += [expression_refs(p[k]) for k in ("using", "with_check") if k in p]
    for d in migration.get("domains", []):
        refs += [type_refs(d["type"])] + [expression_refs(k["expression"]) for k in d.get("checks", [])]
        refs += [expression_refs(d["default"])] if "default" in d else []
    refs += [type_refs(a["type"]) for d in migration.get("composite_types", []) for a in d["attributes"]]
    refs += [expression_refs(tg["when"]) for tg in migration.get("triggers", []) if "when" in tg]
    for section in ("views", "materialized_views"):
        refs += [statement_refs(v["query"]) for v in migration.get(section, [])]
    for f in migration.get("functions", []):
        args = f.get("arguments", [])
        refs += [type_refs(a["type"]) for a in args] + [expression_refs(a["default"]) for a in args if "default" in a]
        if f.get("language") == "plpgsql":
            returns = f.get("returns") or "TABLE (" + ", ".join(f"x{i} {c['type']}" for i, c in
                                                                enumerate(f.get("returns_table", []))) + ")"
            wrapped = plpgsql_wrapper(f["body"], [(a.get("mode", "in"), a.get("name"), a["type"]) for a in args],
                                      returns)
            refs.append(plpgsql_refs(wrapped))
        else:
            refs.append(statement_refs(f["body"]))
    for f in migration.get("procedures", []):
        args = f.get("arguments", [])
        refs += [type_refs(a["type"]) for a in args] + [expression_refs(a["default"]) for a in args if "default" in a]
        refs.append(plpgsql_refs(plpgsql_procedure(f["body"], [(a.get("mode", "in"), a.get("name"), a["type"])
                                                               for a in args]))
                    if f.get("language") == "plpgsql" else statement_refs(f["body"]))
    names = set(cat.referenced)
    for r in refs:
        for sch, name in (*r.relations, *r.functions, *r.types):
            if sch is not None and sch not in ("pg_catalog", "pg_temp"):
                names.add((sch, name))
    return sorted(f"{s}.{n}" for s, n in names if (s, n) not in declared and s not in ("pg_catalog",)
                  and not (s == "auth" and n in ("uid", "role", "jwt", "email", "users")))


# --- YAML -----------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaf mappings, ``|`` for multi-line text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _leaf(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" not in value
    if isinstance(value, list):
        return all(isinstance(v, str | int | bool) and _leaf(v) for v in value)
    return value is None or isinstance(value, int | bool | float)


def _dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    flow = all(_leaf(v) for v in value.values()) and len(value) <= 8
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = all(isinstance(v, str | int | bool) and _leaf(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(list, _list)


def to_yaml(data: dict[str, Any], skipped: Iterable[Unsupported] = (), header: str = "") -> str:
    """The spec's text: a comment header (and skipped objects), then the data; LF endings."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    skipped = sorted(set(skipped))
    if skipped:
        lines.append("# Left out: the spec language cannot represent these objects yet (--skip-unsupported):")
        lines += [f"#   - {u}" for u in skipped]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31 - 1,
                     default_flow_style=False)
    return "\n".join(lines) + ("\n" if lines else "") + body
