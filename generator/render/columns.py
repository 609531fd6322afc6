"""Template filters for column options: the sequence a column owns (identity, serial, ``owned_by``),
sequence options, and TOAST storage."""

from __future__ import annotations

from ..ir.model import Column, SequenceIR, TableIR
from ..ir.serial import column_type, effective_start, sequence_name, serial_base
from ..quoting import dollar_quote, quote_ident, quote_literal, quote_qualified


def sequence_options(seq: SequenceIR, alter: bool = False) -> str:
    """The options after ``CREATE SEQUENCE name`` (only those that differ from Postgres's defaults),
    or after ``ALTER SEQUENCE name`` (every one, so that the result does not depend on the state
    before: ``NO MINVALUE`` recomputes the default for the new type and direction)."""
    parts = [f"AS {seq.type}"]
    if alter or seq.start is not None:
        start = effective_start(seq.type, seq.increment, seq.minvalue, seq.maxvalue, seq.start)
        parts.append(f"START WITH {start}")
    parts.append(f"INCREMENT BY {seq.increment}")
    for word, value in (("MINVALUE", seq.minvalue), ("MAXVALUE", seq.maxvalue)):
        if value is not None:
            parts.append(f"{word} {value}")
        elif alter:
            parts.append(f"NO {word}")
    if alter or seq.cache != 1:
        parts.append(f"CACHE {seq.cache}")
    if alter or seq.cycle:
        parts.append("CYCLE" if seq.cycle else "NO CYCLE")
    return " ".join(parts)


def column_sequence(table: TableIR, c: Column) -> str | None:
    """Quoted name of the sequence a column owns: ``table_column_seq`` for an identity or serial
    column, its ``owned_by`` sequence, else None."""
    if c.identity or serial_base(c.type):
        return quote_qualified(table.id.schema, sequence_name(table.id.name, c.name))
    if c.owned_sequence is not None:
        return quote_qualified(table.id.schema, c.owned_sequence)
    return None


def serial_default(table: TableIR, c: Column) -> str:
    """A serial column's default, as Postgres writes it: ``nextval('schema.table_col_seq'::regclass)``."""
    return f"nextval({quote_literal(quote_qualified(table.id.schema, f'{table.id.name}_{c.name}_seq'))}::regclass)"


def is_serial(c: Column) -> bool:
    """Whether the column is serial (its sequence is created and owned with it)."""
    return serial_base(c.type) is not None


def storage_reset(table: TableIR, c: Column) -> str:
    """Give a column back its type's default storage. ``SET STORAGE DEFAULT`` needs PostgreSQL 16;
    this reads the type's ``typstorage`` from the catalog, so it runs on 15 too."""
    rel = quote_literal(quote_qualified(table.id.schema, table.id.name))
    body = (f"BEGIN\n    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', {rel}::regclass, "
            f"{quote_literal(c.name)},\n        (SELECT CASE t.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN "
            "'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END\n"
            "         FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid\n"
            f"         WHERE a.attrelid = {rel}::regclass AND a.attname = {quote_literal(c.name)}));\nEND")
    return f"DO {dollar_quote(body)};"


def column_options(table: TableIR, c: Column) -> list[str]:
    """``ALTER TABLE … ALTER COLUMN … SET STORAGE`` after the column is created (``STORAGE`` inside
    CREATE TABLE needs PostgreSQL 16)."""
    if c.storage is None:
        return []
    return [f"ALTER TABLE {quote_qualified(table.id.schema, table.id.name)} ALTER COLUMN {quote_ident(c.name)} "
            f"SET STORAGE {c.storage.upper()};"]


FILTERS = {"sequence_options": sequence_options, "column_sequence": column_sequence, "column_type": column_type,
           "serial_default": serial_default, "is_serial": is_serial, "storage_reset": storage_reset,
           "column_options": column_options}



