"""The JSON Schema of ``schema.yaml``, generated from the spec models (for editors and CI).

Editors with a YAML language server (VS Code's YAML extension, JetBrains IDEs, Neovim) complete
keys, show each key's description and flag unknown ones when the spec starts with
``# yaml-language-server: $schema=<path or URL of schemagen.schema.json>``. The committed copy,
``schema/schemagen.schema.json``, is checked against these models by the test suite; ``schemagen
schema`` prints it.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import typing
from functools import cache
from typing import Any

import pydantic

from .load import field_annotations
from .models import SpecFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMMITTED_PATH = "schema/schemagen.schema.json"  # in the repository, relative to its root


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a whole ``schema.yaml``, keys as written in YAML."""
    schema = SpecFile.model_json_schema(by_alias=True, mode="validation")
    _add_attribute_docs(schema)
    return {"$schema": SCHEMA_DIALECT, "title": "schemagen schema.yaml", **schema}


def _add_attribute_docs(schema: dict[str, Any]) -> None:
    """Each key's description: the string statement under its attribute in the model's class
    body (an attribute docstring), where no ``Field(description=...)`` gave one.

    What pydantic's ``use_attribute_docstrings`` does, read here instead: pydantic reads them when
    each model class is created, finding the class's source for every one of ~60 models (a few
    tens of milliseconds at every start of every command), and only this JSON Schema uses them."""
    for model in _models(SpecFile):
        target = schema if model is SpecFile else schema["$defs"][model.__name__]
        properties = target.get("properties", {})
        for name, field in model.model_fields.items():
            doc = _field_doc(model, name)
            key = field.alias or name
            if doc is not None and key in properties:
                properties[key].setdefault("description", doc)


def _models(root: type[pydantic.BaseModel]) -> list[type[pydantic.BaseModel]]:
    """``root`` and every model its fields' annotations reach (through lists, dicts, unions)."""
    found: list[type[pydantic.BaseModel]] = []
    todo: list[Any] = [root]
    while todo:
        t = todo.pop()
        if isinstance(t, type) and issubclass(t, pydantic.BaseModel):
            if t not in found:
                found.append(t)
                todo += field_annotations(t).values()
        else:
            todo += typing.get_args(t)
    return found


def _field_doc(model: type[pydantic.BaseModel], name: str) -> str | None:
    """The docstring of field ``name`` where it is declared: ``model`` or the base it inherits it from."""
    for klass in model.__mro__:
        if name in vars(klass).get("__annotations__", {}):
            return _class_docs(klass).get(name)
    return None


@cache
def _class_docs(klass: type) -> dict[str, str]:
    """Attribute docstrings in the class body of ``klass`` (a module-level class): a string
    statement right after an annotated assignment, cleaned as pydantic cleans it."""
    tree = _module_tree(klass.__module__)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == klass.__qualname__)
    docs: dict[str, str] = {}
    for before, stmt in zip(node.body, node.body[1:], strict=False):
        if isinstance(before, ast.AnnAssign) and isinstance(before.target, ast.Name) and \
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and \
                isinstance(stmt.value.value, str):
            docs[before.target.id] = inspect.cleandoc(stmt.value.value)
    return docs


@cache
def _module_tree(module: str) -> ast.Module:
    return ast.parse(inspect.getsource(sys.modules[module]))


def spec_json_schema_text() -> str:
    """:func:`spec_json_schema` as the committed file's text: sorted keys, two-space indent, LF."""
    return json.dumps(spec_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
