"""The shape of a policy expression: the walks live in :mod:`generator.sqlan.shape` (one parse per
text, shared with build and plan); lint rules import them from here."""

from __future__ import annotations

from ..sqlan.shape import (
    Filter,
    columns_in,
    conjuncts,
    correlated_sublinks,
    index_filter,
    is_true,
    parse_expression,
    per_row_calls,
    sublink_kinds,
)

__all__ = ["Filter", "columns_in", "conjuncts", "correlated_sublinks", "index_filter", "is_true",
           "parse_expression", "per_row_calls", "sublink_kinds"]
