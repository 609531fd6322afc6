"""Types (enums): ``ADD VALUE`` when values are only added, else the type is re-created and its
columns converted, its dependents dropped and re-created around it (``RecreateEnum``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import EnumIR
from ..ir.names import NAMEDATALEN
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_enum(b: Builder, d: s.Enum, mig: int, path: tuple[Any, ...]) -> None:
    """An enum type of ``migrations[].enums``."""
    b.ident(d.name, path + ("name",), "type name")
    for i, value in enumerate(d.values):  # Postgres refuses a longer label ("invalid enum label")
        if len(value.encode("utf-8")) > NAMEDATALEN - 1:
            b.error(path + ("values", i), f"enum value {value!r} is {len(value.encode('utf-8'))} bytes; "
                                          f"Postgres allows {NAMEDATALEN - 1}")
    if len(set(d.values)) != len(d.values):
        b.error(path + ("values",), f"enum {d.name!r} lists a value twice")
    b.add(EnumIR(id=ObjectId(Kind.TYPE, d.schema_, d.name), migration=mig, values=tuple(d.values),
                 comment=d.comment, pos=b.pos(path), grants=b.grants(d.grants, path + ("grants",)),
                 revoke_from=b.revoke_from),
          path, [ObjectId(Kind.SCHEMA, "", d.schema_)])


TYPE = register(KindDef(kind=Kind.TYPE, ir=EnumIR, keyword="TYPE", template_dir="type",
                        namespace="relation", plural="types", docs_section="enums", alter=in_place,
                        names_type=True, data_type=True, section="enums", build=build_enum, public_default="USAGE"))
