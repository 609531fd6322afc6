"""Table constraints read back from Postgres's own text of them (``pg_get_constraintdef``): the
parts of an exclusion constraint, for ``schemagen pull``."""

from __future__ import annotations

from dataclasses import dataclass

from .parse import deparse, parse_nodes


@dataclass(frozen=True, slots=True)
class ExclusionElementParts:
    """One ``element WITH operator`` of an ``EXCLUDE``: a column or an expression (as SQL), its
    operator class (qualified with dots when written so), the operator; ``plain``: False when it
    has what the spec cannot state (a qualified operator, a collation, an ordering, opclass options)."""

    column: str | None
    expression: str | None
    opclass: str | None
    operator: str
    plain: bool


@dataclass(frozen=True, slots=True)
class ExclusionParts:
    """``EXCLUDE USING method (elements) [INCLUDE (…)] [WHERE (…)] [DEFERRABLE [INITIALLY DEFERRED]]``."""

    method: str
    elements: tuple[ExclusionElementParts, ...]
    include: tuple[str, ...]
    where: str | None
    deferrable: bool
    initially_deferred: bool


def exclusion_parts(definition: str) -> ExclusionParts:
    """The parts of ``definition`` (``EXCLUDE USING gist (…) …`` as ``pg_get_constraintdef`` writes it).

    Raises :class:`generator.sqlan.parse.ParseError` when it is not an exclusion constraint's text."""
    stmt = parse_nodes(f"ALTER TABLE t ADD CONSTRAINT c {definition}")[0]
    con = stmt.cmds[0].def_
    elements = []
    for el, ops in con.exclusions:
        plain = len(ops) == 1 and not (el.collation or el.ordering or el.nulls_ordering or el.opclassopts)
        elements.append(ExclusionElementParts(
            column=el.name or None, expression=None if el.name else deparse(el.expr),
            opclass=".".join(n.sval for n in el.opclass) if el.opclass else None,
            operator=str(ops[-1].sval), plain=plain))
    include = tuple(str(getattr(n, "sval", n)) for n in con.including or ())
    return ExclusionParts(method=str(con.access_method), elements=tuple(elements), include=include,
                          where=deparse(con.where_clause) if con.where_clause else None,
                          deferrable=bool(con.deferrable), initially_deferred=bool(con.initdeferred))
