"""Read schema.yaml into spec models, turning every validation error into a located Problem."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import pydantic
from pydantic_core import ErrorDetails

from ..errors import Pos, Problem, SpecError
from .blocks import load_yaml_blocks
from .models import SpecFile
from .yamlpos import Located, Path, decode_spec, load_yaml

if typing.TYPE_CHECKING:
    from ..cache import Cache


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """The validated spec and where each of its values came from."""

    spec: SpecFile
    source: Located

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Position of the value at ``path`` (or of its key)."""
        return self.source.pos(path, key=key)


_SCALAR_TAGS = {"str", "int", "bool", "float", "none", "constrained-str"}


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, str | None]:
    """Map a pydantic ``loc`` onto the YAML data path, skipping union tags it inserts."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part in _SCALAR_TAGS or (isinstance(part, str) and part.startswith("function-after[")):
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


def _message(err: ErrorDetails, key: str | None) -> str:
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


def _members(annotation: Any) -> list[Any]:
    """The types an annotation may hold: Annotated and Optional/Union unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, pydantic.BaseModel)


def field_annotations(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """Each field's annotation, a model named before its class is defined resolved.

    The spec models are built lazily (``defer_build``): a model built only as part of another
    (every model but ``SpecFile``) keeps a forward reference (``ForeignTarget``, ``list[Domain]``)
    as the annotation of its field, unresolved."""
    found = {name: f.annotation for name, f in model.model_fields.items()}
    if any(isinstance(a, typing.ForwardRef) for a in found.values()):
        hints = typing.get_type_hints(model, include_extras=True)
        found = {name: hints[name] if isinstance(a, typing.ForwardRef) else a for name, a in found.items()}
    return found


def _keys(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The keys a model accepts in YAML (aliases where given) and their annotations."""
    annotations = field_annotations(model)
    return {(f.alias or name): annotations[name] for name, f in model.model_fields.items()}


def allowed_keys(loc: tuple[Any, ...], root: type[pydantic.BaseModel] = SpecFile) -> list[str]:
    """The keys allowed in the mapping a pydantic ``loc`` points into (its last part is the key).

    Follows the models' annotations through lists, dicts, optionals and the union tags pydantic
    puts in ``loc``; [] when the path leads nowhere known.
    """
    current: list[Any] = [root]
    for part in loc[:-1]:
        nxt: list[Any] = []
        for t in current:
            if _is_model(t) and isinstance(part, str):
                if t.__pydantic_root_model__:  # RootModel: the key is inside its root
                    t = field_annotations(t)["root"]
                else:
                    ann = _keys(t).get(part)
                    nxt += _members(ann) if ann is not None else []
                    continue
            origin, args = typing.get_origin(t), typing.get_args(t)
            if origin is list and isinstance(part, int):
                nxt += _members(args[0])
            elif origin is dict and args:
                nxt += _members(args[1])
            elif isinstance(part, str) and getattr(t, "__name__", None) == part:
                nxt.append(t)  # pydantic's tag for one member of a union
        if nxt:
            current = nxt  # a union tag that names no member leaves the candidates as they were
    models = [t for t in current if _is_model(t) and not t.__pydantic_root_model__]
    return sorted({k for m in models for k in _keys(m)})


def did_you_mean(key: str, allowed: list[str]) -> str | None:
    """A hint naming the allowed key closest to ``key`` (difflib), or None when none is close."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


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
            hint = None
            if err["type"] == "extra_forbidden":
                path, key = path[:-1], str(path[-1])
                pos = located.pos(path + (key,), key=True)
                hint = did_you_mean(key, allowed_keys(tuple(err["loc"])))
            else:
                pos = located.pos(path)
            problem = Problem(pos, _message(err, key), hint)
            problems.setdefault((pos, problem.message), problem)
        raise SpecError(list(problems.values())) from None
    return LoadedSpec(spec, located)


def load_spec(path: str | FsPath, *, display: str | None = None, cache: Cache | None = None) -> LoadedSpec:
    """Load and validate a spec file; ``display`` is the file name used in messages.

    ``cache`` (:mod:`generator.cache`): unchanged blocks of the YAML are read from it, and the
    blocks read now are put in it (:mod:`generator.spec.blocks`); the same result either way."""
    p = FsPath(path)
    name = display or str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(None, f"cannot read {name}: {exc.strerror}")]) from None
    text = decode_spec(data, name)
    located = load_yaml(text, name) if cache is None else load_yaml_blocks(text, name, cache)
    return validate_located(located)
