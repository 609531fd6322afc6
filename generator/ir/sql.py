"""What a piece of SQL text refers to: the checks and reference walks live in
:mod:`generator.sqlan` (one module owns parsing, with one cached parse per text); this module
keeps the names the ir and later stages import."""

from __future__ import annotations

from ..sqlan.nodes import QName, names, qname
from ..sqlan.refs import (
    ColumnUse,
    SqlRefs,
    column_use,
    command_refs,
    expression_refs,
    fragment_problem,
    plpgsql_refs,
    plpgsql_wrapper,
    qualified_name_problem,
    query_refs,
    same_after_renames,
    script_refs,
    statement_refs,
    type_refs,
)

__all__ = [
    "ColumnUse", "QName", "SqlRefs", "column_use", "command_refs", "expression_refs", "fragment_problem",
    "names", "plpgsql_refs", "plpgsql_wrapper", "qname", "qualified_name_problem", "query_refs",
    "same_after_renames", "script_refs", "statement_refs", "type_refs",
]
