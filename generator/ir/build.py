"""spec → ir: names resolved, defaults derived, references checked, dependencies read from SQL.

Every problem found is collected with its ``schema.yaml`` position and raised at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import Pos, Problem, SpecError
from ..kinds import Kind, kind_def, kind_defs
from ..quoting import quote_ident
from ..spec import LoadedSpec
from ..spec import models as s
from ..sqlan.types import spelling
from . import model as m
from .deps import CycleError, topological_order
from .ids import ObjectId
from .jobs import build_job, check_jobs
from .names import constraint_name, fk_types_compatible, identifier_problem, index_name
from .raw import build_raw, link_raw
from .sql import (
    SqlRefs,
    expression_refs,
    plpgsql_refs,
    plpgsql_wrapper,
    qualified_name_problem,
    query_refs,
    statement_refs,
    type_refs,
)

RELATION_KINDS = (Kind.TABLE, Kind.VIEW, Kind.MATERIALIZED_VIEW, Kind.SEQUENCE)
MAX_COLUMNS = 1600  # MaxHeapAttributeNumber: CREATE TABLE fails beyond it
SUPABASE_EXTERNALS = ("auth.uid", "auth.role", "auth.jwt", "auth.email", "auth.users")


def _names_a_type(kind: Kind) -> bool:
    """Whether a type reference can name an object of ``kind``: a data type of its own (enum,
    domain, composite type) or a relation's row type."""
    facts = kind_def(kind)
    return facts.data_type or facts.columns is not None


def _split(name: str, default_schema: str) -> tuple[str, str]:
    if "." in name and not name.startswith('"'):
        schema, _, rel = name.partition(".")
        return schema, rel
    return default_schema, name


@dataclass(slots=True)
class _Pending:
    """An object plus the SQL-derived references still to resolve once every object is known."""

    obj: m.Obj
    path: tuple[Any, ...]
    deps: set[ObjectId]
    sql: list[tuple[str, SqlRefs, tuple[Any, ...]]]


class _Builder:
    def __init__(self, loaded: LoadedSpec) -> None:
        self.loaded = loaded
        self.spec = loaded.spec
        self.problems: list[Problem] = []
        self.pending: dict[ObjectId, _Pending] = {}
        self.namespace: dict[tuple[str, str], ObjectId] = {}
        self.functions_by_name: dict[tuple[str, str], list[ObjectId]] = {}
        self.roles = {r.lower() for r in self.spec.roles} | {"public"}
        externals = [*SUPABASE_EXTERNALS, *self.spec.external]
        self.externals = {tuple(_split(e, "public")) for e in externals}
        self.external_schemas = {sch for sch, _ in self.externals}
        self.revoke_from = tuple(self.spec.privileges.revoke_from)

    # -- helpers -------------------------------------------------------------------------------
    def pos(self, path: tuple[Any, ...], *, key: bool = False) -> Pos:
        return self.loaded.pos(path, key=key)

    def error(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.pos(path), message, hint))

    def ident(self, name: str, path: tuple[Any, ...], what: str) -> None:
        problem = identifier_problem(name)
        if problem:
            self.error(path, f"{what}: {problem}", "choose a shorter name (or give one explicitly)")

    def grants(self, grants: Iterable[s.Grant], path: tuple[Any, ...]) -> tuple[m.GrantIR, ...]:
        out = []
        for i, g in enumerate(grants):
            for j, role in enumerate(g.to):
                if role.lower() not in self.roles:
                    self.error(path + (i, "to", j), f"unknown role {role!r}",
                               f"declare it under `roles:` (known: {', '.join(sorted(self.roles))})")
            out.append(m.GrantIR(privileges=tuple(g.privileges), roles=tuple(g.to),
                                 columns=tuple(g.columns), grant_option=g.with_grant_option))
        return tuple(out)

    def sql(self, text: str | None, path: tuple[Any, ...], what: str,
            parse: Callable[[str], SqlRefs] = expression_refs) -> SqlRefs | None:
        if text is None:
            return None
        refs = parse(text)
        if refs.error:
            at = f" at character {refs.error_offset + 1}" if refs.error_offset is not None else ""
            sep = " " if refs.error.startswith("must be") else ": "
            self.error(path, f"{what}{sep}{refs.error}{at}")
            return None
        return refs

    def add(self, obj: m.Obj, path: tuple[Any, ...], deps: Iterable[ObjectId] = (),
            sql: Iterable[tuple[str, SqlRefs | None, tuple[Any, ...]]] = ()) -> None:
        oid = obj.id
        if oid in self.pending:
            first = self.pending[oid].obj.pos
            self.error(path, f"duplicate {oid} (first declared at {first})")
            return
        if kind_def(oid.kind).namespace == "relation":
            key = (oid.schema, oid.name)
            if key in self.namespace:
                other = self.namespace[key]
                self.error(path, f"{oid} has the same name as {other} (first declared at "
                                 f"{self.pending[other].obj.pos})" if other in self.pending else
                           f"duplicate name {oid.qualified}")
                return
            self.namespace[key] = oid
        if oid.kind == "function":
            self.functions_by_name.setdefault((oid.schema, oid.name), []).append(oid)
        self.pending[oid] = _Pending(obj, path, set(deps), [(w, r, p) for w, r, p in sql if r is not None])

    def later(self, wanted: int | None, owner: int, path: tuple[Any, ...]) -> int:
        """The migration of a table's index, policy or trigger: its table's, or a later one."""
        if wanted is None:
            return owner
        if wanted not in {mig.number for mig in self.spec.migrations}:
            self.error(path + ("migration",), f"unknown migration {wanted:03d}")
        elif wanted < owner:
            self.error(path + ("migration",), f"migration {wanted:03d} runs before {owner:03d}, which "
                                              "creates the table")
        return wanted

    # -- object kinds --------------------------------------------------------------------------
    def schema_decl(self, d: s.SchemaDecl, mig: int, path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "schema name")
        self.add(m.SchemaIR(id=ObjectId(Kind.SCHEMA, "", d.name), migration=mig, comment=d.comment,
                            pos=self.pos(path), grants=self.grants(d.grants, path + ("grants",)),
                            revoke_from=()), path)

    def extension(self, d: s.Extension, mig: int, path: tuple[Any, ...]) -> None:
        deps = [ObjectId(Kind.SCHEMA, "", d.schema_)] if d.schema_ else []
        self.add(m.ExtensionIR(id=ObjectId(Kind.EXTENSION, "", d.name), migration=mig, schema=d.schema_,
                               version=d.version, pos=self.pos(path)), path, deps)

    def enum(self, d: s.Enum, mig: int, path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "type name")
        if len(set(d.values)) != len(d.values):
            self.error(path + ("values",), f"enum {d.name!r} lists a value twice")
        self.add(m.EnumIR(id=ObjectId(Kind.TYPE, d.schema_, d.name), migration=mig, values=tuple(d.values),
                          comment=d.comment, pos=self.pos(path),
                          grants=self.grants(d.grants, path + ("grants",)), revoke_from=()),
                 path, [ObjectId(Kind.SCHEMA, "", d.schema_)])

    def sequence(self, d: s.Sequence, mig: int, path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "sequence name")
        self.add(m.SequenceIR(id=ObjectId(Kind.SEQUENCE, d.schema_, d.name), migration=mig, type=d.type,
                              start=d.start, increment=d.increment, comment=d.comment, pos=self.pos(path),
                              grants=self.grants(d.grants, path + ("grants",)),
                              revoke_from=self.revoke_from), path, [ObjectId(Kind.SCHEMA, "", d.schema_)])

    def function(self, d: s.Function, mig: int, path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "function name")
        args = tuple(m.Argument(name=a.name, type=a.type, default=a.default, mode=a.mode) for a in d.arguments)
        in_types = tuple(spelling(a.type) for a in args if a.mode in ("in", "inout", "variadic"))
        if d.returns is None and not d.returns_table:
            self.error(path, f"function {d.name!r} needs `returns` or `returns_table`")
        if d.returns and d.returns_table:
            self.error(path + ("returns_table",), "give either `returns` or `returns_table`, not both")
        sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
        for i, a in enumerate(d.arguments):
            sql.append(("argument type", self.sql(a.type, path + ("arguments", i, "type"), "type", type_refs),
                        path + ("arguments", i, "type")))
            sql.append(("argument default", self.sql(a.default, path + ("arguments", i, "default"),
                                                     "default"), path + ("arguments", i)))
        for i, c in enumerate(d.returns_table):
            rp = path + ("returns_table", i, "type")
            sql.append(("return type", self.sql(c.type, rp, f"returned column {c.name!r} type", type_refs), rp))
        if d.returns and d.returns != "trigger":
            ret = d.returns[6:] if d.returns.lower().startswith("setof ") else d.returns
            sql.append(("return type", self.sql(ret, path + ("returns",), "return type", type_refs),
                        path + ("returns",)))
        fn = m.FunctionIR(
            id=ObjectId(Kind.FUNCTION, d.schema_, d.name, args=in_types), migration=mig, arguments=args,
            returns=d.returns, returns_table=tuple((c.name, c.type) for c in d.returns_table),
            language=d.language, body=d.body if d.verbatim else d.body.strip(), verbatim=d.verbatim,
            volatility=d.volatility,
            security_definer=d.security == "definer", search_path=d.search_path, strict=d.strict,
            leakproof=d.leakproof, parallel=d.parallel, comment=d.comment, description=d.description,
            pos=self.pos(path), grants=self.grants(d.grants, path + ("grants",)),
            revoke_from=self.revoke_from, renamed_from=d.renamed_from,
        )
        for g in d.grants:
            if set(g.privileges) - {"execute", "all"}:
                self.error(path + ("grants",), "functions only take the `execute` privilege")
        if d.language == "sql":
            body = self.sql(d.body, path + ("body",), f"function {d.name!r} body", statement_refs)
        else:
            table_cols = ", ".join(f"{quote_ident(c.name)} {c.type}" for c in d.returns_table)
            returns = d.returns or f"TABLE ({table_cols})"
            wrapped = plpgsql_wrapper(fn.body, [(a.mode, a.name, a.type) for a in args], returns)
            body = self.sql(wrapped, path + ("body",), f"function {d.name!r} body", plpgsql_refs)
        sql.append(("body", body, path + ("body",)))
        self.add(fn, path, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)

    def table(self, d: s.Table, mig: int, path: tuple[Any, ...]) -> None:
        tname, sch = d.name, d.schema_
        tid = ObjectId(Kind.TABLE, sch, tname)
        self.ident(tname, path + ("name",), "table name")
        names = [c.name for c in d.columns]
        colset = set(names)
        if len(names) > MAX_COLUMNS:
            self.error(path + ("columns",), f"table {tname!r} has {len(names)} columns; Postgres allows at most "
                                            f"{MAX_COLUMNS}")
        used_constraints: set[str] = set()

        def cname(explicit: str | None, cols: list[str], suffix: str, at: tuple[Any, ...]) -> str:
            name = explicit or constraint_name(tname, cols, suffix)
            base, n = name, 0
            while not explicit and name in used_constraints:
                n += 1
                name = f"{base}{n}"
            if name in used_constraints:
                self.error(at, f"duplicate constraint name {name!r} on table {tname!r}")
            used_constraints.add(name)
            self.ident(name, at, "constraint name")
            return name

        def check_cols(cols: Iterable[str], at: tuple[Any, ...], what: str) -> None:
            for i, c in enumerate(cols):
                if c not in colset:
                    self.error(at + (i,), f"{what} uses unknown column {c!r} of table {tname!r}")

        sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
        columns, pk_cols, uniques, checks = [], list(d.primary_key), [], []
        seen: set[str] = set()
        for i, c in enumerate(d.columns):
            cp = path + ("columns", i)
            self.ident(c.name, cp + ("name",), "column name")
            if c.name in seen:
                self.error(cp + ("name",), f"duplicate column {c.name!r} in table {tname!r}")
            seen.add(c.name)
            sql.append(("type", self.sql(c.type, cp + ("type",), f"column {c.name!r} type", type_refs),
                        cp + ("type",)))
            sql.append(("default", self.sql(c.default, cp + ("default",), f"column {c.name!r} default"),
                        cp + ("default",)))
            sql.append(("generated", self.sql(c.generated, cp + ("generated",), f"column {c.name!r}"),
                        cp + ("generated",)))
            # checked like a default; its references are not dependencies: it runs once, when the
            # column is added, and is not part of the state
            backfill = self.sql(c.backfill, cp + ("backfill",), f"column {c.name!r} backfill")
            self._columns_in(backfill, colset, tname, cp + ("backfill",), f"column {c.name!r} backfill")
            if c.backfill is not None and (c.generated or c.identity):
                self.error(cp + ("backfill",), f"column {c.name!r}: a generated or identity column computes its "
                                               "values; `backfill` would never run")
            if c.primary_key:
                if pk_cols:
                    self.error(cp + ("primary_key",), f"table {tname!r} declares its primary key twice")
                pk_cols = [c.name]
            nullable = c.nullable and not c.primary_key and c.name not in d.primary_key
            if c.identity:
                self.ident(f"{tname}_{c.name}_seq", cp + ("identity",), "identity sequence name")
            if c.identity and c.default:
                self.error(cp + ("identity",), f"column {c.name!r} has both identity and default")
            if c.sequence_grants and not c.identity:
                self.error(cp + ("sequence_grants",), f"column {c.name!r}: `sequence_grants` needs an identity "
                                                      "column (its sequence)")
            for g in c.sequence_grants:
                if set(g.privileges) - {"usage", "select", "update", "all"}:
                    self.error(cp + ("sequence_grants",), "a sequence takes usage, select and update")
            columns.append(m.Column(name=c.name, type=c.type, collation=c.collation,
                                    nullable=nullable, default=c.default,
                                    identity=c.identity, generated=c.generated, comment=c.comment,
                                    shape=c.shape, pos=self.pos(cp), renamed_from=c.renamed_from,
                                    backfill=c.backfill,
                                    sequence_grants=self.grants(c.sequence_grants, cp + ("sequence_grants",))))
        check_cols(d.primary_key, path + ("primary_key",), "primary key")
        pk = m.KeyConstraint(name=cname(None, [], "pkey", path), columns=tuple(pk_cols)) if pk_cols else None
        for i, c in enumerate(d.columns):
            cp = path + ("columns", i)
            if c.unique:
                uniques.append(m.KeyConstraint(name=cname(None, [c.name], "key", cp), columns=(c.name,)))
            if c.check:
                refs = self.sql(c.check, cp + ("check",), f"column {c.name!r} check")
                sql.append(("check", refs, cp + ("check",)))
                self._columns_in(refs, colset, tname, cp + ("check",), "check")
                checks.append(m.CheckConstraint(name=cname(None, [c.name], "check", cp),
                                                expression=c.check, pos=self.pos(cp + ("check",))))
        for i, u in enumerate(d.unique):
            up = path + ("unique", i)
            check_cols(u.columns, up + ("columns",), "unique constraint")
            uniques.append(m.KeyConstraint(name=cname(u.name, u.columns, "key", up), columns=tuple(u.columns),
                                           nulls_not_distinct=u.nulls_not_distinct))
        for i, ck in enumerate(d.checks):
            kp = path + ("checks", i)
            refs = self.sql(ck.expression, kp + ("expression",), "check")
            sql.append(("check", refs, kp + ("expression",)))
            self._columns_in(refs, colset, tname, kp + ("expression",), "check")
            one = sorted(refs.columns) if refs and len(refs.columns) == 1 else []
            checks.append(m.CheckConstraint(name=cname(ck.name, one, "check", kp), expression=ck.expression,
                                            pos=self.pos(kp)))
        rls = d.rls or s.Rls()
        for i, g in enumerate(d.grants):
            check_cols(g.columns, path + ("grants", i, "columns"), "grant")
        table = m.TableIR(
            id=tid, migration=mig, columns=tuple(columns), primary_key=pk, uniques=tuple(uniques),
            checks=tuple(checks), rls_enable=rls.enable, rls_force=rls.force, realtime=d.realtime,
            comment=d.comment,
            description=d.description, pos=self.pos(path), grants=self.grants(d.grants, path + ("grants",)),
            revoke_from=self.revoke_from, renamed_from=d.renamed_from,
        )
        self.add(table, path, [ObjectId(Kind.SCHEMA, "", sch)], sql)

        # foreign keys: separate objects, created after both tables (cycles cannot occur)
        fks: list[tuple[s.Reference | s.ForeignKey, list[str], list[str], str | None, tuple[Any, ...]]]
        fks = [(c.references, [c.name], [c.references.column], c.references.name, path + ("columns", i,
                "references"))
               for i, c in enumerate(d.columns) if c.references]
        fks += [(f, f.columns, f.references.columns, f.name, path + ("foreign_keys", i))
                for i, f in enumerate(d.foreign_keys)]
        for spec_fk, cols, target_cols, explicit, fp in fks:
            target_name = spec_fk.table if isinstance(spec_fk, s.Reference) else spec_fk.references.table
            tsch, trel = _split(target_name, sch)
            check_cols(cols, fp + ("columns",), "foreign key")
            name = cname(explicit, cols, "fkey", fp)
            fk = m.ForeignKeyIR(
                id=ObjectId(Kind.CONSTRAINT, sch, name, table=tname), migration=mig, columns=tuple(cols),
                target=ObjectId(Kind.TABLE, tsch, trel), target_columns=tuple(target_cols),
                on_delete=spec_fk.on_delete, on_update=spec_fk.on_update, deferrable=spec_fk.deferrable,
                initially=spec_fk.initially,
                pos=self.pos(fp),
            )
            self.add(fk, fp, [tid, fk.target])
        for i, ix in enumerate(d.indexes):
            self.index(ix, tid, colset, mig, path + ("indexes", i))
        for i, p in enumerate(d.policies):
            self.policy(p, tid, colset, mig, path + ("policies", i))
        for i, t in enumerate(d.triggers):
            self.trigger(t, tid, colset, mig, path + ("triggers", i))

    def _columns_in(self, refs: SqlRefs | None, colset: set[str] | None, rel: str, path: tuple[Any, ...],
                    what: str) -> None:
        if refs is None or colset is None:
            return
        for c in sorted(refs.columns):
            if c not in colset:
                self.error(path, f"{what} uses unknown column {c!r} of {rel!r}")
        for q, c in sorted(refs.qualified_columns):
            if q == rel and c not in colset:
                self.error(path, f"{what} uses unknown column {q}.{c}")

    def index(self, d: s.Index, on: ObjectId, colset: set[str] | None, mig: int, path: tuple[Any, ...]) -> None:
        elements, parts, sql = [], [], []
        for i, e in enumerate(d.columns):
            ep = path + ("columns", i)
            el = m.IndexElement(column=e) if isinstance(e, str) else m.IndexElement(
                column=e.column, expression=e.expression, order=e.order, nulls=e.nulls, opclass=e.opclass)
            if el.opclass is not None and qualified_name_problem(el.opclass):
                self.error(ep + ("opclass",), f"operator class {el.opclass!r}: {qualified_name_problem(el.opclass)}")
            if isinstance(e, s.IndexColumn) and (e.column is None) == (e.expression is None):
                self.error(ep, "an index element needs exactly one of `column` or `expression`")
            if el.column is not None:
                parts.append(el.column)
                if colset is not None and el.column not in colset:
                    self.error(ep, f"index uses unknown column {el.column!r} of {on.name!r}")
            elif el.expression:
                refs = self.sql(el.expression, ep + ("expression",), "index expression")
                sql.append(("expression", refs, ep))
                self._columns_in(refs, colset, on.name, ep + ("expression",), "index expression")
                parts.append(sorted(refs.columns)[0] if refs and refs.columns else "expr")
            elements.append(el)
        where = self.sql(d.where, path + ("where",), "index predicate")
        self._columns_in(where, colset, on.name, path + ("where",), "index predicate")
        sql.append(("where", where, path + ("where",)))
        for i, c in enumerate(d.include):
            if colset is not None and c not in colset:
                self.error(path + ("include", i), f"index includes unknown column {c!r} of {on.name!r}")
        mig = self.later(d.migration, mig, path)
        name = d.name or index_name(on.name, parts)
        self.ident(name, path + ("name",) if d.name else path, "index name")
        self.add(m.IndexIR(
            id=ObjectId(Kind.INDEX, on.schema, name), migration=mig, on=on, elements=tuple(elements),
            unique=d.unique, method=d.method, where=d.where, include=tuple(d.include),
            nulls_not_distinct=d.nulls_not_distinct, comment=d.comment, serves=d.serves, pos=self.pos(path),
            renamed_from=d.renamed_from,
        ), path, [on], sql)

    def policy(self, d: s.Policy, on: ObjectId, colset: set[str] | None, mig: int,
               path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "policy name")
        mig = self.later(d.migration, mig, path)
        for i, role in enumerate(d.roles):
            if role.lower() not in self.roles:
                self.error(path + ("roles", i), f"unknown role {role!r}",
                           f"declare it under `roles:` (known: {', '.join(sorted(self.roles))})")
        if d.command == "insert" and d.using:
            self.error(path + ("using",), "an INSERT policy only takes `with_check`")
        if d.command in ("select", "delete") and d.with_check:
            self.error(path + ("with_check",), f"a {d.command.upper()} policy only takes `using`")
        if d.using is None and d.with_check is None:
            self.error(path, f"policy {d.name!r} needs `using` or `with_check`")
        sql = []
        for key in ("using", "with_check"):
            text = getattr(d, key)
            refs = self.sql(text, path + (key,), f"policy {d.name!r} {key}")
            self._columns_in(refs, colset, on.name, path + (key,), f"policy {d.name!r}")
            sql.append((key, refs, path + (key,)))
        self.add(m.PolicyIR(
            id=ObjectId(Kind.POLICY, on.schema, d.name, table=on.name), migration=mig, on=on, command=d.command,
            permissive=d.mode == "permissive", roles=tuple(d.roles), using=d.using, with_check=d.with_check,
            comment=d.comment, description=d.description, pos=self.pos(path), renamed_from=d.renamed_from,
        ), path, [on], sql)

    def trigger(self, d: s.Trigger, on: ObjectId, colset: set[str] | None, mig: int, path: tuple[Any, ...]) -> None:
        self.ident(d.name, path + ("name",), "trigger name")
        mig = self.later(d.migration, mig, path)
        for i, c in enumerate(d.update_of):
            if colset is not None and c not in colset:
                self.error(path + ("update_of", i), f"trigger uses unknown column {c!r} of {on.name!r}")
        if d.update_of and "update" not in d.events:
            self.error(path + ("update_of",), "`update_of` needs the `update` event")
        when = self.sql(d.when, path + ("when",), f"trigger {d.name!r} when")
        fsch, fname = _split(d.function, on.schema)
        self.add(m.TriggerIR(
            id=ObjectId(Kind.TRIGGER, on.schema, d.name, table=on.name), migration=mig, on=on, timing=d.timing,
            events=tuple(d.events), update_of=tuple(d.update_of), for_each=d.for_each, when=d.when,
            function=ObjectId(Kind.FUNCTION, fsch, fname), arguments=tuple(d.arguments), comment=d.comment,
            pos=self.pos(path), renamed_from=d.renamed_from,
        ), path, [on], [("when", when, path + ("when",))])

    def view(self, d: s.View | s.MaterializedView, mig: int, path: tuple[Any, ...]) -> None:
        kind = Kind.VIEW if isinstance(d, s.View) else Kind.MATERIALIZED_VIEW
        self.ident(d.name, path + ("name",), f"{kind} name")
        refs = self.sql(d.query, path + ("query",), f"{kind} {d.schema_}.{d.name}: query", query_refs)
        vid = ObjectId(kind, d.schema_, d.name)
        common: dict[str, Any]  # the fields ViewIR and MaterializedViewIR share
        common = dict(id=vid, migration=mig, query=d.query.strip().rstrip("; \t\r\n"), comment=d.comment,
                      description=d.description, pos=self.pos(path),
                      grants=self.grants(d.grants, path + ("grants",)), revoke_from=self.revoke_from,
                      columns=tuple(m.ViewColumn(name=c.name, type=c.type, nullable=c.nullable, shape=c.shape,
                                                 pos=self.pos(path + ("columns", i)))
                                    for i, c in enumerate(d.columns)))
        if isinstance(d, s.View):
            obj: m.Obj = m.ViewIR(security_invoker=d.security_invoker, security_barrier=d.security_barrier,
                                  check_option=d.check_option, **common)
        else:
            obj = m.MaterializedViewIR(with_data=d.with_data, refresh=d.refresh, **common)
        self.add(obj, path, [ObjectId(Kind.SCHEMA, "", d.schema_)], [("query", refs, path + ("query",))])
        if isinstance(d, s.View):
            for i, t in enumerate(d.triggers):
                self.trigger(t, vid, None, mig, path + ("triggers", i))
        if isinstance(d, s.MaterializedView):
            for i, ix in enumerate(d.indexes):
                self.index(ix, vid, None, mig, path + ("indexes", i))

    def attached_to(self, name: str, path: tuple[Any, ...]) -> ObjectId:
        """The external table a migration-level trigger or policy is attached to."""
        sch, rel = _split(name, "public")
        if (sch, rel) not in self.externals:
            self.error(path, f"{sch}.{rel} is not an external table",
                       "list it under `external:`, or declare the trigger or policy with its table")
        return ObjectId(Kind.TABLE, sch, rel)

    # -- resolution ----------------------------------------------------------------------------
    def managed_schemas(self) -> set[str]:
        return {i.name for i in self.pending if i.kind == "schema"} | {"public"}

    def resolve_relation(self, schema: str | None, name: str, default: str) -> ObjectId | None:
        key = (schema or default, name)
        oid = self.namespace.get(key)
        if oid is None and schema is None and default != "public":
            oid = self.namespace.get(("public", name))
        return oid if oid and oid.kind in RELATION_KINDS else None

    def resolve(self) -> dict[ObjectId, frozenset[ObjectId]]:
        managed = self.managed_schemas()
        deps: dict[ObjectId, frozenset[ObjectId]] = {}
        for oid, p in self.pending.items():
            need = set(p.deps)
            default = oid.schema or "public"
            for what, refs, path in p.sql:
                for sch, rel in sorted(refs.relations, key=str):
                    target = self.resolve_relation(sch, rel, default)
                    if target is not None:
                        need.add(target)
                    elif sch is not None and sch in managed and (sch, rel) not in self.externals:
                        self.error(path, f"{oid} {what} uses unknown relation {sch}.{rel}")
                for sch, fn in sorted(refs.functions, key=str):
                    targets = self.functions_by_name.get((sch or default, fn), [])
                    if not targets and sch is None:
                        targets = self.functions_by_name.get(("public", fn), [])
                    need.update(t for t in targets if t != oid)
                    if not targets and sch is not None and (sch in managed or sch in self.external_schemas) \
                            and (sch, fn) not in self.externals:
                        self.error(path, f"{oid} {what} calls unknown function {sch}.{fn}()")
                for sch, typ in sorted(refs.types, key=lambda t: (t[0] or "", t[1])):
                    target = self.namespace.get((sch or default, typ)) or (
                        self.namespace.get(("public", typ)) if sch is None else None)
                    if target is not None and _names_a_type(target.kind):
                        need.add(target)
                    elif sch is not None and sch in managed and (sch, typ) not in self.externals:
                        self.error(path, f"{oid} {what} uses unknown type {sch}.{typ}")
            for dep in list(need):
                if dep.kind == "schema" and dep.name == "public" and dep not in self.pending:
                    need.discard(dep)
                elif dep.kind == "schema" and dep not in self.pending and dep.name in self.external_schemas:
                    need.discard(dep)
                elif dep not in self.pending:
                    self.missing(oid, dep, p.path)
                    need.discard(dep)
            deps[oid] = frozenset(need)
        return deps

    def missing(self, oid: ObjectId, dep: ObjectId, path: tuple[Any, ...]) -> None:
        if dep.kind == "function":
            candidates = self.functions_by_name.get((dep.schema, dep.name), [])
            if candidates:
                return  # resolved below by name (trigger functions)
            if (dep.schema, dep.name) in self.externals:
                return
            self.error(path, f"{oid} uses unknown function {dep.schema}.{dep.name}")
        elif dep.kind == "table":
            found = self.resolve_relation(dep.schema, dep.name, dep.schema)
            if found is None and (dep.schema, dep.name) not in self.externals:
                self.error(path, f"{oid} references unknown table {dep.qualified}")
        else:
            self.error(path, f"{oid} uses unknown {dep.kind} {dep.qualified or dep.name}")

    def fix_triggers(self) -> None:
        """A trigger names its function without argument types: bind it to the declared one."""
        for oid, p in list(self.pending.items()):
            obj = p.obj
            if isinstance(obj, m.TriggerIR):
                cands = self.functions_by_name.get((obj.function.schema, obj.function.name), [])
                if len(cands) == 1:
                    fn = cands[0]
                    fn_obj = self.pending[fn].obj
                    returns = fn_obj.returns if isinstance(fn_obj, m.FunctionIR) else None
                    if (returns or "").lower() != "trigger":
                        self.error(p.path + ("function",), f"{fn} does not return trigger")
                    p.obj = _replace(obj, function=fn)
                    p.deps.add(fn)
                elif len(cands) > 1:
                    self.error(p.path + ("function",), f"function {obj.function.qualified} is overloaded")
                elif (obj.function.schema, obj.function.name) not in self.externals:
                    self.error(p.path + ("function",), f"trigger {oid.name!r} uses unknown function "
                               f"{obj.function.qualified}")
            elif isinstance(obj, m.ForeignKeyIR):
                target = self.pending.get(obj.target)
                if target is None or not isinstance(target.obj, m.TableIR):  # a foreign key targets a table
                    continue
                tcols = {c.name: c for c in target.obj.columns}
                source = self.pending.get(oid.relation())
                scols = {c.name: c for c in source.obj.columns} if source and isinstance(source.obj, m.TableIR) else {}
                for c, tc in zip(obj.columns, obj.target_columns, strict=False):
                    if tc not in tcols:
                        self.error(p.path, f"foreign key {oid.name!r} references unknown column "
                                           f"{obj.target.name}.{tc}")
                    elif c in scols and not fk_types_compatible(scols[c].type, tcols[tc].type):
                        self.error(p.path, f"foreign key {oid.name!r}: column {oid.table}.{c} is "
                                           f"{scols[c].type} but {obj.target.name}.{tc} is {tcols[tc].type}; "
                                           "Postgres refuses a foreign key between these types",
                                   "give both columns the same type (or compatible ones, e.g. integer and bigint)")
                if len(obj.columns) != len(obj.target_columns):
                    self.error(p.path, f"foreign key {oid.name!r} has {len(obj.columns)} columns but references "
                                       f"{len(obj.target_columns)}")

    def check_migration_order(self, deps: dict[ObjectId, frozenset[ObjectId]]) -> None:
        for oid, needs in deps.items():
            obj = self.pending[oid].obj
            for dep in needs:
                other = self.pending[dep].obj
                if other.migration > obj.migration:
                    self.error(self.pending[oid].path,
                               f"{oid} in migration {obj.migration:03d} uses {dep}, which is created "
                               f"later, by migration {other.migration:03d}",
                               "move one of them so that nothing is used before it exists")


def _replace(obj: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(obj, **changes)


def build(loaded: LoadedSpec) -> m.Model:
    """Build the model from a loaded spec, or raise SpecError with every problem found."""
    b = _Builder(loaded)
    spec = loaded.spec
    infos: list[m.MigrationInfo] = []
    seen_numbers: dict[int, int] = {}
    for mi, mig in enumerate(spec.migrations):
        mp = ("migrations", mi)
        if mig.number in seen_numbers:
            b.error(mp + ("number",), f"duplicate migration number {mig.number:03d}")
        elif infos and mig.number < infos[-1].number:
            b.error(mp + ("number",), f"migration {mig.number:03d} is listed after {infos[-1].number:03d}")
        elif mig.number != (infos[-1].number if infos else 0) + 1:
            previous = infos[-1].number if infos else 0
            b.error(mp + ("number",), f"migration {mig.number:03d} follows "
                                      f"{f'{previous:03d}' if previous else 'nothing'}: migration numbers are "
                                      f"consecutive ({previous + 1:03d} is missing)")
        seen_numbers[mig.number] = mi
        infos.append(m.MigrationInfo(number=mig.number, name=mig.name, rollback_name=mig.rollback_name or
                                     mig.name, description=mig.description, pos=b.pos(mp)))
        for i, sd in enumerate(mig.schemas):
            b.schema_decl(sd, mig.number, mp + ("schemas", i))
        for i, ext in enumerate(mig.extensions):
            b.extension(ext, mig.number, mp + ("extensions", i))
        for i, en in enumerate(mig.enums):
            b.enum(en, mig.number, mp + ("enums", i))
        for kd in kind_defs():  # kinds whose module builds its own section (generator/kinds/<kind>.py)
            if "build" in kd.hooks:
                kd.hooks["build"](b, mig, mig.number, mp)
        for i, sq in enumerate(mig.sequences):
            b.sequence(sq, mig.number, mp + ("sequences", i))
        for i, tb in enumerate(mig.tables):
            b.table(tb, mig.number, mp + ("tables", i))
        for i, fn in enumerate(mig.functions):
            b.function(fn, mig.number, mp + ("functions", i))
        for i, vw in enumerate(mig.views):
            b.view(vw, mig.number, mp + ("views", i))
        for i, mv in enumerate(mig.materialized_views):
            b.view(mv, mig.number, mp + ("materialized_views", i))
        for i, jb in enumerate(mig.jobs):
            build_job(b, jb, mig.number, mp + ("jobs", i))
        for i, rw in enumerate(mig.raw):
            build_raw(b, rw, mig.number, mp + ("raw", i))
        for i, tg in enumerate(mig.triggers):
            b.trigger(tg, b.attached_to(tg.table, mp + ("triggers", i, "table")), None, mig.number,
                      mp + ("triggers", i))
        for i, po in enumerate(mig.policies):
            b.policy(po, b.attached_to(po.table, mp + ("policies", i, "table")), None, mig.number,
                     mp + ("policies", i))
    b.fix_triggers()
    link_raw(b)
    deps = b.resolve()
    check_jobs(b)
    if not b.problems:
        b.check_migration_order(deps)
    if b.problems:
        raise SpecError(b.problems)
    try:
        order = topological_order(deps)
    except CycleError as exc:
        raise SpecError([Problem(b.pending[exc.remaining[0]].obj.pos, str(exc))]) from None
    objects = {oid: b.pending[oid].obj for oid in order}
    return m.Model(
        objects=MappingProxyType(objects),
        deps=MappingProxyType(deps),
        order=order,
        migrations=tuple(infos),
        project=spec.project.name,
        description=spec.project.description,
        types=MappingProxyType(dict(spec.types)),
    )
