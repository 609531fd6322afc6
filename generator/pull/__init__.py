"""``schemagen pull``: read a live database's catalog into a schema.yaml (and ``diff`` against one).

One module per object kind under :mod:`generator.pull.kinds` holds its catalog query and its
conversion into the spec's YAML shape; :mod:`.emit` assembles and prints the spec; :mod:`.run`
connects, writes the files and generates ``out/``.
"""

from .catalog import Unsupported
from .run import ConnectError, Pulled, PullError, UnsupportedObjects, pull, pull_sql, read_database

__all__ = ["ConnectError", "PullError", "Pulled", "Unsupported", "UnsupportedObjects", "pull", "pull_sql",
           "read_database"]
