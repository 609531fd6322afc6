"""Sequence options and serial columns: what Postgres would refuse is a located spec error."""

from __future__ import annotations

from pathlib import Path

from tests.test_errors import errors_of

SPEC = """\
migrations:
  - number: 1
    name: init
    sequences:
      - {name: a, increment: 0}
      - {name: b, type: smallint, maxvalue: 40000}
      - {name: c, minvalue: 10, maxvalue: 10}
      - {name: d, minvalue: 10, start: 5}
      - {name: e, owned_by: t.nope}
      - {name: f, owned_by: other.t.id}
      - {name: g, owned_by: t.id}
    tables:
      - name: t
        columns:
          - {name: id, type: serial, default: "1"}
          - {name: n, type: integer, sequence_grants: [{privileges: [usage], to: [anon]}]}
"""


def test_sequence_option_and_serial_errors_are_located(tmp_path: Path) -> None:
    assert errors_of(tmp_path, SPEC) == [
        "schema.yaml:5:30: sequence 'a': INCREMENT must not be zero",
        "schema.yaml:6:45: sequence 'b': maxvalue 40000 is out of range for a sequence of type smallint",
        "schema.yaml:7:29: sequence 'c': MINVALUE (10) must be less than MAXVALUE (10)",
        "schema.yaml:8:40: sequence 'd': START value (5) must lie between MINVALUE (10) and MAXVALUE "
        "(9223372036854775807)",
        "schema.yaml:9:29: sequence 'e' is owned by unknown column public.t.nope\n"
        "    hint: name a column of a table of the spec, in the sequence's schema",
        "schema.yaml:10:29: sequence 'f': a sequence is owned by a column of a table in its own schema "
        "(public), not other",
        "schema.yaml:11:29: sequence 'g': column t.id already owns a sequence",
        "schema.yaml:15:30: column 'id': a serial column's default is its sequence; it takes no default, "
        "identity or generated",
        "schema.yaml:16:55: column 'n': `sequence_grants` needs an identity or serial column (its sequence)",
    ]


def test_storage_and_compression_on_a_fixed_length_type_are_errors(tmp_path: Path) -> None:
    assert errors_of(tmp_path, """\
migrations:
  - number: 1
    name: init
    tables:
      - name: t
        columns:
          - {name: id, type: bigint, primary_key: true, storage: external}
          - {name: at, type: timestamptz, compression: pglz}
          - {name: ok, type: integer, storage: plain}
""") == [
        "schema.yaml:7:66: column 'id': a bigint column can only have storage plain",
        "schema.yaml:8:56: column 'at': a timestamptz column is fixed-length: it takes no compression",
    ]
