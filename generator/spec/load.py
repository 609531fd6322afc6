"""Read schema.yaml into spec models, turning every validation error into a located Problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import pydantic

from ..errors import Problem, SpecError
from .models import SpecFile
from .yamlpos import Located, Path, decode_spec, load_yaml


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """The validated spec and where each of its values came from."""

    spec: SpecFile
    source: Located

    def pos(self, path: Path, *, key: bool = False):  # noqa: ANN201 - Pos
        """Position of the value at ``path`` (or of its key)."""
        return self.source.pos(path, key=key)


_SCALAR_TAGS = {"str", "int", "bool", "float", "none", "constrained-str"}


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, str | None]:
    """Map a pydantic ``loc`` onto the YAML data path, skipping union tags it inserts."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part in _SCALAR_TAGS:
            if isinstance(node, (dict, list)):
                return (), "__skip__"  # the scalar branch of a union: the model branch reports
            continue
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("_") and part[:-1] in node:
            path.append(part[:-1])
            node = node[part[:-1]]
        elif isinstance(node, dict) and isinstance(part, str) and not part[:1].isupper() and "[" not in part:
            return tuple(path), part  # a missing or unknown key
    return tuple(path), None


def _message(err: dict[str, Any], key: str | None) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {key!r}"
    if kind == "missing":
        return f"missing required key {key!r}"
    msg = err["msg"]
    if kind.startswith("literal_error"):
        msg = msg.replace("Input should be", "expected")
    value = err.get("input")
    if kind in {"string_type", "int_type", "bool_type", "list_type", "model_type", "dict_type"} or kind.endswith(
        "_parsing"
    ):
        msg = f"wrong type: {msg.lower()}, got {type(value).__name__} {value!r}"
    return msg


def validate_located(located: Located) -> LoadedSpec:
    """Validate already-parsed YAML; all errors are collected and raised together."""
    try:
        spec = SpecFile.model_validate(located.data)
    except pydantic.ValidationError as exc:
        problems: dict[tuple[Any, ...], Problem] = {}
        for err in exc.errors():
            path, key = _data_path(located.data, err["loc"])
            if key == "__skip__":
                continue
            if err["type"] == "extra_forbidden":
                path, key = path[:-1], str(path[-1])
                pos = located.pos(path + (key,), key=True)
            else:
                pos = located.pos(path)
            problem = Problem(pos, _message(err, key))
            problems.setdefault((pos, problem.message), problem)
        raise SpecError(list(problems.values())) from None
    return LoadedSpec(spec, located)


def load_spec(path: str | FsPath, *, display: str | None = None) -> LoadedSpec:
    """Load and validate a spec file; ``display`` is the file name used in messages."""
    p = FsPath(path)
    name = display or str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(None, f"cannot read {name}: {exc.strerror}")]) from None
    return validate_located(load_yaml(decode_spec(data, name), name))
