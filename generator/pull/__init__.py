"""``schemagen pull``: read a live database's catalog into a schema.yaml (and ``diff`` against one).

One module per object kind under :mod:`generator.pull.kinds` holds its catalog query and its
conversion into the spec's YAML shape; :mod:`.emit` assembles and prints the spec; :mod:`.run`
connects, writes the files and generates ``out/``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import Unsupported
    from .run import ConnectError, Pulled, PullError, UnsupportedObjects, pull, pull_sql, read_database

#: Where each public name lives: imported on first use, so that loading the command line (which
#: registers ``pull``) does not import psycopg and the catalog readers for ``generate``.
_LAZY = {"Unsupported": ".catalog", **dict.fromkeys(
    ("ConnectError", "Pulled", "PullError", "UnsupportedObjects", "pull", "pull_sql", "read_database"), ".run")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["ConnectError", "PullError", "Pulled", "Unsupported", "UnsupportedObjects", "pull", "pull_sql",
           "read_database"]
