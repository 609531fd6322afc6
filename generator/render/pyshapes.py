"""Typed JSONB for Python: the ``types.definitions`` shapes as ``TypedDict``s (models.py).

The same definitions give database.types.ts its TypeScript types (:mod:`.tsshapes`). What Python's
typing cannot say is widened, never narrowed: TypeScript text (``ts:`` or a string definition) and
generic definitions become ``Any``; extra keys (``additionalProperties``) are not typed.
An object nested inside a definition becomes a ``TypedDict`` of its own, named after its path.
"""

from __future__ import annotations

import keyword

from ..spec.models import Shape
from .pytypes import py_literal
from .tsshapes import IDENT, base_name

PRIMITIVES = {"string": "str", "number": "float", "integer": "int", "boolean": "bool", "null": "None"}


class ShapeWriter:
    """Collects the Python text of every definition (and the nested TypedDicts they need)."""

    def __init__(self, definitions: dict[str, Shape | str]) -> None:
        self.definitions = definitions
        self.blocks: list[str] = []
        self.names: set[str] = set()
        self.known = {base_name(n): n for n in definitions}
        self.simple = {base_name(n) for n, s in definitions.items()
                       if base_name(n) == n.strip() and isinstance(s, Shape)}

    def render(self) -> list[str]:
        """One block (a class or an alias) per definition, nested types first, in spec order."""
        for name, shape in self.definitions.items():
            base = base_name(name)
            if base != name.strip() or isinstance(shape, str):  # generic or TypeScript text: Any
                continue
            if _is_object(shape):
                self._typed_dict(base, shape, top=True)
            else:
                self._emit(f"{base}: TypeAlias = {self.expr(shape, base)}")
        return self.blocks

    def column(self, shape: str | None) -> str:
        """The annotation of a jsonb column whose ``shape:`` is ``shape`` (``Any`` when untyped)."""
        text = (shape or "").strip()
        if text.endswith("[]") and text[:-2] in self.simple:
            return f"list[{text[:-2]}]"
        return text if text in self.simple else "Any"

    def _emit(self, block: str) -> None:
        self.blocks.append(block)

    def expr(self, shape: Shape, path: str) -> str:
        """A shape as a Python type expression (objects become named TypedDicts)."""
        if shape.ts is not None:
            text = "Any"
        elif shape.ref is not None:
            text = shape.ref if shape.ref in self.simple else "Any"
        elif shape.const is not None:
            text = f"Literal[{_lit(shape.const)}]"
        elif shape.enum is not None:
            vals = [v for v in shape.enum if v is not None]
            text = f"Literal[{', '.join(_lit(v) for v in vals)}]" if vals else "None"
            if len(vals) != len(shape.enum):
                text += " | None"
        elif shape.any_of:
            parts = [self.expr(s, f"{path}{i}") for i, s in enumerate(shape.any_of)]
            text = "Any" if "Any" in parts else " | ".join(dict.fromkeys(parts))
        else:
            kinds = shape.type if isinstance(shape.type, list) else [shape.type] if shape.type else []
            if not kinds:
                text = self._typed_dict(path, shape) if shape.properties else "Any"
            else:
                parts = [self._kind(k, shape, path) for k in kinds]
                text = "Any" if "Any" in parts else " | ".join(dict.fromkeys(parts))
        if shape.nullable and text != "Any" and not text.endswith("None"):
            text += " | None"
        return text

    def _kind(self, kind: str, shape: Shape, path: str) -> str:
        if kind == "object":
            return self._typed_dict(path, shape) if shape.properties else "dict[str, Any]"
        if kind == "array":
            return f"list[{self.expr(shape.items, path + 'Item') if shape.items else 'Any'}]"
        return PRIMITIVES[kind]

    def _typed_dict(self, name: str, shape: Shape, *, top: bool = False) -> str:
        if not top:
            name = _unique(name, self.names | set(self.known))
        self.names.add(name)
        fields = []
        for key, sub in shape.properties.items():
            ann = self.expr(sub, name + _camel(key))
            if key not in shape.required:
                ann = f"NotRequired[{ann}]"
            fields.append((key, ann, sub.description))
        doc = f'    """{_doc(shape.description)}"""\n' if shape.description else ""
        if all(IDENT.match(k) and "$" not in k and not keyword.iskeyword(k) for k, _, _ in fields):
            body = "".join(f"    {k}: {a}\n" + (f'    """{_doc(d)}"""\n' if d else "") for k, a, d in fields)
            self._emit(f"class {name}(TypedDict):\n{doc}{body or '    pass' + chr(10)}".rstrip("\n"))
        else:
            items = "".join(f"        {py_literal(k)}: {a},\n" for k, a, _ in fields)
            self._emit(f"{name} = TypedDict(\n    {py_literal(name)},\n    {{\n{items}    }},\n)")
        return name


def _is_object(shape: Shape) -> bool:
    return shape.ts is None and shape.ref is None and bool(shape.properties) and (
        shape.type in (None, "object")) and not shape.nullable


def _lit(value: object) -> str:
    return py_literal(value) if isinstance(value, str) else repr(value)


def _camel(key: str) -> str:
    parts = [p for p in "".join(c if c.isalnum() else " " for c in key).split() if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Field"


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}{n}", n + 1
    return out


def _doc(text: str | None) -> str:
    """Text safe inside a triple-quoted docstring, on one line."""
    return " ".join((text or "").split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
