"""Extensions: ``ALTER EXTENSION … UPDATE TO`` when only the version (or the comment) changed, else
replaced.

``CREATE EXTENSION`` gives the extension the comment of its control file. A declared ``comment``
replaces it (``COMMENT ON EXTENSION``); a comment removed later gives the control file's back (read
from ``pg_available_extensions`` when the migration runs), so the rollback of a comment added to an
existing extension returns the catalog exactly, not to NULL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import ExtensionIR
from ..plan.ops import Op
from ..quoting import dollar_quote, quote_ident, quote_literal
from . import Kind, KindDef, register
from ._alter import only

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_extension(b: Builder, d: s.Extension, mig: int, path: tuple[Any, ...]) -> None:
    """An extension of ``migrations[].extensions`` (after its schema, when it names one)."""
    deps = [ObjectId(Kind.SCHEMA, "", d.schema_)] if d.schema_ else []
    b.add(ExtensionIR(id=ObjectId(Kind.EXTENSION, "", d.name), migration=mig, schema=d.schema_,
                      version=d.version, comment=d.comment, pos=b.pos(path)), path, deps)


def comment_statement(obj: ExtensionIR) -> str:
    """``COMMENT ON EXTENSION x IS '…';`` for a declared comment; for none, a ``DO`` block giving
    back the comment of the extension's control file (``pg_available_extensions.comment``, NULL
    when it has none): the state ``CREATE EXTENSION`` leaves."""
    if obj.comment is not None:
        return f"COMMENT ON EXTENSION {quote_ident(obj.id.name)} IS {quote_literal(obj.comment)};"
    name = quote_literal(obj.id.name)
    body = (f"BEGIN\n  EXECUTE format('COMMENT ON EXTENSION %I IS %L', {name},\n"
            f"    (SELECT a.comment FROM pg_catalog.pg_available_extensions a WHERE a.name = {name}));\nEND")
    return f"DO {dollar_quote(body)};"


def _comment_filter(op: Op) -> str:
    assert isinstance(op.obj, ExtensionIR)
    return comment_statement(op.obj)


EXTENSION = register(KindDef(kind=Kind.EXTENSION, ir=ExtensionIR, keyword="EXTENSION", template_dir="extension",
                             namespace="own", plural="extensions", alter=only("version"),
                             alembic_entity="PGExtension", docs_section="extensions",
                             section="extensions", build=build_extension,
                             hooks={"filters": lambda: {"extension_comment": _comment_filter}}))
