"""Template filters for sequences and the columns that own one (identity, serial, ``owned_by``)."""

from __future__ import annotations

from ..ir.model import Column, SequenceIR, TableIR
from ..ir.serial import column_type, effective_start, serial_base
from ..quoting import quote_literal, quote_qualified


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
        return quote_qualified(table.id.schema, f"{table.id.name}_{c.name}_seq")
    if c.owned_sequence is not None:
        return quote_qualified(table.id.schema, c.owned_sequence)
    return None


def serial_default(table: TableIR, c: Column) -> str:
    """A serial column's default, as Postgres writes it: ``nextval('schema.table_col_seq'::regclass)``."""
    return f"nextval({quote_literal(quote_qualified(table.id.schema, f'{table.id.name}_{c.name}_seq'))}::regclass)"


def is_serial(c: Column) -> bool:
    """Whether the column is serial (its sequence is created and owned with it)."""
    return serial_base(c.type) is not None


FILTERS = {"sequence_options": sequence_options, "column_sequence": column_sequence, "column_type": column_type,
           "serial_default": serial_default, "is_serial": is_serial}



