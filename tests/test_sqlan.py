"""The SQL-analysis module: one cached parse per text, the walks that share it, and TypeRef."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.ir import build
from generator.ir.ids import ObjectId
from generator.plan.strategy import enum_users
from generator.spec import load_spec
from generator.sqlan import parse as sp
from generator.sqlan.refs import column_use, default_text, expression_refs, query_refs, type_refs
from generator.sqlan.select import figure_colname, from_relations, not_null_only, select_list
from generator.sqlan.shape import columns_in, parse_expression
from generator.sqlan.types import (
    UNKNOWN,
    TypeRef,
    base_type,
    catalog,
    column_type,
    same_type,
    serial_base,
    spelling,
    type_change_rewrites,
    type_narrows,
    type_ref,
)


# -- the parse cache -----------------------------------------------------------------------------
def test_one_parse_per_text_shared_by_every_walk() -> None:
    sp.clear_cache()
    expr = "owner_id = (select auth.uid()) and archived_at is null"
    assert expression_refs(expr).columns == {"owner_id", "archived_at"}
    assert column_use(expr).names == {"owner_id", "archived_at"}
    node = parse_expression(expr)
    assert node is not None and columns_in(node) == {"owner_id", "archived_at"}
    info = sp.cache_info()["parse"]
    assert info.misses == 1 and info.hits >= 2


def test_a_query_is_parsed_once_for_refs_column_use_and_select_list() -> None:
    sp.clear_cache()
    query = "select i.id, i.title from public.items i where i.archived is false"
    assert query_refs(query).relations == {("public", "items")}
    assert column_use(query, statement=True).names >= {"id", "title", "archived"}
    assert select_list(query) is not None
    assert sp.cache_info()["parse"].misses == 1


def test_a_parse_error_is_raised_every_time_with_its_offset() -> None:
    sp.clear_cache()
    for _ in range(2):
        with pytest.raises(sp.ParseError) as exc:
            sp.parse("select 1 frm t")
        assert sp.error_offset(exc.value) == 13  # at "t"
    assert sp.cache_info()["parse"].misses == 1


def test_error_messages_keep_their_offsets_in_the_users_text() -> None:
    refs = expression_refs("a + + )")
    assert refs.error is not None and refs.error.startswith("invalid SQL:")
    assert refs.error_offset == 6  # counted in the expression, not in the SELECT ( wrapper
    two = expression_refs("a); drop table t; select (1")
    assert two.error is not None and "exactly one SQL expression" in two.error
    bad = type_refs("int -- comment")
    assert bad.error is not None and "comment" in bad.error


def test_plpgsql_is_a_separate_mode() -> None:
    sp.clear_cache()
    fn = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$"
    sp.parse(fn)
    sp.parse(fn, "plpgsql")
    assert sp.cache_info()["parse"].misses == 2


# -- walks ---------------------------------------------------------------------------------------
def test_select_list_and_from_relations() -> None:
    assert select_list("select id from public.items") == select_list("select i.id from public.items as i")
    assert select_list("select * from public.items") is None
    tree = sp.parse("select 1 from public.a x join b on true")
    rels = from_relations(tree["stmts"][0]["stmt"]["SelectStmt"]["fromClause"])
    assert rels == {"x": "public.a", "b": ".b"}


@pytest.mark.parametrize(("expr", "name"), [
    ("a.b", "b"), ("count(*)", "count"), ("1::integer", "int4"), ("x::text", "x"), ("coalesce(a, b)", "coalesce"),
    ("current_date", "current_date"), ("exists (select 1)", "exists"), ("a + 1", "?column?"),
])
def test_figure_colname_names_like_postgres(expr: str, name: str) -> None:
    assert figure_colname(parse_expression(expr)) == name


def test_not_null_only_reads_only_that_shape() -> None:
    assert not_null_only("a is not null and b is not null") == {"a", "b"}
    assert not_null_only("a > 0") == {"\0"}


# -- TypeRef -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "ref"), [
    ("integer", catalog("int4")),
    ("int", catalog("int4")),
    ("int4", catalog("int4")),
    ("double precision", catalog("float8")),
    ("timestamp with time zone", catalog("timestamptz")),
    ("timestamptz", catalog("timestamptz")),
    ("TIMESTAMPTZ", catalog("timestamptz")),
    ("character varying(20)", TypeRef("varchar", "pg_catalog", mods=("20",))),
    ("varchar( 20 )", TypeRef("varchar", "pg_catalog", mods=("20",))),
    ("numeric(10, 2)", TypeRef("numeric", "pg_catalog", mods=("10", "2"))),
    ("text[]", TypeRef("text", "pg_catalog", dims=1)),
    ("int[3][]", TypeRef("int4", "pg_catalog", dims=2)),
    ("integer ARRAY", TypeRef("int4", "pg_catalog", dims=1)),
    ('"Mood"', TypeRef("Mood")),
    ("Mood", TypeRef("mood")),
    ("public.mood", TypeRef("mood", "public")),
    ('"My Schema"."Order"[]', TypeRef("Order", "My Schema", dims=1)),
    ("bigserial", TypeRef("int8", "pg_catalog", serial=True)),
    ("interval day to second", TypeRef("interval", "pg_catalog", fields=7176)),
    ("interval(3)", TypeRef("interval", "pg_catalog", mods=("3",))),
    ("setof uuid", TypeRef("uuid", "pg_catalog", setof=True)),
])
def test_type_ref_reads_every_spelling(text: str, ref: TypeRef) -> None:
    assert type_ref(text) == ref


def test_type_ref_kinds_and_views() -> None:
    assert type_ref("timestamp with time zone") == type_ref("timestamptz")
    assert type_ref("citext") == catalog("citext")  # treated as built-in, as Supabase does
    mood = type_ref("public.mood[]")
    assert mood is not None and mood.kind == "user" and mood.array and mood.element() == TypeRef("mood", "public")
    assert mood.names_type("public", "mood") and not mood.names_type("other", "mood")
    assert TypeRef("mood").names_type("other", "mood")  # unqualified: build resolved it already
    serial = type_ref("serial")
    assert serial is not None and serial.kind == "serial" and serial.name == "int4"
    assert catalog("jsonb").as_array().array and catalog("jsonb").is_json
    assert type_ref("not a type at all") is None and type_ref("int; drop table t") is None
    assert UNKNOWN.kind == "builtin"


def test_same_type_spelling_and_base_type() -> None:
    assert same_type("int", "integer") and same_type("character varying(20)", "varchar(20)")
    assert not same_type("varchar(20)", "varchar(30)") and not same_type("mood", "public.mood[]")
    assert spelling("  Character   VARYING(20) ") == "character varying(20)"
    assert base_type("character varying(20)") == "varchar" and base_type("timestamp(3) with time zone") == "timestamptz"
    assert catalog("int4").key() == "pg_catalog.int4" and type_ref("integer") == catalog("int4")
    assert TypeRef("varchar", "pg_catalog", dims=1, mods=("20",)).key() == "pg_catalog.varchar(20)[]"


@pytest.mark.parametrize(("old", "new", "narrows"), [
    ("integer", "bigint", False), ("int", "int8", False), ("int4", "integer", False),
    ("bigint", "integer", True), ("varchar(20)", "varchar(50)", False), ("varchar(50)", "varchar(20)", True),
    ("character varying(20)", "text", False), ("text", "varchar(20)", True), ("varchar(20)", "varchar", False),
    ("numeric(10,2)", "numeric(12,2)", False), ("numeric(10,2)", "numeric(10,0)", True),
    ("numeric(10,2)", "numeric(11,3)", False), ("numeric(10,2)", "numeric(10,3)", True),
    ("numeric(10,2)", "numeric", False),
    ("timestamp", "timestamp with time zone", False), ("timestamptz", "timestamp", True),
    ("json", "jsonb", False), ("smallint", "double precision", False), ("char(10)", "varchar(5)", True),
    ("integer[]", "bigint[]", False), ("integer", "integer[]", True), ("mood", "text", True),
    ("serial", "integer", False), ("integer", "serial", False), ("serial", "bigserial", False),
    ("bigserial", "serial", True), ("smallserial", "int2", False),
])
def test_type_narrows_by_type_not_spelling(old: str, new: str, narrows: bool) -> None:
    assert type_narrows(old, new) is narrows


def test_enum_users_match_quoted_qualified_and_array_columns(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(textwrap.dedent("""\
        migrations:
          - number: 1
            name: init
            schemas:
              - name: My Schema
            enums:
              - {name: Order, schema: My Schema, values: [a, b]}
              - {name: mood, values: [ok, meh]}
            tables:
              - name: t
                columns:
                  - {name: id, type: int, primary_key: true}
                  - {name: o, type: '"My Schema"."Order"'}
                  - {name: os, type: '"My Schema"."Order"[]'}
                  - {name: m, type: mood}
                  - {name: ms, type: 'public.mood[][]'}
                  - {name: n, type: text}
        """), encoding="utf-8")
    model = build(load_spec(spec))
    order = enum_users(model, ObjectId("type", "My Schema", "Order"))
    assert [(c, arr) for _, c, _, arr in order] == [("o", False), ("os", True)]
    mood = enum_users(model, ObjectId("type", "public", "mood"))
    assert [(c, arr) for _, c, _, arr in mood] == [("m", False), ("ms", True)]


@pytest.mark.parametrize(("old", "new", "rewrites"), [
    ("int", "integer", False), ("varchar(20)", "character varying(40)", False), ("varchar(40)", "varchar(20)", True),
    ("varchar(20)", "text", False), ("varchar(20)[]", "text[]", False), ("varchar", "varchar(20)", True),
    ("numeric(10,2)", "numeric(12,2)", False), ("numeric(10,2)", "numeric(12,3)", True),
    ("numeric(10, 2)", "numeric", False),
    ("integer", "bigint", True), ("text", "public.mood", True),
    ("serial", "integer", False), ("int4", "serial", False), ("serial", "bigserial", True),
])
def test_type_change_rewrites_by_type(old: str, new: str, rewrites: bool) -> None:
    assert type_change_rewrites(old, new) is rewrites


def test_serial_is_its_integer_type() -> None:
    assert [serial_base(t) for t in ("serial", "SERIAL4", "bigserial", "serial8", "smallserial", "serial2")] == [
        "integer", "integer", "bigint", "bigint", "smallint", "smallint"]
    assert serial_base("integer") is None and serial_base("serial[]") is None and serial_base("public.serial") is None
    assert column_type("bigserial") == "bigint" and column_type("varchar(20)") == "varchar(20)"


# -- one owner of parsing ------------------------------------------------------------------------
#: Modules that may call pglast themselves, and why: the cache (sqlan.parse), keyword lists for
#: quoting, statement splitting / whole-file validation of *generated* SQL (not analysis), and the
#: render cache (it keys entries by pglast's version only).
PGLAST_ALLOWED = {"sqlan/parse.py", "quoting.py", "validate/__init__.py", "verify/run.py",
                  "render/alembic_revisions.py", "cache.py"}


def test_only_sqlan_parses_user_sql() -> None:
    root = Path(__file__).resolve().parent.parent / "generator"
    users = set()
    for path in root.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if any(line.lstrip().startswith(("import pglast", "from pglast")) for line in lines):
            users.add(path.relative_to(root).as_posix())
    assert users <= PGLAST_ALLOWED, f"parse through generator.sqlan instead: {sorted(users - PGLAST_ALLOWED)}"


def test_resolve_follows_the_written_schema_else_the_search_path() -> None:
    types = {("public", "mood"), ("app", "mood"), ("app", "level")}

    def exists(schema: str, name: str) -> bool:
        return (schema, name) in types

    assert TypeRef("mood").resolve(exists) == ("public", "mood")
    assert TypeRef("mood").resolve(exists, ("app", "public")) == ("app", "mood")
    assert TypeRef("level").resolve(exists) is None and TypeRef("level").resolve(exists, ("public", "app"))
    assert TypeRef("mood", "app", dims=1).resolve(exists) == ("app", "mood")
    assert TypeRef("mood", "other").resolve(exists) is None
    assert catalog("int4").resolve(lambda s, n: True) is None  # a built-in is never a user type


def test_exclusion_parts_read_back_postgres_text() -> None:
    from generator.sqlan.constraints import exclusion_parts

    x = exclusion_parts("EXCLUDE USING gist (room_id WITH =, period WITH &&) INCLUDE (note) "
                        "WHERE ((NOT cancelled)) DEFERRABLE INITIALLY DEFERRED")
    assert x.method == "gist" and x.include == ("note",) and x.deferrable and x.initially_deferred
    assert [(e.column, e.expression, e.operator, e.plain) for e in x.elements] == [
        ("room_id", None, "=", True), ("period", None, "&&", True)]
    assert x.where is not None and "cancelled" in x.where
    y = exclusion_parts("EXCLUDE USING gist (lower(name) extensions.gist_trgm_ops WITH =, "
                        "kind COLLATE \"C\" WITH OPERATOR(pg_catalog.=))")
    assert y.elements[0].column is None and y.elements[0].expression == "lower(name)"
    assert y.elements[0].opclass == "extensions.gist_trgm_ops" and y.elements[0].plain
    assert not y.elements[1].plain and y.where is None and not y.deferrable


@pytest.mark.parametrize(("expr", "written"), [
    ("''", "''"), ("now()", "now()"), ("-1", "-1"), ("'{}'::text[]", "'{}'::text[]"), ("1 /* c */", "1 /* c */"),
    ("'' or true", "('' or true)"), ("x is null", "(x is null)"), ("not true", "(not true)"),
    ("'a' like 'b'", "('a' like 'b')"),
    ("'a' collate \"C\"", "('a' collate \"C\")"),  # bare, it set the column's collation
])
def test_default_text_is_one_default_of_a_column(expr: str, written: str) -> None:
    """``DEFAULT`` in a column or domain takes Postgres's narrower ``b_expr``: what it does not read
    whole is parenthesized (found by tests/test_hostile_property.py: ``'' or true`` did not parse)."""
    assert default_text(expr) == written
    column = sp.parse(f"CREATE TABLE t (c text DEFAULT {written})")["stmts"][0]["stmt"]["CreateStmt"]["tableElts"][0]
    assert len(column["ColumnDef"]["constraints"]) == 1 and "collClause" not in column["ColumnDef"]
