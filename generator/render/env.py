"""The Jinja environment: one loader, one set of filters, StrictUndefined, no autoescape (habit 7)."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.filters import do_indent

from ..errors import SchemagenError, TemplateError
from ..ir.ids import ObjectId
from ..ir.model import FunctionIR, TableIR, ViewIR
from ..ir.serial import sequence_name
from ..kinds import kind_def, kind_defs
from ..quoting import comment_text, dollar_quote, quote_ident, quote_literal, quote_qualified
from ..sqlan.refs import default_text
from ..stamp import builtin_templates
from .alter import FILTERS as ALTER_FILTERS
from .codecache import code_cache
from .columns import FILTERS as COLUMN_FILTERS
from .exclusion import exclusion_def
from .markdown import FILTERS as MARKDOWN_FILTERS


def qname(oid: ObjectId) -> str:
    """Quoted qualified name of a schema-level object (``"public"."x"`` style, quotes only if needed);
    an object in a namespace of its own (a schema, an extension) by its name alone."""
    if kind_def(oid.kind).namespace == "own":
        return quote_ident(oid.name)
    return quote_qualified(oid.schema, oid.name)


def role(name: str) -> str:
    """A role name in GRANT/REVOKE/policies: ``PUBLIC`` is a keyword, every other name an identifier."""
    return "PUBLIC" if name.lower() == "public" else quote_ident(name)


def privilege(name: str) -> str:
    return name.upper()


def sql_bool(value: bool) -> str:
    return "true" if value else "false"


def _template_line(exc: BaseException, filename: str | None) -> int | None:
    """The line of ``filename`` where ``exc`` happened (Jinja rewrites tracebacks to template lines)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _failure(exc: BaseException, filename: str | None, name: str | None) -> TemplateError:
    where = filename or name or "<template>"
    line = _template_line(exc, filename)
    message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return TemplateError(f"template {where}{f':{line}' if line else ''}: {message}")


class _Template(jinja2.Template):
    """A template whose failures (an undefined name, a bad filter argument…) are TemplateErrors
    naming the template file and line, never tracebacks.

    After a render its context is emptied: a template that defines macros holds its context in a
    reference cycle (context → macro → closure → context), and while the pipeline keeps the cyclic
    collector off, ``database.types.ts``'s context (every field of every table, 3 MiB at 1,000
    tables) stayed alive to the end of the run.
    """

    def render(self, *args: object, **kwargs: object) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        try:
            try:
                return self.environment.concat(self.root_render_func(ctx))
            except Exception:  # noqa: BLE001 - re-raised with the template's lines in its traceback
                self.environment.handle_exception()
        except SchemagenError:
            raise
        except Exception as exc:  # noqa: BLE001 - a user's template can fail in any way
            raise _failure(exc, self.filename, self.name) from None
        finally:
            ctx.vars.clear()
            ctx.parent.clear()


class _Environment(jinja2.Environment):
    """Loading a template with a syntax error (or none at all) is a TemplateError too.

    Built for one run (``auto_reload`` off, globals and filters set before the first template is
    loaded), so two of Jinja's per-render costs go: a loaded template is found again in a plain
    dict (``{% import %}`` looks its template up on every render: 10,000 times per 1,000 tables),
    and a template's globals are a flat dict instead of a ``ChainMap`` over the environment's
    (every render copied the ``ChainMap`` into its context and compared key sets with it).
    """

    template_class = _Template

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._loaded: dict[tuple[str, str | None], jinja2.Template] = {}

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The template's own globals over the environment's, flattened once (see the class)."""
        return {**self.globals, **(d or {})}

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,  # noqa: A002
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if globals is None and isinstance(name, str):
            found = self._loaded.get((name, parent))
            if found is not None:
                return found
        try:
            tpl = super().get_template(name, parent, globals)
            if globals is None and isinstance(name, str):
                self._loaded[(name, parent)] = tpl
            return tpl
        except jinja2.TemplateSyntaxError as exc:
            raise _failure(exc, exc.filename, exc.name) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {name}: {exc}") from None


@lru_cache(maxsize=8)
def environment(user_dir: str | None = None) -> jinja2.Environment:
    """Templates from ``user_dir`` (searched first) then ours; ``user_dir`` must be a folder."""
    if user_dir and not Path(user_dir).is_dir():
        raise TemplateError(f"--templates {user_dir}: no such folder")
    paths = [user_dir] if user_dir else []
    paths.append(str(builtin_templates()))
    options: dict[str, Any] = dict(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one run, templates do not change under us: no stat() per render
    )
    env = _Environment(loader=jinja2.FileSystemLoader(paths), bytecode_cache=code_cache(options), **options)
    env.filters.update(
        comment=comment_text, default_expr=default_text, ident=quote_ident, qname=qname, literal=quote_literal,
        dollar=dollar_quote, role=role, privilege=privilege, sql_bool=sql_bool, arguments=arguments,
        argtypes=argtypes,
        search_path=search_path, returns=returns, function_options=function_options,
        table_constraints=table_constraints, function_body=function_body, collation=collation,
        identity_sequence=identity_sequence, sequence_name=sequence_name, view_options=view_options,
        indent_each=indent_each,
    )
    env.filters.update(MARKDOWN_FILTERS)
    env.filters.update(ALTER_FILTERS)
    env.filters.update(COLUMN_FILTERS)
    for kd in kind_defs():  # filters a kind module declares for its own templates
        if "filters" in kd.hooks:
            env.filters.update(kd.hooks["filters"]())
    env.globals.update(qualified=quote_qualified)
    return env


def indent_each(items: Iterable[str], width: int) -> str:
    """The items one per line, each as Jinja's ``indent(width, true)`` writes it (a loop of
    ``indent`` calls in a template: 30,000 fields in the types of 1,000 tables)."""
    return "\n".join(do_indent(item, width, True) for item in items)


def arguments(fn: FunctionIR) -> str:
    """A function's parameter list as declared: mode, name, type and default."""
    parts = []
    for a in fn.arguments:
        mode = "" if a.mode == "in" else a.mode.upper() + " "
        name = quote_ident(a.name) + " " if a.name else ""
        default = f" DEFAULT {a.default}" if a.default is not None else ""
        parts.append(f"{mode}{name}{a.type}{default}")
    return ", ".join(parts)


def argtypes(fn: FunctionIR) -> str:
    """The argument types that identify a function (for DROP, COMMENT, GRANT)."""
    return ", ".join(a.type for a in fn.arguments if a.mode in ("in", "inout", "variadic"))


def collation(name: str) -> str:
    """``COLLATE`` target: ``C`` → ``"C"``, ``myschema.german`` → ``myschema.german`` (each part quoted)."""
    return ".".join(quote_ident(part) for part in name.split(".", 1)) if "." in name else quote_ident(name)


def function_body(fn: FunctionIR) -> str:
    """The dollar-quoted body: on lines of its own, or exactly as written when ``verbatim``."""
    return dollar_quote(fn.body, newlines=not fn.verbatim)


def returns(fn: FunctionIR) -> str:
    """The RETURNS clause: a type, ``SETOF type`` or ``TABLE (…)``."""
    if fn.returns_table:
        return "TABLE (" + ", ".join(f"{quote_ident(n)} {t}" for n, t in fn.returns_table) + ")"
    return fn.returns or "void"


def function_options(fn: FunctionIR) -> str:
    """Volatility, strictness, leakproofness, security and parallel safety, in pg_dump's order."""
    parts = [fn.volatility.upper()]
    if fn.strict:
        parts.append("STRICT")
    if fn.leakproof:
        parts.append("LEAKPROOF")
    if fn.security_definer:
        parts.append("SECURITY DEFINER")
    if fn.parallel != "unsafe":
        parts.append(f"PARALLEL {fn.parallel.upper()}")
    return " ".join(parts)


def search_path(value: str) -> str:
    """``SET search_path = …`` value: ``''`` for the empty path, else quoted schema names."""
    names = [n.strip() for n in value.split(",") if n.strip()]
    return ", ".join(quote_ident(n) for n in names) if names else "''"


def table_constraints(table: TableIR) -> list[dict[str, str | None]]:
    """The constraints declared inside CREATE TABLE: primary key, uniques, checks, exclusions (name,
    definition and comment)."""
    out: list[dict[str, str | None]] = []
    if table.primary_key:
        out.append({"name": table.primary_key.name, "comment": table.primary_key.comment,
                    "sql": f"PRIMARY KEY ({', '.join(map(quote_ident, table.primary_key.columns))})"})
    for u in table.uniques:
        nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
        out.append({"name": u.name, "comment": u.comment,
                    "sql": f"UNIQUE{nnd} ({', '.join(map(quote_ident, u.columns))})"})
    for c in table.checks:
        out.append({"name": c.name, "sql": f"CHECK ({c.expression})", "comment": c.comment})
    for x in table.excludes:
        out.append({"name": x.name, "sql": exclusion_def(x), "comment": x.comment})
    return out


def identity_sequence(table: TableIR, column: str) -> str:
    """Quoted name of the sequence behind an identity column: ``table_column_seq`` in the table's schema."""
    return quote_qualified(table.id.schema, sequence_name(table.id.name, column))


def view_options(view: ViewIR) -> list[str]:
    opts = []
    if view.security_invoker:
        opts.append("security_invoker = true")
    if view.security_barrier:
        opts.append("security_barrier = true")
    return opts
