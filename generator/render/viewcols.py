"""The columns of a view, inferred offline from its query (Supabase reads them from the catalog).

The query is parsed with pglast and each output column resolved against the model: column
references (through joins, subqueries, CTEs and other views), casts, common functions and
aggregates, literals, operators. What cannot be inferred must be declared under the view's
``columns:``; a declared column always wins. Alongside each type we keep what Postgres itself
records and Supabase's generator reads: the base column a plain column reference comes from
(``resorigtbl``/``resorigcol``, used for relationships through views) and whether the view is
automatically updatable, and which of its columns are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, SpecError
from ..ir.ids import ObjectId
from ..ir.model import MaterializedViewIR, Model, TableIR, ViewIR
from ..kinds import Kind, kinds_where, kinds_with_columns
from ..sqlan.nodes import has_aggregate as _has_aggregate
from ..sqlan.nodes import names as _names
from ..sqlan.parse import parse
from ..sqlan.select import figure_colname as _colname
from ..sqlan.types import catalog as _cat
from .pgtypes import PgType, parse_type, type_from_node

INT_RANK = {"int2": 1, "int4": 2, "int8": 3, "numeric": 4, "float4": 5, "float8": 6}
SCALAR_FUNCS = {
    "now": "timestamptz", "clock_timestamp": "timestamptz", "statement_timestamp": "timestamptz",
    "transaction_timestamp": "timestamptz", "lower": "text", "upper": "text", "btrim": "text",
    "trim": "text", "ltrim": "text", "rtrim": "text", "concat": "text", "concat_ws": "text",
    "substring": "text", "substr": "text", "replace": "text", "left": "text", "right": "text",
    "format": "text", "initcap": "text", "md5": "text", "to_char": "text", "string_agg": "text",
    "char_length": "int4", "length": "int4", "character_length": "int4", "octet_length": "int4",
    "position": "int4", "strpos": "int4", "array_length": "int4", "cardinality": "int4",
    "row_number": "int8", "rank": "int8", "dense_rank": "int8", "ntile": "int4",
    "count": "int8", "percent_rank": "float8", "cume_dist": "float8", "random": "float8",
    "gen_random_uuid": "uuid", "uuid_generate_v4": "uuid", "to_jsonb": "jsonb", "to_json": "json",
    "jsonb_build_object": "jsonb", "json_build_object": "json", "jsonb_build_array": "jsonb",
    "json_build_array": "json", "jsonb_agg": "jsonb", "json_agg": "json", "jsonb_object_agg": "jsonb",
    "json_object_agg": "json", "jsonb_strip_nulls": "jsonb", "jsonb_set": "jsonb", "row_to_json": "json",
    "bool_and": "bool", "bool_or": "bool", "every": "bool", "age": "interval", "to_date": "date",
    "to_timestamp": "timestamptz", "extract": "numeric", "date_part": "float8", "round": "numeric",
    "trunc": "numeric", "jsonb_typeof": "text", "json_typeof": "text", "to_tsvector": "tsvector",
    "stddev": "numeric", "variance": "numeric", "make_date": "date", "make_interval": "interval",
}
SAME_AS_ARG = {"min", "max", "abs", "greatest", "least", "nullif", "coalesce", "first_value", "last_value",
               "lag", "lead", "nth_value", "ceil", "ceiling", "floor", "sign"}
SQL_VALUE = {"SVFOP_CURRENT_DATE": "date", "SVFOP_CURRENT_TIME": "timetz", "SVFOP_CURRENT_TIME_N": "timetz",
             "SVFOP_CURRENT_TIMESTAMP": "timestamptz", "SVFOP_CURRENT_TIMESTAMP_N": "timestamptz",
             "SVFOP_LOCALTIME": "time", "SVFOP_LOCALTIME_N": "time", "SVFOP_LOCALTIMESTAMP": "timestamp",
             "SVFOP_LOCALTIMESTAMP_N": "timestamp", "SVFOP_CURRENT_ROLE": "name", "SVFOP_CURRENT_USER": "name",
             "SVFOP_USER": "name", "SVFOP_SESSION_USER": "name", "SVFOP_CURRENT_CATALOG": "name",
             "SVFOP_CURRENT_SCHEMA": "name"}


@dataclass(frozen=True, slots=True)
class OutColumn:
    """One output column: its type (None if unknown), base origin, shape and updatability."""

    name: str
    type: PgType | None
    origin: tuple[ObjectId, str] | None = None  # base table and column of a plain column reference
    shape: str | None = None
    updatable: bool = False  # a plain reference to a column of the single, updatable base relation
    nullable: bool = True


@dataclass(slots=True)
class ViewColumns:
    """What the typegen needs of a view: its columns and whether it is automatically updatable."""

    columns: list[OutColumn]
    auto_updatable: bool = False
    problems: list[str] = field(default_factory=list)


class _Inferrer:
    """Infers columns of every view of one model (memoised: views may select from views)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.cache: dict[ObjectId, ViewColumns] = {}

    # -- relations -----------------------------------------------------------------------------
    def relation(self, schema: str | None, name: str, default: str) -> ObjectId | None:
        for sch in ([schema] if schema else [default, "public"]):
            for kind in kinds_with_columns():
                oid = ObjectId(kind, sch, name)
                if oid in self.model.objects:
                    return oid
        return None

    def columns_of(self, oid: ObjectId) -> ViewColumns:
        obj = self.model.objects[oid]
        if isinstance(obj, TableIR):
            cols = [OutColumn(c.name, parse_type(c.type), (oid, c.name), c.shape, updatable=not c.generated,
                              nullable=c.nullable) for c in obj.columns]
            return ViewColumns(cols, auto_updatable=True)
        assert isinstance(obj, ViewIR | MaterializedViewIR)  # a relation that is not a table is a view
        return self.view(obj)

    def view(self, view: ViewIR | MaterializedViewIR) -> ViewColumns:
        if view.id in self.cache:
            return self.cache[view.id]
        self.cache[view.id] = ViewColumns([], problems=[f"{view.id} selects from itself"])
        try:
            tree = parse(view.query)
            stmt = tree["stmts"][0]["stmt"]["SelectStmt"]
            result = self.select(stmt, view.id.schema, {})
        except (KeyError, IndexError, ValueError) as exc:  # not a plain SELECT we understand
            result = ViewColumns([], problems=[f"cannot read the query ({exc})"])
        result = _apply_declared(view, result)
        if isinstance(view, MaterializedViewIR):
            result.auto_updatable = False
        self.cache[view.id] = result
        return result

    # -- SELECT --------------------------------------------------------------------------------
    def select(self, stmt: dict[str, Any], schema: str, ctes: dict[str, ViewColumns]) -> ViewColumns:
        ctes = dict(ctes)
        for cte in (stmt.get("withClause") or {}).get("ctes", []):
            c = cte["CommonTableExpr"]
            sub = c["ctequery"].get("SelectStmt")
            ctes[c["ctename"]] = self.select(sub, schema, ctes) if sub else ViewColumns([])
        if stmt.get("op", "SETOP_NONE") != "SETOP_NONE":
            left = self.select(stmt["larg"]["SelectStmt"], schema, ctes)
            return ViewColumns([OutColumn(c.name, c.type, None, c.shape) for c in left.columns], False,
                               left.problems)
        if "valuesLists" in stmt:
            return ViewColumns([], problems=["VALUES lists are not inferred"])
        scope: list[tuple[str | None, ObjectId | None, ViewColumns]] = []
        for item in stmt.get("fromClause", []):
            self.from_item(item, schema, ctes, scope)
        single = None
        if len(stmt.get("fromClause", [])) == 1 and "RangeVar" in stmt["fromClause"][0] and len(scope) == 1:
            single = scope[0]
        grouped = bool(stmt.get("groupClause") or stmt.get("havingClause") or stmt.get("distinctClause")
                       or stmt.get("limitCount") or stmt.get("limitOffset") or stmt.get("withClause"))
        out: list[OutColumn] = []
        problems: list[str] = []
        plain = not grouped and single is not None and single[1] is not None and single[2].auto_updatable
        for target in stmt.get("targetList", []):
            rt = target["ResTarget"]
            val = rt["val"]
            if _has_aggregate(val):
                plain = False
            if "ColumnRef" in val and "A_Star" in val["ColumnRef"]["fields"][-1]:
                qual = _names(val["ColumnRef"]["fields"][:-1])
                for alias, _, cols in scope:
                    if not qual or qual[-1] == alias:
                        out += cols.columns
                continue
            col = self.expr(val, scope)
            name = rt.get("name") or _colname(val)
            direct = single is not None and any(col is c for c in single[2].columns)
            out.append(OutColumn(name, col.type, col.origin, col.shape, col.updatable and direct, col.nullable))
            if col.type is None:
                problems.append(f"column {name!r}")
        if not plain:
            out = [OutColumn(c.name, c.type, c.origin, c.shape, False, c.nullable) for c in out]
        elif not any(c.updatable for c in out):
            plain = False  # no updatable column: Postgres allows DELETE only
        return ViewColumns(out, auto_updatable=plain, problems=problems)

    def from_item(self, item: dict[str, Any], schema: str, ctes: dict[str, ViewColumns],
                  scope: list[tuple[str | None, ObjectId | None, ViewColumns]]) -> None:
        if "RangeVar" in item:
            rv = item["RangeVar"]
            alias = (rv.get("alias") or {}).get("aliasname") or rv["relname"]
            if not rv.get("schemaname") and rv["relname"] in ctes:
                scope.append((alias, None, ctes[rv["relname"]]))
                return
            oid = self.relation(rv.get("schemaname"), rv["relname"], schema)
            scope.append((alias, oid, self.columns_of(oid) if oid else ViewColumns([])))
        elif "JoinExpr" in item:
            j = item["JoinExpr"]
            self.from_item(j["larg"], schema, ctes, scope)
            self.from_item(j["rarg"], schema, ctes, scope)
        elif "RangeSubselect" in item:
            rs = item["RangeSubselect"]
            sub = self.select(rs["subquery"]["SelectStmt"], schema, ctes)
            alias = (rs.get("alias") or {}).get("aliasname")
            sub = ViewColumns([OutColumn(c.name, c.type, c.origin, c.shape, False, c.nullable) for c in sub.columns])
            scope.append((alias, None, sub))
        else:
            scope.append((None, None, ViewColumns([])))

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, node: dict[str, Any],
             scope: list[tuple[str | None, ObjectId | None, ViewColumns]]) -> OutColumn:
        kind, body = next(iter(node.items()))
        if kind == "ColumnRef":
            names = _names(body["fields"])
            for alias, _, cols in scope:
                if len(names) > 1 and names[-2] != alias:
                    continue
                for c in cols.columns:
                    if c.name == names[-1]:
                        return c
            return OutColumn("", None)
        if kind == "TypeCast":
            inner = self.expr(body["arg"], scope)
            t = type_from_node(body["typeName"])
            shape = inner.shape if t.is_json and inner.type is not None and inner.type.is_json else None
            return OutColumn("", t, None, shape)
        if kind == "A_Const":
            for key, cat in (("ival", "int4"), ("fval", "numeric"), ("sval", "text"), ("boolval", "bool"),
                             ("bsval", "text")):
                if key in body:
                    return OutColumn("", _cat(cat))
            return OutColumn("", _cat("text"))
        if kind == "SQLValueFunction":
            return OutColumn("", _cat(SQL_VALUE.get(body["op"], "text")))
        if kind in ("BoolExpr", "NullTest", "BooleanTest"):
            return OutColumn("", _cat("bool"))
        if kind == "SubLink":
            if body["subLinkType"] in ("EXISTS_SUBLINK", "ANY_SUBLINK", "ALL_SUBLINK"):
                return OutColumn("", _cat("bool"))
            sub = self.select(body["subselect"]["SelectStmt"], "public", {})
            first = sub.columns[0].type if sub.columns else None
            if body["subLinkType"] == "ARRAY_SUBLINK" and first is not None:
                return OutColumn("", first.as_array())
            return OutColumn("", first)
        if kind == "CoalesceExpr" or kind == "MinMaxExpr":
            return self.first_known([self.expr(a, scope) for a in body["args"]])
        if kind == "CaseExpr":
            results = [self.expr(w["CaseWhen"]["result"], scope) for w in body["args"]]
            if body.get("defresult"):
                results.append(self.expr(body["defresult"], scope))
            return self.first_known(results)
        if kind == "A_Expr":
            return self.operator(body, scope)
        if kind == "FuncCall":
            return self.function(body, scope)
        if kind == "A_ArrayExpr":
            elems = [self.expr(e, scope) for e in body.get("elements", [])]
            first = self.first_known(elems).type
            return OutColumn("", first.as_array() if first else None)
        return OutColumn("", None)

    def first_known(self, cols: list[OutColumn]) -> OutColumn:
        for c in cols:
            if c.type is not None and not (c.type.name == "text" and c.origin is None and len(cols) > 1
                                           and any(o.origin for o in cols)):
                return OutColumn("", c.type, None, c.shape)
        return OutColumn("", cols[0].type if cols else None)

    def operator(self, body: dict[str, Any],
                 scope: list[tuple[str | None, ObjectId | None, ViewColumns]]) -> OutColumn:
        op = _names(body.get("name", []))[-1] if body.get("name") else ""
        if body.get("kind") not in (None, "AEXPR_OP") or op in ("=", "<>", "!=", "<", ">", "<=", ">=", "~", "~*",
                                                                 "!~", "!~*", "@>", "<@", "?", "?|", "?&", "&&"):
            return OutColumn("", _cat("bool"))
        if op == "||":
            left = self.expr(body["lexpr"], scope).type
            return OutColumn("", left if left and (left.array or left.name == "jsonb") else _cat("text"))
        if op in ("->", "#>"):
            left = self.expr(body["lexpr"], scope).type
            return OutColumn("", left.element() if left else None)
        if op in ("->>", "#>>"):
            return OutColumn("", _cat("text"))
        types = [self.expr(body[k], scope).type for k in ("lexpr", "rexpr") if body.get(k)]
        if any(t is None for t in types):
            return OutColumn("", None)
        names = [t.name for t in types if t is not None]
        if all(n in INT_RANK for n in names):
            return OutColumn("", _cat(max(names, key=INT_RANK.__getitem__)))
        if op == "-" and names == ["date", "date"]:
            return OutColumn("", _cat("int4"))
        if op in ("+", "-") and "date" in names and any(n in INT_RANK for n in names):
            return OutColumn("", _cat("date"))
        if op in ("+", "-") and names and names[0] in ("timestamptz", "timestamp", "date"):
            return OutColumn("", _cat("interval" if names == [names[0]] * 2 and op == "-" else
                                      ("timestamp" if names[0] == "date" else names[0])))
        return OutColumn("", types[0])

    def function(self, body: dict[str, Any],
                 scope: list[tuple[str | None, ObjectId | None, ViewColumns]]) -> OutColumn:
        name = _names(body["funcname"])[-1]
        args = [self.expr(a, scope) for a in body.get("args", [])]
        if name in ("sum", "avg") and args and args[0].type is not None:
            t = args[0].type.name
            if name == "sum":
                return OutColumn("", _cat({"int2": "int8", "int4": "int8", "int8": "numeric"}.get(t, t)))
            return OutColumn("", _cat("float8" if t in ("float4", "float8") else
                                      "interval" if t == "interval" else "numeric"))
        if name in SAME_AS_ARG and args:
            return self.first_known(args)
        if name == "array_agg" and args and args[0].type is not None:
            return OutColumn("", args[0].type.as_array())
        if name == "date_trunc" and len(args) == 2 and args[1].type is not None:
            return OutColumn("", _cat("timestamptz" if args[1].type.name in ("timestamptz", "date")
                                      else args[1].type.name))
        if name in SCALAR_FUNCS:
            return OutColumn("", _cat(SCALAR_FUNCS[name]))
        fn = self.user_function(body["funcname"])
        return OutColumn("", fn)

    def user_function(self, funcname: list[dict[str, Any]]) -> PgType | None:
        names = _names(funcname)
        for oid in self.model.order:
            if oid.kind is Kind.FUNCTION and oid.name == names[-1] and (len(names) == 1 or oid.schema == names[-2]):
                fn = self.model.objects[oid]
                ret = getattr(fn, "returns", None)
                if ret and not getattr(fn, "returns_table", ()) and not ret.lower().startswith("setof"):
                    return parse_type(ret)
        return None


def _apply_declared(view: ViewIR | MaterializedViewIR, inferred: ViewColumns) -> ViewColumns:
    """Declared ``columns:`` replace the inferred type, shape and nullability of the same name."""
    if not view.columns:
        return inferred
    declared = {c.name: c for c in view.columns}
    names = {c.name for c in inferred.columns}
    problems = [f"declares unknown column {c.name!r}" for c in view.columns if inferred.columns and c.name not in names]
    cols = []
    for c in inferred.columns:
        d = declared.get(c.name)
        cols.append(c if d is None else OutColumn(c.name, parse_type(d.type), c.origin, d.shape or c.shape,
                                                  c.updatable, d.nullable))
    if not inferred.columns:
        cols = [OutColumn(d.name, parse_type(d.type), None, d.shape, False, d.nullable) for d in view.columns]
    unresolved = [p for p in inferred.problems if not any(p == f"column {n!r}" for n in declared)]
    return ViewColumns(cols, inferred.auto_updatable, problems + unresolved if inferred.columns else problems)


def infer_views(model: Model) -> dict[ObjectId, ViewColumns]:
    """The columns of every view and materialized view; raises SpecError where a type is unknown."""
    inf = _Inferrer(model)
    out: dict[ObjectId, ViewColumns] = {}
    problems = []
    for obj in model.of_kind(*kinds_where(columns="query")):
        assert isinstance(obj, ViewIR | MaterializedViewIR)
        cols = inf.view(obj)
        out[obj.id] = cols
        if cols.problems or not cols.columns:
            what = ", ".join(cols.problems) or "no columns"
            problems.append(Problem(obj.pos, f"{obj.id}: cannot infer the type of {what} for database.types.ts",
                                    "declare it under the view's `columns:` ({name, type})"))
    if problems:
        raise SpecError(problems)
    return out
