"""The shape of a policy expression, read from pglast's JSON parse tree.

What lint needs to know about ``USING`` / ``WITH CHECK``: which function calls run once per row
(not inside a sub-select), which columns are filtered and how, whether the expression is the
constant ``true``, and which shapes keep a btree index usable for the filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

from .nodes import QName
from .nodes import names as _names
from .nodes import qname as _qname
from .parse import ParseError
from .parse import parse_expression as _parse_expression

_R = TypeVar("_R")
_MEMO: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def _per_node(fn: Callable[..., _R]) -> Callable[..., _R]:
    """Remember ``fn(node, *args)`` per parse-tree node (by identity, the node kept alive with the
    result so that its id is not reused): the trees come from the cached :func:`parse_expression`,
    and the lint rules ask the same questions of the same policy expressions (3,000 policies of
    1,000 tables share a handful of texts). Results are returned as copies when mutable."""

    @wraps(fn)
    def wrapper(node: Any, *args: Any) -> _R:
        key = (fn.__name__, id(node), *args)
        hit = _MEMO.get(key)
        if hit is None or hit[0] is not node:
            if len(_MEMO) >= 65536:  # bounded: a long-lived process parses many specs
                _MEMO.clear()
            hit = _MEMO[key] = (node, fn(node, *args))
        result = hit[1]
        return type(result)(result) if isinstance(result, (list, set)) else result  # type: ignore[return-value]

    return wrapper


def _outside_subselects(node: Any, visit: Callable[[str, Any], None]) -> None:
    """Call ``visit(key, value)`` for every node that is not inside a sub-select (SubLink)."""
    if isinstance(node, list):
        for item in node:
            _outside_subselects(item, visit)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "SubLink":
                continue  # (select f()) runs once per statement, as an initplan
            visit(key, value)
            _outside_subselects(value, visit)


@lru_cache(maxsize=4096)
def parse_expression(expr: str) -> dict[str, Any] | None:
    """The expression's node, or None when it does not parse (build reports that)."""
    try:
        tree = _parse_expression(expr)
    except ParseError:
        return None
    node: dict[str, Any] = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    return node


@_per_node
def per_row_calls(node: Any) -> list[tuple[QName, bool]]:
    """Function calls outside any sub-select: (name, has a column argument)."""
    out: list[tuple[QName, bool]] = []

    def visit(key: str, value: Any) -> None:
        if key == "FuncCall":
            out.append((_qname(_names(value["funcname"])), bool(columns_in(value.get("args", [])))))

    _outside_subselects(node, visit)
    return out


@_per_node
def columns_in(node: Any) -> set[str]:
    """Column names referenced outside sub-selects (last name part)."""
    out: set[str] = set()

    def visit(key: str, value: Any) -> None:
        if key == "ColumnRef":
            parts = _names(value.get("fields", []))
            if parts:
                out.add(parts[-1])

    _outside_subselects(node, visit)
    return out


def is_true(node: Any) -> bool:
    """The constant ``true`` (also written ``(true)`` or ``'t'::boolean``)."""
    if not isinstance(node, dict):
        return False
    if "A_Const" in node:
        return node["A_Const"].get("boolval", {}).get("boolval", False) is True
    if "TypeCast" in node:
        tc = node["TypeCast"]
        names = _names(tc.get("typeName", {}).get("names", []))
        arg = tc.get("arg", {}).get("A_Const", {})
        return bool(names) and names[-1] in ("bool", "boolean") and arg.get("sval", {}).get("sval") in (
            "t", "true", "y", "yes", "on", "1")
    return False


def conjuncts(node: Any) -> list[Any]:
    """Top-level AND arms (the expression itself when it is not an AND)."""
    if isinstance(node, dict) and "BoolExpr" in node and node["BoolExpr"]["boolop"] == "AND_EXPR":
        return [c for arg in node["BoolExpr"]["args"] for c in conjuncts(arg)]
    return [node]


@dataclass(frozen=True, slots=True)
class Filter:
    """A conjunct of the form ``column <op> <value not depending on the row>``."""

    column: str
    op: str  # '=', '= any', 'in', '<', ...


def _plain_column(node: Any) -> str | None:
    if isinstance(node, dict) and "ColumnRef" in node:
        parts = _names(node["ColumnRef"].get("fields", []))
        return parts[-1] if parts else None
    return None


def _row_independent(node: Any) -> bool:
    """No column of the row outside sub-selects, no per-row call: evaluated once per statement."""
    return not columns_in(node) and not per_row_calls(node)


@_per_node
def index_filter(node: Any) -> Filter | None:
    """The indexable filter a conjunct expresses, if any: ``col = v``, ``col = any(v)``, ``col in (...)``."""
    if not isinstance(node, dict) or "A_Expr" not in node:
        return None
    e = node["A_Expr"]
    op = _names(e.get("name", []))
    left, right = e.get("lexpr"), e.get("rexpr")
    col, other = _plain_column(left), right
    if col is None:
        col, other = _plain_column(right), left
    if col is None or op not in (["="], ["<"], ["<="], [">"], [">="]):
        return None
    if e["kind"] == "AEXPR_OP" and _row_independent(other):
        return Filter(col, op[0])
    if e["kind"] == "AEXPR_OP_ANY" and _plain_column(left) and _row_independent(right):
        return Filter(col, "= any")
    if e["kind"] == "AEXPR_IN" and _plain_column(left) and _row_independent(right):
        return Filter(col, "in")
    return None


def sublink_kinds(node: Any) -> list[str]:
    """Kinds of the sub-selects of an expression (EXISTS_SUBLINK, ANY_SUBLINK, EXPR_SUBLINK, ...)."""
    out: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            for key, value in n.items():
                if key == "SubLink":
                    out.append(value["subLinkType"])
                    continue
                walk(value)

    walk(node)
    return out


def correlated_sublinks(node: Any, table: str) -> int:
    """Sub-selects that mention a column of the policy's table, qualified by its name (run per row)."""
    return sum(1 for inner in _sublink_refs(node) if any(len(r) >= 2 and r[-2] == table for r in inner))


@_per_node
def _sublink_refs(node: Any) -> tuple[frozenset[tuple[str, ...]], ...]:
    """For each sub-select outside other sub-selects (and in their test expressions): the column
    references inside it (the part of :func:`correlated_sublinks` that does not depend on the table)."""
    out: list[frozenset[tuple[str, ...]]] = []

    def refs(n: Any) -> frozenset[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()

        def walk(x: Any) -> None:
            if isinstance(x, list):
                for item in x:
                    walk(item)
            elif isinstance(x, dict):
                for key, value in x.items():
                    if key == "ColumnRef":
                        found.add(tuple(_names(value.get("fields", []))))
                    walk(value)

        walk(n)
        return frozenset(found)

    def walk(n: Any) -> None:
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            for key, value in n.items():
                if key == "SubLink":
                    out.append(refs(value.get("subselect")))
                    if value.get("testexpr") is not None:
                        walk(value["testexpr"])
                    continue
                walk(value)

    walk(node)
    return tuple(out)
