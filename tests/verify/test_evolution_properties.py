"""Property-based evolution: random specs, random edit sequences, each step proven on real Postgres.

For every example hypothesis draws a schema (tables with random column types, checks, plain,
expression and partial indexes, column grants, policies, triggers, STORED generated columns, an
enum, a domain, a composite type, views and a view over a view, functions) and a sequence of
everyday edits (add, drop, rename or retype a column; add an enum value; change the domain's NOT
NULL, default or checks, or rename it; add, drop or rename a text domain with a collation; add,
drop, retype or rename an attribute of the composite type; change a check, policy, view or
function; add or drop an index; add or drop a table; grow, shrink or default a monthly-partitioned
table; move the bounds of a list-partitioned one; let the API roles join or leave
``privileges.revoke_from``; add, drop or re-point (`from:`) a constraint trigger; set, change or
remove the comment of a primary key, check or exclusion constraint). Each
edit is recorded with ``schemagen migrate`` (destructive changes allowed), applied, rolled back —
the catalog must come back exactly — and re-applied. At
the end the chain's catalog must equal a fresh build of the final spec, apart from column order.

A failure shows the seed, and the spec before and after the failing edit (hypothesis shrinks
them first). ``SCHEMAGEN_HYPOTHESIS_EXAMPLES`` sets the number of examples (15 by default, what
CI runs; ``SCHEMAGEN_HYPOTHESIS_NEWER_EXAMPLES``, 6 by default, for the short run of chains of
6 newer edits); ``SCHEMAGEN_HYPOTHESIS_SEED`` fixes the seed. The long
run is in the README.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generator.ir.model import TableIR
from generator.migrate import NothingToMigrate, migrate
from generator.output import write_out
from generator.pipeline import generate
from generator.plan.ops import AddColumn, DropColumn, DropObject
from generator.verify.backends import Server
from generator.verify.snapshot import diff_snapshots, take_snapshot
from tests.verify.evolution_model import (
    DOMAIN,
    NUMERIC,
    OTHER,
    TEXTUAL,
    WIDEN,
    Col,
    Function,
    Schema,
    Seq,
    Table,
    View,
    drop_column,
    drop_table,
    family,
    render,
)
from tests.verify.test_evolution_verify import _build, _run

EXAMPLES = int(os.environ.get("SCHEMAGEN_HYPOTHESIS_EXAMPLES", "15"))
#: CI runs a fixed seed (the same examples every time); ``random`` draws a new one per run.
_SEED_TEXT = os.environ.get("SCHEMAGEN_HYPOTHESIS_SEED", "20261130")
SEED = int.from_bytes(os.urandom(4), "big") if _SEED_TEXT == "random" else int(_SEED_TEXT)
MAX_EDITS = int(os.environ.get("SCHEMAGEN_HYPOTHESIS_EDITS", "4"))
#: The newer edits (and those they meet: renamed and dropped tables, changed checks) get a short run
#: of longer chains of their own, so that the fixed seed exercises each of them more than once.
NEWER = ("collated_domain", "constraint_trigger", "constraint_comment", "rename_table", "drop_table", "check")
NEWER_EDITS = 6
NEWER_EXAMPLES = int(os.environ.get("SCHEMAGEN_HYPOTHESIS_NEWER_EXAMPLES", "6"))
TYPES = NUMERIC + TEXTUAL + OTHER + ("mood", DOMAIN)


def _column(draw: st.DrawFn, s: Schema, *, nullable: bool = True) -> Col:
    key = s.key()
    t = draw(st.sampled_from(TYPES))
    return Col(key, f"c{key}", t, nullable=nullable or draw(st.booleans()),
               unique=t != "boolean" and draw(st.integers(0, 4)) == 0)


def _table(draw: st.DrawFn, s: Schema) -> Table:
    """A table with 1-4 columns and, at random, what can name them."""
    key = s.key()
    t = Table(key, f"t{key}", [_column(draw, s, nullable=False) for _ in range(draw(st.integers(1, 4)))])
    nums = [c for c in t.cols if c.type in ("smallint", "integer")]
    if nums and draw(st.booleans()):
        g = s.key()
        t.cols.append(Col(g, f"g{g}", "numeric", gen_of=draw(st.sampled_from(nums)).key))
    plain = [c for c in t.cols if c.gen_of is None]
    for _ in range(draw(st.integers(0, 2))):
        c = draw(st.sampled_from(t.cols))
        t.checks.append((f"k{s.key()}", c.key, draw(st.integers(0, 5))))
    for _ in range(draw(st.integers(0, 2))):
        c = draw(st.sampled_from(t.cols))
        kinds = ("plain", "lower", "partial") if family(c.type) == "text" else ("plain", "partial")
        kind = draw(st.sampled_from(kinds))
        t.indexes.append((f"i{s.key()}", kind, c.key))
    for _ in range(draw(st.integers(0, 2))):
        c = draw(st.sampled_from(t.cols + [None]))  # type: ignore[operator]
        t.policies.append((f"p{s.key()}", c.key if c else None, draw(st.integers(0, 5))))
    if draw(st.booleans()):
        t.triggers.append((f"tr{s.key()}", None))
    if draw(st.booleans()):
        t.triggers.append((f"tr{s.key()}", draw(st.sampled_from(plain)).key))
    if draw(st.booleans()):
        t.grant_cols = sorted({draw(st.sampled_from(plain)).key for _ in range(draw(st.integers(1, 2)))})
    return t


def _view(draw: st.DrawFn, s: Schema, t: Table) -> View:
    cols = [c.key for c in t.cols if draw(st.booleans())]
    where = draw(st.sampled_from([None] + [c.key for c in t.cols]))
    key = s.key()
    return View(f"v{key}", t.key, cols, where, draw(st.integers(0, 3)),
                over=f"w{key}" if draw(st.booleans()) else None)


@st.composite
def schemas(draw: st.DrawFn) -> Schema:
    s = Schema()
    s.tables = [_table(draw, s) for _ in range(draw(st.integers(1, 2)))]
    for t in s.tables:
        if draw(st.booleans()):
            s.views.append(_view(draw, s, t))
        if draw(st.booleans()):
            c = draw(st.sampled_from([None] + t.cols))  # type: ignore[operator]
            s.functions.append(Function(f"f{s.key()}", t.key, c.key if c else None))
    return s


def edit(draw: st.DrawFn, s: Schema, only: tuple[str, ...] = ()) -> str:
    """Apply one random everyday edit to ``s`` (in place), of the kinds ``only`` names when given;
    returns what it did."""
    t = draw(st.sampled_from(s.tables))
    kinds = ["add_column", "enum_value", "add_index", "add_table", "policy", "check", "view", "function",
             "rename_table", "sequence", "exclude", "domain", "composite", "partitions", "partition_bounds",
             "privileges", "collated_domain", "constraint_trigger", "constraint_comment"]
    if t.cols:
        kinds += ["drop_column", "rename_column", "retype", "grant", "unique", "serial", "storage"]
    if t.indexes:
        kinds.append("drop_index")
    if len(s.tables) > 1:
        kinds.append("drop_table")
    if only:
        kinds = [k for k in kinds if k in only]
    kind = draw(st.sampled_from(kinds))
    if kind == "partitions":  # the next month, the first month dropped, the default partition on or off
        what = draw(st.sampled_from(["next", "drop_first", "default"]))
        if what == "next" or (what == "drop_first" and s.plog_months[1] - s.plog_months[0] < 2):
            s.plog_months[1] += 1
            return "plog: the next month's partition"
        if what == "drop_first":
            s.plog_months[0] += 1
            return "plog: the first month's partition dropped"
        s.plog_default = not s.plog_default
        return f"plog: default partition {'added' if s.plog_default else 'dropped'}"
    if kind == "partition_bounds":  # a kind moves from one partition of pcat to the other
        s.pcat_split += draw(st.sampled_from([-1, 1])) if 1 < s.pcat_split < 3 else (1 if s.pcat_split == 1 else -1)
        return f"pcat: its first partition takes {s.pcat_split} kinds"
    if kind == "privileges":  # the API roles join or leave privileges.revoke_from
        s.revoke_api = not s.revoke_api
        return f"revoke_from: {'PUBLIC and the API roles' if s.revoke_api else 'PUBLIC only'}"
    if kind == "add_column":
        c = _column(draw, s)
        t.cols.append(c)
        return f"add column {t.name}.{c.name} {c.type}"
    if kind == "drop_column":
        c = draw(st.sampled_from(t.cols))
        drop_column(s, t, c.key)
        return f"drop column {t.name}.{c.name}"
    if kind == "rename_column":
        c = draw(st.sampled_from(t.cols))
        c.renamed_from, c.name = c.name, f"r{s.key()}"
        return f"rename column {t.name}.{c.renamed_from} to {c.name}"
    if kind == "serial":
        options = [c for c in t.cols if c.type in ("integer", "bigint") and c.gen_of is None]
        if not options:
            return "nothing"
        c = draw(st.sampled_from(options))
        c.serial = not c.serial
        return f"{'make' if c.serial else 'unmake'} {t.name}.{c.name} serial"
    if kind == "storage":
        options = [c for c in t.cols if family(c.type) == "text"]
        if not options:
            return "nothing"
        c = draw(st.sampled_from(options))
        c.storage = draw(st.sampled_from((None, "external", "main", "extended")))
        c.compression = draw(st.sampled_from((None, "pglz")))
        return f"storage of {t.name}.{c.name}: {c.storage} {c.compression}"
    if kind == "sequence":
        if not s.sequences or draw(st.integers(0, 2)) == 0:
            s.sequences.append(Seq(f"s{s.key()}"))
            q, verb = s.sequences[-1], "add"
        else:
            q, verb = draw(st.sampled_from(s.sequences)), "change"
        q.type = draw(st.sampled_from(("integer", "bigint")))
        q.increment = draw(st.sampled_from((1, 2, 5)))
        q.minvalue = draw(st.sampled_from((None, -100, 1)))
        q.maxvalue = draw(st.sampled_from((None, 1000, 100000)))
        q.start = draw(st.sampled_from((None, 1, 50)))
        q.cache = draw(st.sampled_from((1, 10)))
        q.cycle = draw(st.booleans())
        if q.minvalue == -100 and q.start is None:
            q.start = 1  # START defaults to MINVALUE: keep a value later bounds accept (ALTER keeps it)
        return f"{verb} sequence {q.name}: {q}"
    if kind == "retype":
        options = [c for c in t.cols if c.type in WIDEN and c.gen_of is None
                   and not (c.serial and WIDEN[c.type][0] != "bigint")]
        if not options:
            return "nothing"
        c = draw(st.sampled_from(options))
        old, c.type = c.type, draw(st.sampled_from(WIDEN[c.type][:1] if c.serial else WIDEN[c.type]))
        return f"retype {t.name}.{c.name} {old} -> {c.type}"
    if kind == "rename_table":
        t.renamed_from, t.name = t.name, f"t{s.key()}"
        return f"rename table {t.renamed_from} to {t.name}"
    if kind == "grant":
        plain = [c.key for c in t.cols if c.gen_of is None]
        t.grant_cols = sorted(set(draw(st.lists(st.sampled_from(plain), max_size=2)))) if plain else []
        return f"column grants of {t.name}: {t.grant_cols}"
    if kind == "unique":
        c = draw(st.sampled_from([c for c in t.cols]))
        c.unique = not c.unique
        return f"{'add' if c.unique else 'drop'} unique on {t.name}.{c.name}"
    if kind == "domain":
        return _edit_domain(draw, s)
    if kind == "collated_domain":
        return _edit_collated_domain(draw, s)
    if kind == "constraint_trigger":
        return _edit_constraint_trigger(draw, s, t)
    if kind == "constraint_comment":  # the primary key's, a check's or an exclusion constraint's
        names = ["pkey"] + [n for n, _, _ in t.checks] + [n for n, _, _ in t.excludes]
        # one with a comment first (hypothesis favours it): each is set, then changed, then removed
        target = draw(st.sampled_from(sorted(names, key=lambda n: n not in t.comments)))
        if t.comments.get(target, "").startswith("changed"):
            del t.comments[target]
            return f"comment on constraint {target} of {t.name} removed"
        t.comments[target] = f"{'changed' if target in t.comments else 'it' + chr(39) + 's'} note {s.key()}"
        return f"comment on constraint {target} of {t.name}: {t.comments[target]}"
    if kind == "composite":
        return _edit_composite(draw, s)
    if kind == "enum_value":
        at = draw(st.integers(0, len(s.enum_values)))
        value = f"v{len(s.enum_values)}"
        s.enum_values.insert(at, value)
        return f"add enum value {value} at {at}"
    if kind == "add_index":
        c = draw(st.sampled_from(t.cols)) if t.cols else None
        if c is None:
            return "nothing"
        t.indexes.append((f"i{s.key()}", draw(st.sampled_from(("plain", "partial"))), c.key))
        return f"add index on {t.name}.{c.name}"
    if kind == "drop_index":
        ix = draw(st.sampled_from(t.indexes))
        t.indexes.remove(ix)
        return f"drop index {ix[0]}"
    if kind == "add_table":
        s.tables.append(_table(draw, s))
        return f"add table {s.tables[-1].name}"
    if kind == "drop_table":
        drop_table(s, t)
        return f"drop table {t.name}"
    if kind == "policy":
        if not t.policies:
            t.policies.append((f"p{s.key()}", None, 0))
            return f"add policy on {t.name}"
        i = draw(st.integers(0, len(t.policies) - 1))
        n, k, b = t.policies[i]
        k = draw(st.sampled_from([None] + [c.key for c in t.cols]))
        t.policies[i] = (n, k, b + 1)
        return f"change policy {n}"
    if kind == "check":
        if not t.checks or not t.cols:
            if t.cols:
                t.checks.append((f"k{s.key()}", draw(st.sampled_from(t.cols)).key, 1))
            return f"add check on {t.name}"
        i = draw(st.integers(0, len(t.checks) - 1))
        n, k, b = t.checks[i]
        t.checks[i] = (n, k, b + 1)
        return f"change check {n}"
    if kind == "exclude":  # add one, make one partial or whole (a replace), or drop one
        if not t.excludes or draw(st.booleans()):
            if not t.cols:
                return "nothing"
            c = draw(st.sampled_from(t.cols))
            t.excludes.append((f"x{s.key()}", c.key, draw(st.booleans())))
            return f"add exclusion constraint on {t.name}.{c.name}"
        i = draw(st.integers(0, len(t.excludes) - 1))
        n, k, partial = t.excludes[i]
        if draw(st.booleans()):
            del t.excludes[i]
            return f"drop exclusion constraint {n}"
        t.excludes[i] = (n, k, not partial)
        return f"change exclusion constraint {n}"
    if kind == "view":
        mine = [v for v in s.views if v.table == t.key]
        if not mine:
            s.views.append(_view(draw, s, t))
            return f"add view {s.views[-1].name}"
        v = draw(st.sampled_from(mine))
        v.bound += 1
        if draw(st.booleans()):
            v.where = draw(st.sampled_from([None] + [c.key for c in t.cols]))
        return f"change view {v.name}"
    mine_f = [f for f in s.functions if f.table == t.key]
    if not mine_f:
        s.functions.append(Function(f"f{s.key()}", t.key, None))
        return f"add function {s.functions[-1].name}"
    f = draw(st.sampled_from(mine_f))
    f.bound += 1
    return f"change function {f.name}"


def _edit_domain(draw: st.DrawFn, s: Schema) -> str:
    """One change of the domain: NOT NULL, default, a check added, changed or dropped, a rename."""
    what = draw(st.sampled_from(["not_null", "default", "add_check", "change_check", "drop_check", "rename"]))
    if what == "not_null":
        s.domain_not_null = not s.domain_not_null
    elif what == "default":
        s.domain_default = not s.domain_default
    elif what == "add_check" or not s.domain_checks:
        s.domain_checks.append((f"dk{s.key()}", draw(st.integers(0, 5))))
    elif what == "change_check":
        i = draw(st.integers(0, len(s.domain_checks) - 1))
        name, bound = s.domain_checks[i]
        s.domain_checks[i] = (name, bound + 1)
    elif what == "drop_check":
        s.domain_checks.pop(draw(st.integers(0, len(s.domain_checks) - 1)))
    else:
        s.domain_renamed_from, s.domain_name = s.domain_name, f"d{s.key()}"
    return f"domain {s.domain_name}: {what}"


def _edit_collated_domain(draw: st.DrawFn, s: Schema) -> str:
    """A text domain with a collation added, dropped or renamed (its collation cannot change)."""
    what = draw(st.sampled_from(["rename", "drop", "add"]))  # hypothesis favours the first
    if what == "add" or not s.collated_domains:
        s.collated_domains.append([f"cd{s.key()}", draw(st.sampled_from(["C", "POSIX"])), None])
        return f"add domain {s.collated_domains[-1][0]} collate {s.collated_domains[-1][1]}"
    d = draw(st.sampled_from(s.collated_domains))
    if what == "drop":
        s.collated_domains.remove(d)
        return f"drop domain {d[0]}"
    d[2], d[0] = d[0], f"cd{s.key()}"
    return f"rename domain {d[2]} to {d[0]}"


def _edit_constraint_trigger(draw: st.DrawFn, s: Schema, t: Table) -> str:
    """A constraint trigger on ``t`` added (``from:`` another table or none), its ``from:`` changed,
    or dropped."""
    others = [o.key for o in s.tables if o is not t] + [None]
    if not t.ctriggers or draw(st.booleans()):
        t.ctriggers.append((f"ct{s.key()}", draw(st.sampled_from(others))))
        return f"add constraint trigger {t.ctriggers[-1][0]} on {t.name} from {t.ctriggers[-1][1]}"
    i = draw(st.integers(0, len(t.ctriggers) - 1))
    name, _ = t.ctriggers[i]
    if draw(st.booleans()):
        del t.ctriggers[i]
        return f"drop constraint trigger {name}"
    t.ctriggers[i] = (name, draw(st.sampled_from(others)))
    return f"constraint trigger {name} from {t.ctriggers[i][1]}"


def _edit_composite(draw: st.DrawFn, s: Schema) -> str:
    """One in-place change of the composite type: an attribute added at the end, the last one
    dropped, one retyped or renamed (its first attribute ``x`` is what the function reads)."""
    what = draw(st.sampled_from(["add", "drop_last", "retype", "rename"]))
    rest = s.composite[1:]
    if what == "drop_last" and rest:
        s.composite.pop()
    elif what == "retype" and rest:
        a = draw(st.sampled_from(rest))
        a[1] = {"integer": "bigint", "bigint": "numeric", "text": "varchar(40)"}.get(a[1], "text")
    elif what == "rename" and rest:
        a = draw(st.sampled_from(rest))
        a[2], a[0] = a[0], f"a{s.key()}"
    else:
        # not the enum: an enum rebuilt to insert a value would have to convert the attribute too
        s.composite.append([f"a{s.key()}", draw(st.sampled_from(["integer", "text"])), None])
    return f"composite pt: {what}"


def _check_chain(pg_server: Server, data: st.DataObject, only: tuple[str, ...] = (), edits: int = 0) -> None:
    """Draw a schema and a chain of edits (``edits`` of them, else 1 to MAX_EDITS); prove each step."""
    s = data.draw(schemas(), label="schema")
    with tempfile.TemporaryDirectory() as tmp, pg_server.new_database() as db, pg_server.new_database() as fresh_db:
        spec, out = Path(tmp) / "schema.yaml", Path(tmp) / "out"
        spec.write_text(render(s), encoding="utf-8")
        first = generate(spec, display="schema.yaml")
        write_out(out, first.files)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            _build(conn, first)
            for step in range(data.draw(st.integers(edits or 1, edits or MAX_EDITS), label="edits")):
                before_text = render(s)
                what = edit(data.draw, s, only)
                after_text = render(s)
                spec.write_text(after_text, encoding="utf-8")
                context = (f"seed {SEED} (SCHEMAGEN_HYPOTHESIS_SEED), step {step + 1}: {what}\n"
                           f"--- spec before ---\n{before_text}\n--- spec after ---\n{after_text}")
                try:
                    done = migrate(spec, out, f"step_{step + 1}", display="schema.yaml", allow_destructive=True)
                except NothingToMigrate:
                    s.settle()
                    continue
                files = {f.name: f.text for f in done.result.files}
                up, down = done.files
                context += f"\n--- {up} ---\n{files[up]}\n--- {down} ---\n{files[down]}"
                before = take_snapshot(conn)
                _checked(conn, up, files[up], context)
                after = take_snapshot(conn)
                _checked(conn, down, files[down], context)
                # a dropped (or re-added generated) column comes back last: Postgres cannot insert one
                # (and a dropped table comes back with its columns in the spec's order)
                moved = any(isinstance(op, DropColumn) or (isinstance(op, AddColumn) and op.readd)
                            or (isinstance(op, DropObject) and isinstance(op.obj, TableIR)) for op in done.plan.ops)
                diffs = diff_snapshots(before, take_snapshot(conn), ignore=("position",) if moved else ())
                assert not diffs, f"rollback is not exact: {[str(d) for d in diffs]}\n{context}"
                _checked(conn, up, files[up], context)
                diffs = diff_snapshots(after, take_snapshot(conn))
                assert not diffs, f"re-applying differs: {[str(d) for d in diffs]}\n{context}"
                s.settle()
                spec.write_text(render(s), encoding="utf-8")
            chain = take_snapshot(conn)
        with psycopg.connect(fresh_db.dsn, autocommit=True) as fresh_conn:
            _build(fresh_conn, generate(spec, display="schema.yaml"))
            diffs = diff_snapshots(take_snapshot(fresh_conn), chain, ignore=("position",))
        assert not diffs, f"the chain differs from a fresh build: {[str(d) for d in diffs]}\n{render(s)}"


def _checked(conn: psycopg.Connection, name: str, text: str, context: str) -> None:
    try:
        _run(conn, name, text)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{context}") from None


_settings = settings(max_examples=EXAMPLES, deadline=None, print_blob=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.function_scoped_fixture])


@pytest.mark.pg
@seed(SEED)
@_settings
@given(data=st.data())
def test_random_evolution_chains(pg_server: Server, data: st.DataObject) -> None:
    _check_chain(pg_server, data)


@pytest.mark.pg
@seed(SEED)
@settings(_settings, max_examples=NEWER_EXAMPLES)
@given(data=st.data())
def test_random_evolution_chains_of_the_newer_edits(pg_server: Server, data: st.DataObject) -> None:
    """Domains with a collation (added, dropped, renamed), constraint triggers (``from:`` added,
    changed, dropped, its table renamed or dropped) and constraint comments (set, changed, removed,
    kept through a rename and a replaced check)."""
    _check_chain(pg_server, data, NEWER, edits=NEWER_EDITS)
