"""Typed JSONB: the named shapes of ``types.definitions`` as TypeScript types.

A definition is a :class:`~generator.spec.models.Shape` (a JSON Schema subset) or TypeScript text;
a column's ``shape:`` names a definition or is itself TypeScript text. Validation problems carry
the spec position of the definition or column.
"""

from __future__ import annotations

import json
import re

from ..errors import Problem
from ..quoting import comment_text
from ..spec import LoadedSpec
from ..spec.models import Shape

IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
DEF_NAME = re.compile(r"^([A-Za-z_$][A-Za-z0-9_$]*)(<.+>)?$", re.S)
PRIMITIVES = {"string": "string", "number": "number", "integer": "number", "boolean": "boolean", "null": "null"}


def ts_key(name: str) -> str:
    """An object key as Prettier prints it: bare when it is an identifier, else a JSON string."""
    return name if IDENT.match(name) else json.dumps(name, ensure_ascii=False)


def base_name(definition: str) -> str:
    """``ApiResponse<T>`` → ``ApiResponse``."""
    m = DEF_NAME.match(definition.strip())
    return m.group(1) if m else definition


def check_definitions(loaded: LoadedSpec, definitions: dict[str, Shape | str]) -> list[Problem]:
    """Names must be TypeScript identifiers (with optional type parameters); refs must exist."""
    problems = []
    known = {base_name(n) for n in definitions}
    for name, shape in definitions.items():
        pos = loaded.pos(("types", "definitions", name), key=True)
        if not DEF_NAME.match(name.strip()):
            problems.append(Problem(pos, f"type name {name!r} is not a TypeScript identifier",
                                    "use letters, digits, _ or $, optionally with <T, ...>"))
        if isinstance(shape, Shape):
            for ref in sorted(_refs(shape)):
                if ref not in known:
                    problems.append(Problem(pos, f"type {name!r} refers to unknown type {ref!r}",
                                            f"known: {', '.join(sorted(known)) or 'none'}"))
    return problems


def column_shape(shape: str, definitions: dict[str, Shape | str]) -> str | None:
    """The TypeScript type of a column's ``shape:``; None for an identifier that names no definition."""
    text = shape.strip()
    if IDENT.match(text) and text not in {base_name(n) for n in definitions}:
        return None
    return text


def _refs(shape: Shape) -> set[str]:
    out = {shape.ref} if shape.ref else set()
    for sub in [*shape.properties.values(), *shape.any_of, shape.items,
                shape.additional_properties if isinstance(shape.additional_properties, Shape) else None]:
        if isinstance(sub, Shape):
            out |= _refs(sub)
    return out


def render_definition(shape: Shape | str) -> str:
    """The right-hand side of ``export type Name = …``."""
    if isinstance(shape, str):
        return shape.strip()
    return to_ts(shape, 0)


def to_ts(shape: Shape, depth: int) -> str:
    """A shape as a TypeScript type expression, objects laid out one property per line."""
    if shape.ts is not None:
        text = shape.ts.strip()
    elif shape.ref is not None:
        text = shape.ref
    elif shape.const is not None:
        text = json.dumps(shape.const, ensure_ascii=False)
    elif shape.enum is not None:
        text = " | ".join(json.dumps(v, ensure_ascii=False) for v in shape.enum)
    elif shape.any_of:
        text = " | ".join(_paren(to_ts(s, depth)) for s in shape.any_of)
    else:
        kinds = shape.type if isinstance(shape.type, list) else [shape.type] if shape.type else []
        text = " | ".join(_kind(k, shape, depth) for k in kinds) if kinds else (
            _object(shape, depth) if shape.properties else "Json")
    if shape.nullable and text not in ("Json", "null") and not text.endswith("| null"):
        text = f"{text} | null"
    return text


def _kind(kind: str, shape: Shape, depth: int) -> str:
    if kind == "object":
        return _object(shape, depth)
    if kind == "array":
        return f"{_paren(to_ts(shape.items, depth)) if shape.items else 'Json'}[]"
    return PRIMITIVES[kind]


def _paren(text: str) -> str:
    return f"({text})" if "|" in text or "&" in text else text


def _object(shape: Shape, depth: int) -> str:
    pad = "  " * (depth + 1)
    lines = []
    for name, sub in shape.properties.items():
        if sub.description:
            lines.append(f"{pad}/** {comment_text(sub.description.strip(), block=True)} */")
        opt = "" if name in shape.required else "?"
        lines.append(f"{pad}{ts_key(name)}{opt}: {to_ts(sub, depth + 1)}")
    extra = shape.additional_properties
    if extra is True:
        lines.append(f"{pad}[key: string]: Json | undefined")
    elif isinstance(extra, Shape):
        lines.append(f"{pad}[key: string]: {to_ts(extra, depth + 1)} | undefined")
    if not lines:
        return "Record<string, never>"
    return "{\n" + "\n".join(lines) + "\n" + "  " * depth + "}"
