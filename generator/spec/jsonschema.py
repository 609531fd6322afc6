"""The JSON Schema of ``schema.yaml``, generated from the spec models (for editors and CI).

Editors with a YAML language server (VS Code's YAML extension, JetBrains IDEs, Neovim) complete
keys, show each key's description and flag unknown ones when the spec starts with
``# yaml-language-server: $schema=<path or URL of schemagen.schema.json>``. The committed copy,
``schema/schemagen.schema.json``, is checked against these models by the test suite; ``schemagen
schema`` prints it.
"""

from __future__ import annotations

import json
from typing import Any

from .models import SpecFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMMITTED_PATH = "schema/schemagen.schema.json"  # in the repository, relative to its root


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a whole ``schema.yaml``, keys as written in YAML."""
    schema = SpecFile.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": SCHEMA_DIALECT, "title": "schemagen schema.yaml", **schema}


def spec_json_schema_text() -> str:
    """:func:`spec_json_schema` as the committed file's text: sorted keys, two-space indent, LF."""
    return json.dumps(spec_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
