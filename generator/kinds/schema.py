"""Schemas: ``ALTER``/``COMMENT``/``GRANT`` in place; never replaced for a change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import SchemaIR
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_schema(b: Builder, d: s.SchemaDecl, mig: int, path: tuple[Any, ...]) -> None:
    """A schema of ``migrations[].schemas``."""
    from ..ir.build import SUPABASE_SCHEMAS

    b.ident(d.name, path + ("name",), "schema name")
    if d.name in SUPABASE_SCHEMAS:
        b.error(path + ("name",), f"schema {d.name!r} already exists on Supabase: do not declare it",
                f"place extensions in it with `schema: {d.name}`; verify's stand-in creates it")
    b.add(SchemaIR(id=ObjectId(Kind.SCHEMA, "", d.name), migration=mig, comment=d.comment, pos=b.pos(path),
                   grants=b.grants(d.grants, path + ("grants",)), revoke_from=()), path)


SCHEMA = register(KindDef(kind=Kind.SCHEMA, ir=SchemaIR, keyword="SCHEMA", template_dir="schema",
                          namespace="own", plural="schemas", docs_section="schemas", alter=in_place,
                          section="schemas", build=build_schema))
