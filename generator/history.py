"""The history stage: the model state after each migration, one JSON file per migration.

It serialises states (``entry_text``), loads them (``load_history``) and plans from them: the plan
of every released migration (``history_plans``, what ``generate`` renders: :func:`history_for`)
and the plan of the next one (:func:`plan_next`, what ``migrate`` appends before generating).

``out/.schemagen/history/NNN_name.json`` holds the migration's number, names and description
and the whole database state after it: every object (in creation order) with its dependencies.
The files are deterministic (sorted keys, two-space indent, LF) so they diff well in review.

A migration that has run in production is history: its file is rendered from the states before
and after it, ``plan(state[N-1], state[N])``, never from the current spec, so editing
``schema.yaml`` can only ever add a migration. The first history comes from the spec's
``migrations:`` blocks (state N = the objects of blocks 1..N) and is written by ``generate``
when ``out/`` has none.

Reading is lazy where it can be: a file an earlier run proved canonical (the cache) is parsed as
JSON and kept in its stored form; its ir objects are decoded only when planning first needs them.
Comparing the spec with the last migration uses the stored forms, so it decodes nothing.

Only what the database holds is stored: positions, prose descriptions, which spec block declared
an object, TypeScript shapes and declared renames are left out, so they never count as changes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from .cache import Cache
from .errors import Problem, SchemagenError, SpecError
from .ir import model as m
from .ir.ids import ObjectId
from .ir.model import EMPTY, MigrationInfo, Model, Obj
from .kinds import kind_def, kind_defs
from .output import GeneratedFile, StreamedFile
from .plan import Plan, migration_plans, plan

try:  # a compiled encoder: the stdlib's indenting one is pure Python (a quarter of a 1,000-table generate)
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib gives the same bytes
    orjson = None  # type: ignore[assignment]

HISTORY_DIR = ".schemagen/history"
#: Set in a state's index when the state is exactly what its history text says (read from a text
#: :func:`entry_text` writes back byte for byte, or made by :func:`normalize`): only then does the
#: text's hash fix the plans (the render cache's key, generator/cache.py).
CANONICAL = "canonical"
FORMAT = 1
_FILE = re.compile(r"(\d{3,})_(.+)\.json\Z")

_NESTED: dict[tuple[str, str], type] = {
    ("TableIR", "columns"): m.Column, ("TableIR", "primary_key"): m.KeyConstraint,
    ("TableIR", "uniques"): m.KeyConstraint, ("TableIR", "checks"): m.CheckConstraint,
    ("TableIR", "excludes"): m.ExclusionConstraint, ("ExclusionConstraint", "elements"): m.ExclusionElement,
    ("IndexIR", "elements"): m.IndexElement, ("FunctionIR", "arguments"): m.Argument,
    ("ProcedureIR", "arguments"): m.Argument,
    ("Column", "sequence_grants"): m.GrantIR,
}
_IDS = ("id", "on", "target", "function", "from_table")
#: Fields that are not database state (compare=False ones are left out too).
_NOT_STATE = {"migration", "shape"}
#: Fields added after the first history files: left out while they hold their default, so older
#: files and the files of specs that do not use them stay as they were.
_OPTIONAL: dict[str, object] = {"verbatim": False, "sequence_grants": (), "version": None, "realtime": False,
                               "collation": None, "initially": "deferred", "minvalue": None, "maxvalue": None,
                               "cache": 1, "cycle": False, "owned_sequence": None, "storage": None,
                               "compression": None, "match": "simple", "excludes": (),
                               "partition_by": None, "partitions": ()}

#: The same, for one class's field (where another class always records a field of that name).
_OPTIONAL_OF: dict[tuple[str, str], object] = {("TriggerIR", "constraint"): False, ("TriggerIR", "deferrable"): False,
                                               ("TriggerIR", "new_table"): None, ("TriggerIR", "old_table"): None,
                                               ("TriggerIR", "from_table"): None,
                                               ("KeyConstraint", "comment"): None,
                                               ("CheckConstraint", "comment"): None,
                                               ("ExclusionConstraint", "comment"): None}
_ALWAYS = object()


@cache
def _registered_nested() -> dict[tuple[str, str], type]:
    """Nested dataclasses the kind modules declare (``hooks["nested"]``): (ir class, field) → class."""
    out: dict[tuple[str, str], type] = {}
    for kd in kind_defs():
        if "nested" in kd.hooks:
            out.update(kd.hooks["nested"]())
    return out


class HistoryError(SchemagenError):
    """The history in ``out/`` cannot be read, or the spec has changes no migration records."""

    exit_code = 1


class CorruptHistory(HistoryError):
    """A file of ``out/.schemagen/history/`` is not a history file (binary, truncated, hand-edited)."""

    exit_code = 2


class UnrecordedChanges(SpecError):
    """The spec differs from the state after the last migration: ``migrate`` must record it first."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One migration of the history: what it is called and the state it leaves.

    ``online``: it was made by ``migrate`` for a live database (timeouts, concurrent indexes,
    NOT VALID constraints); the first history is planned for an empty one. ``renames``: the
    declared renames this migration performs. ``backfills``: the ``backfill:`` expressions of the
    columns it adds to existing tables (kept here, not in the state: they run once).
    """

    info: MigrationInfo
    state: Model
    online: bool = False
    renames: tuple[Rename, ...] = ()
    backfills: tuple[Backfill, ...] = ()

    @property
    def file_name(self) -> str:
        return f"{HISTORY_DIR}/{self.info.tag}_{self.info.name}.json"


# --- (de)serialising the ir -----------------------------------------------------------------------


def _oid(oid: ObjectId) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": oid.kind, "schema": oid.schema, "name": oid.name}
    if oid.table is not None:
        d["table"] = oid.table
    if oid.args:
        d["args"] = list(oid.args)
    return d


def _from_oid(d: dict[str, Any]) -> ObjectId:
    return ObjectId(d["kind"], d["schema"], d["name"], d.get("table"), tuple(d.get("args", ())))


_PLAIN = (str, int, bool, type(None))


def _value(v: Any) -> Any:
    t = type(v)
    if t in _PLAIN:  # most values: decided by one lookup instead of isinstance/is_dataclass calls
        return v
    if t is tuple:
        return [x if type(x) in _PLAIN else _value(x) for x in v]
    if t is ObjectId:
        return _oid(v)
    if t in _STATE_FIELDS or dataclasses.is_dataclass(v):
        return _fields(v)
    if isinstance(v, tuple):
        return [_value(x) for x in v]
    return v


#: Per dataclass: its stored fields, each with the value that is not stored (``_ALWAYS``: none).
_STATE_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {}


def _state_fields(cls: type) -> tuple[tuple[str, object], ...]:
    name = cls.__name__
    found = _STATE_FIELDS[cls] = tuple(
        (f.name, _OPTIONAL_OF.get((name, f.name), _OPTIONAL.get(f.name, _ALWAYS)))
        for f in dataclasses.fields(cls) if f.compare and f.name not in _NOT_STATE and f.name != "id")
    return found


def _fields(obj: Any) -> dict[str, Any]:
    """A dataclass's stored fields (the hot loop of every state's stored form: 10,000 objects and
    their columns at 1,000 tables, so the fields and their omitted values are looked up once per
    class and plain values are kept without a call)."""
    out: dict[str, Any] = {}
    for name, omitted in _STATE_FIELDS.get(type(obj)) or _state_fields(type(obj)):
        v = getattr(obj, name)
        if v != omitted:
            out[name] = v if type(v) in _PLAIN else _value(v)
    return out


def _from_value(owner: str, name: str, v: Any) -> Any:
    if type(v) in _PLAIN:  # strings, numbers, booleans and null are stored as they are
        return v
    if name in _IDS and isinstance(v, dict):
        return _from_oid(v)
    cls = m.GrantIR if name == "grants" else _NESTED.get((owner, name)) or _registered_nested().get((owner, name))
    if cls is not None:
        sub = cls.__name__
        if isinstance(v, list):
            return tuple(cls(**{k: _from_value(sub, k, x) for k, x in item.items()}) for item in v)
        return None if v is None else cls(**{k: _from_value(sub, k, x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(tuple(x) if isinstance(x, list) else x for x in v)
    return v


def object_to_dict(obj: Obj, deps: frozenset[ObjectId]) -> dict[str, Any]:
    """An object as stored in a history file."""
    return {"id": _oid(obj.id), "type": type(obj).__name__, "deps": [_oid(d) for d in sorted(deps, key=_dep_key)],
            "fields": _fields(obj)}


def _dep_key(oid: ObjectId) -> tuple[Any, ...]:
    return oid.sort_key


@cache
def _ir_classes() -> dict[str, type[Obj]]:
    """Each kind's ir class by its name, as a history file's ``type`` names it (the registry's)."""
    return {k.ir.__name__: k.ir for k in kind_defs()}


def object_from_dict(d: dict[str, Any]) -> tuple[Obj, frozenset[ObjectId]]:
    """The object (and its dependencies) stored by :func:`object_to_dict`."""
    cls = _ir_classes()[d["type"]]
    fields = {k: _from_value(d["type"], k, v) for k, v in d["fields"].items()}
    obj = cls(id=_from_oid(d["id"]), migration=0, **fields)
    return obj, frozenset(_from_oid(x) for x in d["deps"])


def state_to_list(state: Model) -> list[dict[str, Any]]:
    """The objects of ``state`` as a history file stores them (computed once per state)."""
    items = cast("list[dict[str, Any]] | None", state._index.get("history"))  # the cache below fills it
    if items is None:
        items = [object_to_dict(state.objects[i], state.deps.get(i, frozenset())) for i in state.order]
        state._index["history"] = items
    return items


def state_from_list(items: list[dict[str, Any]]) -> Model:
    objects: dict[ObjectId, Obj] = {}
    deps: dict[ObjectId, frozenset[ObjectId]] = {}
    for item in items:
        obj, needs = object_from_dict(item)
        objects[obj.id] = obj
        deps[obj.id] = needs
    return Model(MappingProxyType(objects), MappingProxyType(deps), tuple(objects))


class _LazyObjects(Mapping[ObjectId, Any]):
    """The objects (or dependencies) of a state read from a history file, decoded on first use.

    Only for texts an earlier run with the same code proved canonical (:func:`_read_entry`'s cache
    key): they decoded without error then, so decoding later cannot fail where a corrupt file would
    have to be reported. ``generate``/``check`` compare the spec with the last state through its
    stored form, so a spec with unrecorded changes is refused without decoding any state; the
    first use (planning) decodes the whole state once and puts plain mappings in the model."""

    __slots__ = ("_cell", "_deps")

    def __init__(self, cell: list[Any], deps: bool) -> None:
        self._cell = cell  # [model or None, items or None, objects, deps]: shared by the two mappings
        self._deps = deps

    def _map(self) -> Mapping[ObjectId, Any]:
        cell = self._cell
        if cell[1] is not None:
            decoded = state_from_list(cell[1])
            self.decoded(decoded.objects, decoded.deps)
        return cast("Mapping[ObjectId, Any]", cell[3] if self._deps else cell[2])

    def pending(self) -> list[dict[str, Any]] | None:
        """The stored objects not decoded yet (None once they are)."""
        return cast("list[dict[str, Any]] | None", self._cell[1])

    def decoded(self, objects: Mapping[ObjectId, Obj], deps: Mapping[ObjectId, frozenset[ObjectId]]) -> None:
        """Set the decoded objects and dependencies (those of the stored ones)."""
        cell = self._cell
        cell[1], cell[2], cell[3] = None, objects, deps
        model = cell[0]
        if model is not None:  # the model reads plain mappings from now on (it is frozen: set once)
            object.__setattr__(model, "objects", objects)
            object.__setattr__(model, "deps", deps)

    def __getitem__(self, key: ObjectId) -> Any:
        return self._map()[key]

    def __iter__(self) -> Iterator[ObjectId]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())

    def __contains__(self, key: object) -> bool:
        return key in self._map()

    def get(self, key: ObjectId, default: Any = None) -> Any:
        return self._map().get(key, default)

    def keys(self) -> Any:
        return self._map().keys()

    def values(self) -> Any:
        return self._map().values()

    def items(self) -> Any:
        return self._map().items()


def decode_sharing(state: Model, like: Model) -> None:
    """Decode ``state`` (a history state read lazily, :func:`lazy_state`) now, taking from ``like``
    (a decoded state with its stored form, :func:`normalize`) every object stored exactly alike
    (same JSON: ``True`` is not ``1`` here) instead of decoding it again: decoding is a function of
    the stored form, so the objects and dependencies are equal to what decoding makes.

    ``migrate``: the state after the last migration and the spec's normalized state differ by the
    edit, and decoding the former whole was a third of the run. Nothing when ``state`` is decoded
    already or ``like`` has no stored form."""
    objects = state.objects
    like_items = cast("list[dict[str, Any]] | None", like._index.get("history"))
    if not isinstance(objects, _LazyObjects) or like_items is None:
        return
    items = objects.pending()
    if items is None or len(like_items) != len(like.order):
        return
    known = dict(zip(like.order, like_items, strict=True))
    decoded: dict[ObjectId, Obj] = {}
    deps: dict[ObjectId, frozenset[ObjectId]] = {}
    for oid, item in zip(state.order, items, strict=True):
        other = known.get(oid)
        if other is not None and other == item and _strict(other) == _strict(item):
            decoded[oid], deps[oid] = like.objects[oid], like.deps.get(oid, frozenset())
        else:
            obj, needs = object_from_dict(item)
            decoded[obj.id], deps[obj.id] = obj, needs
    objects.decoded(MappingProxyType(decoded), MappingProxyType(deps))


def _strict(item: dict[str, Any]) -> bytes:
    """A stored object's JSON with sorted keys: equal dicts can differ in it (``True == 1``)."""
    if orjson is not None:
        try:
            return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


def lazy_state(items: list[dict[str, Any]]) -> Model:
    """The state of a canonical history text's objects, decoded on first use (:class:`_LazyObjects`);
    its creation order is read now (identities only)."""
    order = tuple(_from_oid(item["id"]) for item in items)
    cell: list[Any] = [None, items, None, None]
    state = Model(_LazyObjects(cell, False), _LazyObjects(cell, True), order)
    cell[0] = state
    state._index["history"] = items
    return state


def normalize(model: Model) -> Model:
    """The database state of ``model``: what a history file would hold, read back."""
    items = state_to_list(model)
    state = state_from_list(items)
    state._index["history"] = items  # the round trip is exact: the file text needs no second pass
    state._index[CANONICAL] = True
    return state


Rename = tuple[ObjectId, "str | None", str]  # (object, column or None, old name)
Backfill = tuple[ObjectId, str, str]  # (table, column, SQL expression)


def declared_renames(old: Model, raw: Model) -> tuple[Rename, ...]:
    """The ``renamed_from`` declarations of the spec model ``raw`` that apply after state ``old``:
    the new name is not in ``old`` yet. They are recorded with the migration that performs them."""
    out: list[Rename] = []
    for oid in raw.order:
        obj = raw.objects[oid]
        if obj.renamed_from and oid not in old.objects:
            out.append((oid, None, obj.renamed_from))
        if isinstance(obj, m.TableIR):
            before = old.objects.get(oid)
            names = {c.name for c in before.columns} if isinstance(before, m.TableIR) else set()
            out += [(oid, c.name, c.renamed_from) for c in obj.columns if c.renamed_from and c.name not in names]
        hook = kind_def(oid.kind).hooks.get("part_renames")  # a kind whose parts can be renamed
        if hook is not None:
            out += [(oid, name, was) for name, was in hook(old.objects.get(oid), obj)]
    return tuple(out)


def declared_backfills(old: Model, raw: Model) -> tuple[Backfill, ...]:
    """The ``backfill:`` expressions of the spec model ``raw`` that run after state ``old``: those of
    columns added to a table ``old`` holds (under its name or the one it is renamed from). A new
    table has no rows to fill. They are recorded with the migration that adds the columns."""
    out: list[Backfill] = []
    for oid in raw.order:
        obj = raw.objects[oid]
        if not isinstance(obj, m.TableIR) or not any(c.backfill is not None for c in obj.columns):
            continue
        before = old.objects.get(oid)
        if before is None and obj.renamed_from:
            before = old.objects.get(dataclasses.replace(oid, name=obj.renamed_from))
        if not isinstance(before, m.TableIR):
            continue
        names = {c.name for c in before.columns}
        out += [(oid, c.name, c.backfill) for c in obj.columns
                if c.backfill is not None and c.name not in names and c.renamed_from not in names]
    return tuple(out)


def apply_backfills(state: Model, backfills: tuple[Backfill, ...]) -> Model:
    """``state`` with the columns' ``backfill`` set as ``backfills`` say (what the planner reads)."""
    if not backfills:
        return state
    objects = dict(state.objects)
    for oid, column, expression in backfills:
        obj = objects.get(oid)
        if isinstance(obj, m.TableIR):
            objects[oid] = dataclasses.replace(obj, columns=tuple(
                dataclasses.replace(c, backfill=expression) if c.name == column else c for c in obj.columns))
    return dataclasses.replace(state, objects=MappingProxyType(objects))


def apply_renames(state: Model, renames: tuple[Rename, ...]) -> Model:
    """``state`` with ``renamed_from`` set as ``renames`` say (what the planner reads)."""
    if not renames:
        return state
    objects = dict(state.objects)
    for oid, column, old_name in renames:
        obj = objects.get(oid)
        if obj is None:
            continue
        if column is None:
            objects[oid] = dataclasses.replace(obj, renamed_from=old_name)
        elif isinstance(obj, m.TableIR):
            objects[oid] = dataclasses.replace(obj, columns=tuple(
                dataclasses.replace(c, renamed_from=old_name) if c.name == column else c for c in obj.columns))
        elif "apply_part_rename" in kind_def(oid.kind).hooks:
            objects[oid] = kind_def(oid.kind).hooks["apply_part_rename"](obj, column, old_name)
    return dataclasses.replace(state, objects=MappingProxyType(objects))


def _dumps(data: Any) -> str:
    """Deterministic JSON: two-space indent, sorted keys, UTF-8 text, a final LF.

    orjson with ``OPT_INDENT_2 | OPT_SORT_KEYS`` writes the same bytes as ``json.dumps(indent=2,
    sort_keys=True, ensure_ascii=False)`` for what a history holds (strings, integers, booleans,
    null, lists and string-keyed objects: the ir has no floats); anything orjson refuses (an
    integer beyond 64 bits, a lone surrogate) goes through the stdlib encoder.
    """
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
        except TypeError:
            pass
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _dumps_bytes(data: Any) -> bytes:
    """:func:`_dumps` as UTF-8, without the final LF."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _loads(text: str) -> Any:
    """Parse a history file (orjson when it can, else the stdlib: same values)."""
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _entry_data(entry: Entry, objects: list[dict[str, Any]]) -> dict[str, Any]:
    info = entry.info
    return {
        "format": FORMAT,
        "migration": {"number": info.number, "name": info.name, "rollback_name": info.rollback_name,
                      "description": info.description, "online": entry.online},
        "objects": objects,
        "renames": [{"id": _oid(oid), "column": col, "from": old} for oid, col, old in entry.renames],
        # only when there are some: the files of migrations without one stay as they were
        **({"backfills": [{"id": _oid(oid), "column": col, "expression": sql} for oid, col, sql in entry.backfills]}
           if entry.backfills else {}),
    }


def entry_text(entry: Entry) -> str:
    """The history file of ``entry`` (deterministic JSON)."""
    return _dumps(_entry_data(entry, state_to_list(entry.state)))


_OBJECTS_AT = b'\n  "objects": []'  # where the objects go in the file's frame (top level: keys are sorted)
_STREAM_BATCH = 256  # objects encoded per chunk


def entry_chunks(entry: Entry) -> Iterator[bytes]:
    """The bytes of :func:`entry_text`, a few hundred objects at a time, holding neither the text
    nor (unless the state already has it) the stored form: the first history of a 1,000-table spec
    is a 10 MB text of 10,000 objects, which kept whole with its stored form was +26 MiB at the peak
    of a ``generate``.

    The frame (everything but the objects) is encoded with an empty object list; each object is
    encoded alone, as :func:`_dumps` would nest it (four more spaces after every line break: JSON
    strings hold no raw line break), and put where the empty list was."""
    frame = _dumps_bytes(_entry_data(entry, [])) + b"\n"
    at = frame.index(_OBJECTS_AT) + len(_OBJECTS_AT) - 1  # at the "]"
    state = entry.state
    stored = cast("list[dict[str, Any]] | None", state._index.get("history"))
    if stored is not None:
        items: Iterable[dict[str, Any]] = stored
        count = len(stored)
    else:
        items = (object_to_dict(state.objects[i], state.deps.get(i, frozenset())) for i in state.order)
        count = len(state.order)
    if not count:
        yield frame
        return
    yield frame[:at]
    batch: list[bytes] = []
    for n, item in enumerate(items):
        batch.append(b"\n    " + _dumps_bytes(item).replace(b"\n", b"\n    "))
        if len(batch) == _STREAM_BATCH or n == count - 1:
            yield b",".join(batch) + (b"\n  " if n == count - 1 else b",")
            batch = []
    yield frame[at:]


def entry_from_text(text: str, where: str, *, canonical: bool = False) -> Entry:
    """The entry a history file holds; CorruptHistory (located at ``where``) when it holds none.

    ``canonical``: ``text`` is known to be exactly what :func:`entry_text` writes for the entry
    (an earlier run with the same code proved it: :func:`load_history`'s cache); its objects are
    then kept as the state's stored form, so writing the file again does not recompute them, and
    decoded into ir objects only when first used (:func:`lazy_state`).
    """
    try:
        data = _loads(text)
        if not isinstance(data, dict):
            raise TypeError(f"a JSON object was expected, not {type(data).__name__}")
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        mi = data["migration"]
        info = MigrationInfo(number=int(mi["number"]), name=mi["name"], rollback_name=mi["rollback_name"],
                             description=mi.get("description"))
        renames = tuple((_from_oid(r["id"]), r.get("column"), r["from"]) for r in data.get("renames", ()))
        backfills = tuple((_from_oid(b["id"]), str(b["column"]), str(b["expression"]))
                          for b in data.get("backfills", ()))
        if canonical:  # decoded when first used: the text decoded without error before
            state = lazy_state(data["objects"])
        else:
            state = state_from_list(data["objects"])
        return Entry(info, state, bool(mi.get("online", False)), renames, backfills)
    except json.JSONDecodeError as exc:
        raise CorruptHistory(f"{where}:{exc.lineno}:{exc.colno}: not a schemagen history file ({exc.msg})") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise CorruptHistory(f"{where}: not a schemagen history file ({type(exc).__name__}: {exc})") from None


def _read_entry(path: Path, cache: Cache | None = None) -> Entry:
    """The entry of the history file ``path``; CorruptHistory when it is not UTF-8 JSON of one.

    With ``cache``, a text an earlier run found canonical (written back byte for byte) is read as
    such; one not known yet is checked now (its stored form is computed once either way) and
    recorded when it is."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorruptHistory(f"{path}: cannot read the history file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CorruptHistory(f"{path}:{line}:{col}: not a schemagen history file "
                             f"(not UTF-8 text: byte 0x{data[exc.start]:02x})") from None
    if cache is None or not cache.enabled:
        return entry_from_text(text, str(path))
    # cache hook (generator/cache.py): the key proves the text, the code that reads and writes it
    key = _canonical_key(cache, text)
    if cache.get(key) is True:
        entry = entry_from_text(text, str(path), canonical=True)
    else:
        entry = entry_from_text(text, str(path))
        if entry_text(entry) != text:
            return entry  # hand-edited or older: its state may hold what its text does not say
        cache.put(key, True)
    entry.state._index[CANONICAL] = True
    return entry


def history_digest(text: str) -> str:
    """The digest of a history text, the cache's one name for it (its canonical record here, and
    the migrations rendered from it: generator/pipeline.py): a plain SHA-256 of its bytes, so that
    a streamed text is hashed as it is written, its size not known before."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_key(cache: Cache, text: str) -> str:
    return _canonical_key_of(cache, history_digest(text))


def _canonical_key_of(cache: Cache, digest: str) -> str:
    """The cache key saying that the history text of this :func:`history_digest` is canonical."""
    return cache.key("canonical history", digest)


def remember_canonical(cache: Cache, entry: Entry, text: str) -> None:
    """Record in ``cache`` that ``text``, the history file just written for ``entry``, is canonical
    (``migrate``: its new entry's state is normalized, so reading the text back gives it exactly),
    so that the next run reads it lazily instead of decoding it to prove it."""
    if entry.state._index.get(CANONICAL) and text == entry_text(entry):
        cache.put(_canonical_key(cache, text), True)


def remember_first_history(cache: Cache, files: list[GeneratedFile],
                           hashed: Callable[[str, str], None] | None = None) -> list[GeneratedFile]:
    """Record in ``cache`` that the history ``files`` a ``generate`` without a history writes
    (from the spec's ``migrations:`` blocks, :func:`initial_history`) are canonical, so that the
    next full run (``check`` after an edit, ``migrate``) reads them lazily instead of decoding
    them to prove it; ``check`` never writes the cache, so it would pay that proof every time.

    A spec state's text reads back to the same text (the round trip :func:`normalize` relies on;
    ``tests/test_cache.py`` checks it on every golden case), so no decode is needed to know it.
    Returns the files to write: a streamed one (never held whole, :func:`history_files`) is hashed
    as its chunks are written, and recorded once every byte went through (``Cache.save`` comes after
    ``out/`` is written); making its text here to hash it was +20 MiB and a second encoding.

    ``hashed(file name, history_digest of its text)`` is called when a file's digest is known (a
    streamed one: once all its bytes went through): the migrations rendered from the spec are then
    cached under the keys a run reading this history computes (generator/pipeline.py)."""
    if not cache.enabled:
        return files
    out: list[GeneratedFile] = []
    for f in files:
        if isinstance(f, StreamedFile):
            out.append(StreamedFile(f.name, functools.partial(_recorded_when_written, cache, f, hashed), f.size))
        else:
            digest = history_digest(f.text)
            cache.put(_canonical_key_of(cache, digest), True)
            if hashed is not None:
                hashed(f.name, digest)
            out.append(f)
    return out


def _recorded_when_written(cache: Cache, f: StreamedFile,
                           hashed: Callable[[str, str], None] | None = None) -> Iterator[bytes]:
    h = hashlib.sha256()  # history_digest's hash, of the text's UTF-8 bytes as they are written
    for chunk in f.chunks():
        h.update(chunk)
        yield chunk
    digest = h.hexdigest()
    cache.put(_canonical_key_of(cache, digest), True)  # only when every byte went through
    if hashed is not None:
        hashed(f.name, digest)


# --- the history of an out/ folder ----------------------------------------------------------------


def load_history(out: str | Path | None, cache: Cache | None = None) -> list[Entry]:
    """Every history entry in ``out`` (oldest first); empty when there is none yet (``cache``:
    see :func:`_read_entry`)."""
    if out is None:
        return []
    folder = Path(out) / HISTORY_DIR
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.iterdir()):
        if _FILE.match(path.name):
            entries.append(_read_entry(path, cache))
    entries.sort(key=lambda e: e.info.number)
    numbers = [e.info.number for e in entries]
    if len(set(numbers)) != len(numbers):
        raise HistoryError(f"{folder}: two history files share a migration number")
    return entries


def initial_history(model: Model, *, states: bool = True) -> list[Entry]:
    """The first history: one entry per ``migrations:`` block of the spec.

    ``states=False`` when the entries only serve to write their files (``generate`` without a
    history): each keeps the spec's state, whose file is the same text (:func:`entry_chunks` makes
    it when it is written), without reading that form back into a database state (a tenth of a
    1,000-table generate).
    """
    def state(number: int) -> Model:
        return normalize(model.until(number)) if states else model.until(number)

    return [Entry(dataclasses.replace(info, pos=m.NOWHERE), state(info.number)) for info in model.migrations]


def history_files(entries: list[Entry], *, streamed: bool = False) -> list[GeneratedFile]:
    """The history file of each entry; ``streamed``: encoded when written, never held whole
    (:func:`entry_chunks`; ``generate``'s first history, whose states nothing reads back)."""
    if streamed:
        return [StreamedFile(e.file_name, functools.partial(entry_chunks, e)) for e in entries]
    return [GeneratedFile(e.file_name, entry_text(e)) for e in entries]


def history_plans(entries: list[Entry], planned: Mapping[int, Plan] | None = None) -> list[tuple[int, Plan]]:
    """The plan of each migration, from the states before and after it.

    ``planned``: plans made already, by migration number (``migrate`` planned its new migration
    from the same states, renames and backfills: :func:`plan_next`, :meth:`Next.planned`)."""
    out, before = [], EMPTY
    for e in entries:
        known = planned.get(e.info.number) if planned else None
        if known is None:
            after = apply_backfills(apply_renames(e.state, e.renames), e.backfills)
            known = plan(before, after, online=e.online)
        out.append((e.info.number, known))
        before = e.state
    return out


def state_changes(old: Model, new: Model, limit: int = 5) -> list[str]:
    """``table public.x changed`` … for up to ``limit`` objects that differ."""
    out = [f"{i} added" for i in new.order if i not in old.objects]
    out += [f"{i} removed" for i in old.order if i not in new.objects]
    out += [f"{i} changed" for i in new.order if i in old.objects and old.objects[i] != new.objects[i]]
    return out[:limit] + ([f"and {len(out) - limit} more"] if len(out) > limit else [])


def _stored_changes(old: list[dict[str, Any]], new: list[dict[str, Any]], limit: int = 5) -> list[str]:
    """:func:`state_changes` of two states in their stored form (no state decoded): an object is
    changed when its type or fields differ (its dependencies are not compared, as ir objects are not)."""
    def key(d: dict[str, Any]) -> tuple[Any, ...]:
        return d["kind"], d["schema"], d["name"], d.get("table"), tuple(d.get("args", ()))

    before = {key(i["id"]): i for i in old}
    after = {key(i["id"]): i for i in new}
    out = [f"{_from_oid(i['id'])} added" for k, i in after.items() if k not in before]
    out += [f"{_from_oid(i['id'])} removed" for k, i in before.items() if k not in after]
    out += [f"{_from_oid(i['id'])} changed" for k, i in after.items()
            if k in before and (before[k]["type"], before[k]["fields"]) != (i["type"], i["fields"])]
    return out[:limit] + ([f"and {len(out) - limit} more"] if len(out) > limit else [])


def require_recorded(state: Model, entries: list[Entry], spec_name: str) -> None:
    """Raise when ``state`` (the spec's model, or its normalized state: both store the same
    list) differs from the state after the last migration. Both are compared in their stored
    form, which also names the changes: no state is decoded (the round trip was a tenth of a
    1,000-table ``generate``, and a history state read lazily stays undecoded)."""
    last = entries[-1]
    new, old = state_to_list(state), state_to_list(last.state)
    if new == old:
        return
    changes = "; ".join(_stored_changes(old, new))
    raise UnrecordedChanges([Problem(None, f"{spec_name} has changes no migration records yet ({changes})",
                             f"run `schemagen migrate --name <name>` to write migration "
                             f"{last.info.number + 1:03d} and its rollback")])


# --- the history stage: what generate renders, and what migrate appends ----------------------------


def history_for(model: Model, entries: list[Entry], spec_name: str, planned: Mapping[int, Plan] | None = None
                ) -> tuple[list[Entry], list[tuple[int, Plan]], Model]:
    """The history a ``generate`` of ``model`` renders, the plan of each of its migrations, and the
    model with the history's migrations.

    With ``entries`` (read from ``out/``) every released migration is rendered from them, and the
    spec must have no change they do not record (:class:`UnrecordedChanges`). Without, the first
    history comes from the spec's ``migrations:`` blocks (its files are written too). ``planned``:
    see :func:`history_plans`.
    """
    if entries:
        require_recorded(model, entries, spec_name)  # normalizes only to name a difference
        return entries, history_plans(entries, planned), dataclasses.replace(
            model, migrations=tuple(e.info for e in entries))
    # the same plans initial_history() records; only written, so no state is read back
    return initial_history(model, states=False), migration_plans(model), model


@dataclass(frozen=True, slots=True)
class Next:
    """The change from the last migration of a history to a spec: what ``migrate`` appends."""

    #: the history it follows (the first one from the spec's blocks when ``out/`` had none)
    history: list[Entry]
    #: the spec's database state (the new entry's state)
    state: Model
    #: the plan from the last migration's state to ``state``, for a live database
    plan: Plan
    renames: tuple[Rename, ...]
    backfills: tuple[Backfill, ...]

    def entry(self, info: MigrationInfo) -> Entry:
        """The history entry of this change, recorded as migration ``info``."""
        return Entry(info, self.state, online=True, renames=self.renames, backfills=self.backfills)

    def planned(self, info: MigrationInfo) -> dict[int, Plan]:
        """:attr:`plan` as :func:`history_plans` plans :meth:`entry` after :attr:`history`: the same
        states before and after, renames, backfills and ``online``, so it is not planned twice."""
        return {info.number: self.plan}


def plan_next(entries: list[Entry], model: Model) -> Next:
    """The next migration of ``entries`` (or of the first history of ``model``) for the spec's
    ``model``: its state, the renames and backfills it performs, and its plan for a live database."""
    history = entries or initial_history(model)
    state = normalize(model)
    decode_sharing(history[-1].state, state)  # a lazy last state: what the edit left alone is not decoded
    renames = declared_renames(history[-1].state, model)
    backfills = declared_backfills(history[-1].state, model)
    after = apply_backfills(apply_renames(state, renames), backfills)
    return Next(history, state, plan(history[-1].state, after, online=True), renames, backfills)
