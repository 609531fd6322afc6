"""How the hostile corpus was made: ``python tests/hostile/make_corpus.py tests/hostile``.

It rewrites every ``*.yaml`` of the folder and ``expectations.yaml``; the committed files are the
corpus (tests/test_hostile.py reads them, not this script). Add a case here, run it, read the diff.
"""

import copy
import json
import sys
from pathlib import Path

import yaml

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
for f in OUT.glob("*.yaml"):
    f.unlink()

BASE = {
    "version": 1,
    "project": {"name": "hostile", "description": "A small spec the hostile corpus mutates."},
    "migrations": [
        {
            "number": 1,
            "name": "init",
            "description": "Notes.",
            "enums": [{"name": "mood", "values": ["calm", "busy"]}],
            "functions": [
                {
                    "name": "note_count",
                    "returns": "bigint",
                    "language": "sql",
                    "volatility": "stable",
                    "body": "select count(*) from public.notes",
                },
                {
                    "name": "touch",
                    "returns": "trigger",
                    "language": "plpgsql",
                    "body": "begin\n  new.body := new.body;\n  return new;\nend;",
                },
            ],
            "tables": [
                {
                    "name": "notes",
                    "comment": "A note.",
                    "columns": [
                        {"name": "id", "type": "bigint", "primary_key": True},
                        {"name": "body", "type": "text", "nullable": False, "default": "''", "comment": "The text."},
                        {"name": "owner", "type": "uuid"},
                        {"name": "mood", "type": "mood"},
                    ],
                    "indexes": [{"columns": ["owner"]}],
                    "policies": [
                        {
                            "name": "own notes",
                            "command": "select",
                            "roles": ["authenticated"],
                            "using": "owner = (select auth.uid())",
                        }
                    ],
                    "triggers": [
                        {"name": "notes_touch", "timing": "before", "events": ["update"], "function": "touch"}
                    ],
                    "grants": [{"privileges": ["select"], "to": ["authenticated"]}],
                }
            ],
            "views": [
                {
                    "name": "note_bodies",
                    "query": "select id, body from public.notes",
                    "grants": [{"privileges": ["select"], "to": ["authenticated"]}],
                }
            ],
            "materialized_views": [
                {
                    "name": "note_totals",
                    "query": "select mood, count(*) as n from public.notes group by mood",
                    "refresh": "blocking",
                    "grants": [{"privileges": ["select"], "to": ["service_role"]}],
                }
            ],
        }
    ],
}

cases = {}


def dump(data):
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def spec(name, expect, mutate=None, comment="", ascii=False):
    data = copy.deepcopy(BASE)
    if mutate:
        mutate(data)
    text = yaml.safe_dump(data, sort_keys=False, width=1000) if ascii else dump(data)
    (OUT / f"{name}.yaml").write_text((f"# {comment}\n" if comment else "") + text, encoding="utf-8")
    cases[name] = expect


def raw(name, expect, content, comment=""):
    p = OUT / f"{name}.yaml"
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text((f"# {comment}\n" if comment else "") + content, encoding="utf-8")
    cases[name] = expect


def mig(d):
    return d["migrations"][0]


def table(d):
    return mig(d)["tables"][0]


def col(d, i=1):
    return table(d)["columns"][i]


def reject(msg):
    return {"reject": msg}


ACCEPT = {"accept": True}
GRANT = "grant all on table public.notes to anon"

spec("base", ACCEPT, None, "the spec every other one mutates; tests/test_hostile.py generates it into out/ first")

# -- 1. every SQL field holds exactly what its kind allows -----------------------------------------
spec(
    "view_query_then_grant",
    reject("query must be exactly one SELECT statement, found 2 statements"),
    lambda d: mig(d)["views"][0].update(query=f"select id, body from public.notes; {GRANT}"),
    "issue 10: a view query smuggling a GRANT to anon",
)
spec(
    "view_query_then_drop",
    reject("found 2 statements"),
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes; drop table public.notes"),
)
spec(
    "matview_query_then_grant",
    reject("materialized view public.note_totals: query must be exactly one SELECT"),
    lambda d: mig(d)["materialized_views"][0].update(
        query=f"select mood, count(*) as n from public.notes group by mood; {GRANT}"
    ),
)
spec("view_query_is_grant", reject("found a GRANT statement"), lambda d: mig(d)["views"][0].update(query=GRANT))
spec(
    "view_query_is_update",
    reject("found a UPDATE statement"),
    lambda d: mig(d)["views"][0].update(query="update public.notes set body = '' returning id, body"),
)
spec(
    "view_query_delete_cte",
    reject("data-modifying DELETE"),
    lambda d: mig(d)["views"][0].update(
        query="with gone as (delete from public.notes returning id, body) select id, body from gone"
    ),
)
spec(
    "matview_query_insert_cte",
    reject("data-modifying INSERT"),
    lambda d: mig(d)["materialized_views"][0].update(
        query="with x as (insert into public.notes (body) values ('x') returning mood) select mood, 1::bigint as n from x"  # noqa: E501
    ),
)
spec(
    "view_query_select_into",
    reject("SELECT INTO"),
    lambda d: mig(d)["views"][0].update(query="select id, body into public.stolen from public.notes"),
)
spec(
    "view_query_trailing_line_comment",
    reject("comment"),
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes --"),
)
spec(
    "view_query_unbalanced",
    reject("invalid SQL"),
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes)"),
)
spec("column_default_then_grant", reject("default: invalid SQL"), lambda d: col(d).update(default=f"''; {GRANT}"))
spec(
    "column_default_escapes_parens",
    reject("must be exactly one SQL expression"),
    lambda d: col(d).update(default="''), (''"),
)
spec(
    "column_check_breaks_out",
    reject("must be exactly one SQL expression"),
    lambda d: col(d).update(check=f"true); {GRANT}; select (true"),
)
spec(
    "table_check_from_clause",
    reject("must be exactly one SQL expression"),
    lambda d: table(d).update(checks=[{"expression": "true) from pg_catalog.pg_class where (true"}]),
)
spec(
    "generated_then_grant",
    reject("must be exactly one SQL expression"),
    lambda d: table(d)["columns"].append(
        {"name": "upper_body", "type": "text", "generated": f"upper(body)); {GRANT}; select (1"}
    ),
)
spec(
    "policy_using_then_grant",
    reject("using: invalid SQL"),
    lambda d: table(d)["policies"][0].update(using=f"true); {GRANT}; --"),
)
spec(
    "policy_using_trailing_comment",
    reject("comment"),
    lambda d: table(d)["policies"][0].update(using="owner = (select auth.uid()) --"),
)
spec(
    "policy_with_check_two_expressions",
    reject("must be exactly one SQL expression"),
    lambda d: table(d)["policies"].append(
        {"name": "write", "command": "insert", "roles": ["authenticated"], "with_check": "true), (false"}
    ),
)
spec(
    "trigger_when_then_grant",
    reject("when: invalid SQL"),
    lambda d: table(d)["triggers"][0].update(when=f"true) execute function public.touch(); {GRANT}; --"),
)
spec(
    "index_where_then_drop",
    reject("index predicate: invalid SQL"),
    lambda d: table(d)["indexes"][0].update(where="owner is not null; drop table public.notes"),
)
spec(
    "index_expression_breaks_out",
    reject("index expression must be exactly one SQL expression"),
    lambda d: table(d)["indexes"].append({"columns": [{"expression": "lower(body)), (id"}]}),
)
spec(
    "index_opclass_injection",
    reject("operator class"),
    lambda d: table(d)["indexes"].append(
        {"columns": [{"column": "body", "opclass": f"text_ops); {GRANT}; create index x on public.notes (body"}]}
    ),
)
spec(
    "argument_default_then_grant",
    reject("default: invalid SQL"),
    lambda d: mig(d)["functions"][0].update(
        arguments=[
            {
                "name": "n",
                "type": "integer",
                "default": f"1) returns int language sql as $$select 1$$; {GRANT}; create function f(x int",
            }
        ]
    ),
)
spec(
    "argument_type_then_grant",
    reject("type: invalid SQL"),
    lambda d: mig(d)["functions"][0].update(
        arguments=[
            {
                "name": "n",
                "type": f"integer) returns int language sql as $$select 1$$; {GRANT}; create function f(x int",
            }
        ]
    ),
)
spec(
    "column_type_then_grant",
    reject("must be exactly one type name"),
    lambda d: col(d).update(type=f"text); {GRANT}; create table public.x (y int"),
)
spec(
    "column_type_comment",
    reject("type must be exactly one type name: a comment is not allowed here"),
    lambda d: col(d, 3).update(type="mood -- a comment"),
)
spec(
    "column_type_collate_extra",
    reject("must be exactly one type name"),
    lambda d: col(d).update(type='text collate "C"'),
)
spec(
    "returns_then_grant",
    reject("return type"),
    lambda d: mig(d)["functions"][0].update(
        returns=f"bigint language sql as $$select 1$$; {GRANT}; create function g() returns bigint"
    ),
)
spec(
    "returns_table_type_then_grant",
    reject("returned column 'n' type: invalid SQL"),
    lambda d: mig(d)["functions"][0].update(
        returns=None,
        returns_table=[
            {
                "name": "n",
                "type": f"bigint) language sql as $$select 1$$; {GRANT}; create function g() returns table (n bigint",
            }
        ],
    ),
)
spec(
    "sql_function_commits",
    reject("Transaction statements are not allowed in a function body"),
    lambda d: mig(d)["functions"][0].update(body="commit; select count(*) from public.notes"),
)
spec(
    "sql_function_vacuum",
    reject("Vacuum statements are not allowed"),
    lambda d: mig(d)["functions"][0].update(body="vacuum public.notes; select 1::bigint"),
)
spec(
    "plpgsql_body_invalid",
    reject("invalid PL/pgSQL"),
    lambda d: mig(d)["functions"][1].update(body="begin\n  return new\nend"),
)
spec(
    "sql_function_invalid",
    reject("invalid SQL"),
    lambda d: mig(d)["functions"][0].update(body="select count(*) from public.notes where"),
)


def fixtures(d, rows):
    d["fixtures"] = {"notes": rows}


spec(
    "fixture_sql_then_grant",
    reject("invalid SQL"),
    lambda d: fixtures(d, {"n1": {"id": 1, "body": {"sql": f"'x'); {GRANT}; --"}}}),
)


def policy_test(d, where):
    d["tests"] = {
        "actors": {"nobody": {"role": "anon"}},
        "cases": [
            {"name": "anon reads nothing", "as": "nobody", "select": "notes", "where": where, "expect": "denied"}
        ],
    }


spec(
    "policy_test_where_then_drop",
    reject("where: invalid SQL"),
    lambda d: policy_test(d, "true; drop table public.notes"),
)

# -- accepted: hostile text that is data, not SQL ---------------------------------------------------
spec(
    "sql_body_with_dollar_quotes",
    ACCEPT,
    lambda d: mig(d)["functions"][0].update(
        body="select (count(*) + length('$$') + length($q$ $$ $q1$ $q$) + length($q1$x$q1$))::bigint from public.notes"
    ),
    "dollar quotes inside a body cannot close the body's own quoting",
)
spec(
    "plpgsql_body_with_dollar_quotes",
    ACCEPT,
    lambda d: mig(d)["functions"][1].update(
        body="begin\n  new.body := new.body || '$$; drop table public.notes; $$' || $q$ $$ $q$;\n  return new;\nend;"
    ),
)
spec(
    "comment_with_newline_and_quotes",
    ACCEPT,
    lambda d: table(d).update(comment="x'\n; drop table public.notes; --\n*/ drop table public.notes; /*"),
)
spec(
    "description_injects_statement",
    ACCEPT,
    lambda d: mig(d).update(
        description="line\r\ndrop table public.notes; --\u2028drop table public.notes;\x85drop table public.notes; \u202e"  # noqa: E501
    ),
    "the migration description becomes header comment lines",
)
spec(
    "fixture_row_key_injects_statement",
    ACCEPT,
    lambda d: fixtures(
        d,
        {
            "k\ndrop table public.notes; --": {"id": 1, "body": "a"},
            "k2\r\ngrant all on table public.notes to anon; --": {"id": 2, "body": "b"},
        },
    ),
    "fixture row keys are written into comments of seed_test_data.sql",
)
spec(
    "names_with_quotes",
    ACCEPT,
    lambda d: (
        table(d).update(name='we"ird'),
        col(d).update(name="it's"),
        table(d)["policies"][0].update(name='p" on public.notes; drop table x; --'),
        mig(d)["views"][0].update(query='select id, "it\'s" from public."we""ird"'),
        mig(d)["materialized_views"][0].update(query='select mood, count(*) as n from public."we""ird" group by mood'),
        mig(d)["functions"][0].update(body='select count(*) from public."we""ird"'),
        mig(d)["functions"][1].update(body="begin\n  new.\"it's\" := new.\"it's\";\n  return new;\nend;"),
    ),
)
spec(
    "names_with_backslashes",
    ACCEPT,
    lambda d: (
        col(d, 2).update(name="back\\slash"),
        table(d)["indexes"][0].update(columns=["back\\slash"]),
        table(d)["policies"][0].update(using='"back\\slash" = (select auth.uid())'),
    ),
)
spec(
    "names_unicode",
    ACCEPT,
    lambda d: (
        col(d, 2).update(name="prénom_📝"),
        table(d)["indexes"][0].update(columns=["prénom_📝"]),
        table(d)["policies"][0].update(using='"prénom_📝" = (select auth.uid())'),
        mig(d)["enums"][0].update(values=["ça va", "日本"]),
    ),
)
spec(
    "names_are_keywords",
    ACCEPT,
    lambda d: (
        col(d, 1).update(name="select"),
        col(d, 2).update(name="user"),
        table(d)["indexes"][0].update(columns=["user"]),
        table(d)["policies"][0].update(using='"user" = (select auth.uid())'),
        mig(d)["views"][0].update(query='select id, "select" from public.notes'),
        mig(d)["functions"][1].update(body='begin\n  new."select" := new."select";\n  return new;\nend;'),
    ),
)
spec(
    "names_with_rich_markup",
    ACCEPT,
    lambda d: (table(d)["policies"][0].update(name="evil [/x] [bold]"), table(d).update(comment="[red]x[/red] [/]")),
    "rich markup in user text is printed as it is",
)
spec(
    "enum_values_with_quotes",
    ACCEPT,
    lambda d: mig(d)["enums"][0].update(values=["it's", 'a"b', "x'); drop table public.notes; --", "$$"]),
)
spec(
    "trigger_arguments_injection",
    ACCEPT,
    lambda d: table(d)["triggers"][0].update(arguments=["'); drop table public.notes; --", "$$", "\\"]),
)
spec(
    "search_path_injection",
    ACCEPT,
    lambda d: mig(d)["functions"][0].update(search_path="pg_catalog; drop table public.notes, pg_temp"),
)
spec(
    "role_name_injection",
    ACCEPT,
    lambda d: (
        d.update(roles=["anon", "authenticated", "service_role", "x; drop table y"]),
        table(d)["grants"].append({"privileges": ["insert"], "to": ["x; drop table y"]}),
    ),
)
spec(
    "explicit_names_with_quotes",
    ACCEPT,
    lambda d: (
        table(d)["indexes"][0].update(name='ix"; drop table x; --'),
        table(d).update(checks=[{"name": "c'; --", "expression": "length(body) < 1000"}]),
    ),
)
spec(
    "view_query_many_trailing_semicolons",
    ACCEPT,
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes; ;\n;"),
)
spec(
    "view_query_trailing_semicolon",
    ACCEPT,
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes;"),
)
spec(
    "view_query_with_and_values",
    ACCEPT,
    lambda d: (
        mig(d)["views"][0].update(
            query="with x as (select id, body from public.notes) select id, body from x union all select * from (values (0::bigint, 'v'::text)) v(id, body)",  # noqa: E501
            columns=[{"name": "id", "type": "bigint"}, {"name": "body", "type": "text"}],
        ),
    ),
)
spec(
    "block_comments_inside_sql",
    ACCEPT,
    lambda d: (
        col(d).update(default="'' /* ); grant all on table public.notes to anon; -- */"),
        table(d)["policies"][0].update(using="owner = (select auth.uid()) /* -- */"),
    ),
)
spec(
    "line_comment_inside_expression",
    ACCEPT,
    lambda d: table(d)["policies"][0].update(using="owner = (select auth.uid()) -- the owner\n  and true"),
)

# -- 2. control characters in names -----------------------------------------------------------------
for name, ch, where in [
    ("newline", "\n", "column"),
    ("carriage_return", "\r", "schema"),
    ("tab", "\t", "table"),
    ("del", "\x7f", "role"),
    ("c1_nel", "\x85", "enum value"),
    ("bidi_override", "\u202e", "policy"),
    ("line_separator", "\u2028", "function"),
    ("escape", "\x1b", "index"),
]:

    def m(d, ch=ch, where=where):
        bad = f"a{ch}drop table public.notes; --"
        if where == "column":
            col(d)["name"] = bad
        elif where == "schema":
            mig(d)["schemas"] = [{"name": bad}]
        elif where == "table":
            table(d)["name"] = bad
        elif where == "role":
            d["roles"] = ["anon", "authenticated", "service_role", bad]
        elif where == "enum value":
            mig(d)["enums"][0]["values"].append(bad)
        elif where == "policy":
            table(d)["policies"][0]["name"] = bad
        elif where == "function":
            mig(d)["functions"][0]["name"] = bad
        elif where == "index":
            table(d)["indexes"][0]["name"] = bad

    spec(
        f"control_{name}_in_{where.replace(' ', '_')}_name",
        reject(f"control characters: U+{ord(ch):04X} at character 2"),
        m,
        ascii=True,
    )
spec(
    "nul_in_comment", reject("NUL character"), lambda d: table(d).update(comment="a\x00b"), "issue 10: NUL in a comment"
)
spec("nul_in_name", reject("NUL character"), lambda d: col(d).update(name="a\x00b"))
spec("nul_in_key", reject("NUL character"), lambda d: table(d).update({"comm\x00ent": "x"}))
spec(
    "nul_in_view_query",
    reject("NUL character"),
    lambda d: mig(d)["views"][0].update(query="select id, body from public.notes where body <> '\x00'"),
)

# -- 3. YAML and encodings --------------------------------------------------------------------------
base_text = dump(BASE)
raw(
    "latin1_byte",
    reject("not valid UTF-8: byte 0xE9"),
    base_text.replace("A small spec", "Caf\xe9 spec").encode("latin-1"),
)
raw("utf16_with_bom", reject("encoded as UTF-16"), base_text.encode("utf-16"))
raw("utf16le_without_bom", reject("invalid YAML"), base_text.encode("utf-16-le"))
raw("utf32_with_bom", reject("encoded as UTF-32"), base_text.encode("utf-32"))
raw("binary_garbage", reject("not valid UTF-8"), bytes((i * 37 + 11) % 256 for i in range(2048)))
raw("binary_zeros", reject("invalid YAML"), b"\x00" * 64)
raw(
    "control_char_in_yaml",
    reject("invalid YAML: control characters are not allowed"),
    "version: 1\nproject: {name: \x01}\n",
)
raw("python_name_tag", reject("unknown YAML tag"), "version: !!python/name:os.system 1\n" + base_text.split("\n", 1)[1])
raw(
    "python_object_apply_tag",
    reject("unknown YAML tag"),
    base_text + "lint: !!python/object/apply:os.system ['echo pwned']\n",
)
raw("custom_tag", reject("unknown YAML tag '!custom'"), base_text.replace("name: hostile", "name: !custom hostile", 1))
raw("binary_tag", reject("unknown YAML tag"), base_text.replace("name: hostile", "name: !!binary aG9zdGlsZQ==", 1))
raw("set_tag", reject("unknown YAML tag"), base_text + "lint: !!set {a, b}\n")
bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
    bomb += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]\n"
raw(
    "alias_bomb",
    reject("aliases expand to too many values"),
    bomb,
    "billion laughs: 431 bytes that expand to 387 million strings",
)
raw("alias_bomb_in_migrations", reject("aliases expand to too many values"), bomb.replace("i: &i", "migrations: &i", 1))
raw("recursive_alias", reject("alias refers to a node that contains it"), "version: 1\nmigrations: &a [*a]\n")
raw("deep_nesting", reject("invalid YAML"), "version: 1\nproject: " + "[" * 5000 + "]" * 5000 + "\n")
raw(
    "duplicate_key",
    reject("duplicate key 'name'"),
    base_text.replace("name: hostile", "name: hostile\n  name: again", 1),
)
raw(
    "merge_key",
    ACCEPT,
    base_text.replace(
        "    - name: owner\n      type: uuid\n",
        "    - &owner\n      name: owner\n      type: uuid\n"
        "    - <<: *owner\n      name: co_owner\n      comment: merged\n",
        1,
    ),
    "YAML merge keys merge (the mapping's own keys win)",
)
raw(
    "merge_key_not_a_mapping",
    reject("merge key"),
    base_text.replace(
        "    - name: owner\n      type: uuid\n", "    - <<: [1, 2]\n      name: owner\n      type: uuid\n", 1
    ),
)
raw("tabs_for_indentation", reject("invalid YAML"), base_text.replace("  - name: notes\n", "\t- name: notes\n", 1))
raw("empty_file", reject("migrations"), "")
raw("top_level_list", reject("wrong type"), "- version: 1\n")
raw("only_a_string", reject("valid dictionary"), "hello\n")
raw("unclosed_quote", reject("invalid YAML"), base_text.replace("name: hostile", 'name: "hostile', 1))

# -- 4. wrong types and limits -----------------------------------------------------------------------
spec("huge_migration_number", reject("less than or equal to 999"), lambda d: mig(d).update(number=10**30))
spec("migration_number_is_text", reject("valid integer"), lambda d: mig(d).update(number="1; drop table x"))
spec("migration_name_injection", reject("it names a file"), lambda d: mig(d).update(name="../../etc/passwd"))
spec("columns_is_a_string", reject("wrong type"), lambda d: table(d).update(columns="id bigint"))
spec("nullable_is_a_list", reject("valid boolean"), lambda d: col(d).update(nullable=[True]))
spec(
    "sequence_start_infinite",
    reject("finite number"),
    lambda d: mig(d).update(sequences=[{"name": "s", "start": float("inf")}]),
)
spec(
    "sequence_start_beyond_bigint",
    reject("less than or equal to 9223372036854775807"),
    lambda d: mig(d).update(sequences=[{"name": "s", "start": 2**64}]),
)
spec("identifier_too_long", reject("Postgres truncates names to 63"), lambda d: col(d).update(name="x" * 64))
spec("identifier_multibyte_too_long", reject("Postgres truncates names to 63"), lambda d: col(d).update(name="é" * 32))
spec(
    "fk_uuid_to_bigint",
    reject("Postgres refuses a foreign key between these types"),
    lambda d: col(d, 2).update(references={"table": "notes", "column": "id"}),
    "issue 10: caught at generate time, not by the database",
)
spec(
    "fk_text_to_integer",
    reject("Postgres refuses a foreign key between these types"),
    lambda d: (
        mig(d)["tables"].append(
            {
                "name": "tags",
                "columns": [{"name": "id", "type": "integer", "primary_key": True}],
                "policies": [{"name": "read", "command": "select", "roles": ["authenticated"], "using": "true"}],
            }
        ),
        col(d).update(references={"table": "tags"}),
    ),
)
spec(
    "fk_int_to_bigint",
    ACCEPT,
    lambda d: (
        mig(d)["tables"].insert(
            0,
            {
                "name": "tags",
                "columns": [{"name": "id", "type": "bigint", "primary_key": True}],
                "policies": [{"name": "read", "command": "select", "roles": ["authenticated"], "using": "true"}],
            },
        ),
        mig(d)["tables"][1]["columns"].append({"name": "tag_id", "type": "integer", "references": {"table": "tags"}}),
        mig(d)["tables"][1]["indexes"].append({"columns": ["tag_id"]}),
    ),
    "int4 → int8 is allowed, as Postgres allows it",
)
spec(
    "too_many_columns",
    reject("1601 columns; Postgres allows at most 1600"),
    lambda d: table(d)["columns"].extend({"name": f"c{i}", "type": "integer"} for i in range(1597)),
)
spec(
    "migration_number_gap",
    reject("migration 005 follows 001"),
    lambda d: d["migrations"].append(
        {
            "number": 5,
            "name": "later",
            "tables": [
                {
                    "name": "other",
                    "columns": [{"name": "id", "type": "bigint", "primary_key": True}],
                    "policies": [{"name": "read", "command": "select", "roles": ["authenticated"], "using": "true"}],
                }
            ],
        }
    ),
)
spec("first_migration_not_one", reject("migration 003 follows nothing"), lambda d: mig(d).update(number=3))
spec(
    "deeply_nested_shape",
    reject("depth"),
    lambda d: d.update(types={"definitions": {"Deep": json.loads('{"items":' * 300 + "{}" + "}" * 300)}}),
)

raw("integer_of_5000_digits", reject("invalid int value"), base_text.replace("number: 1", "number: " + "9" * 5000, 1))
raw("impossible_date", reject("invalid timestamp value"), base_text.replace("description: Notes.", "description: 2024-13-45", 1))  # noqa: E501
raw("two_documents", reject("invalid YAML"), base_text + "---\nversion: 1\n")
spec(
    "policy_test_setup_commits",
    reject("setup: Transaction statements are not allowed"),
    lambda d: (policy_test(d, "true"), d["tests"]["cases"][0].update(setup=["commit", "select 1"])),
)

(OUT / "expectations.yaml").write_text(
    "# What each spec of this folder must do (tests/test_hostile.py):\n"
    "#   reject: <text>  exit 2, file:line:col, the text in the message, out/ untouched, no traceback\n"
    "#   accept: true    exit 0; every generated SQL file parses to exactly the statements its\n"
    "#                   operations produce (no GRANT to a role the spec does not grant, no DROP in a\n"
    "#                   fresh migration, comments that cannot hold a statement)\n"
    + yaml.safe_dump(dict(sorted(cases.items())), sort_keys=False, allow_unicode=True, width=1000),
    encoding="utf-8",
)
print(len(cases), "cases")
