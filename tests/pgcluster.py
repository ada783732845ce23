"""A throwaway PostgreSQL cluster and fresh databases in it, for the tests and the benchmarks.

:func:`cluster` starts one in a temporary folder on a free loopback port (trust auth, no
durability: fsync off) with Debian's server programs, as user ``postgres`` when run as root
(initdb refuses root), and stops and removes it at the end, whatever happens. Given a folder
(``keep``), the cluster lives there instead and outlives the run (stopped, not removed), so a
benchmark can reuse a large memory it made before.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["bindir", "cluster", "new_database"]


def bindir() -> Path | None:
    """Where PostgreSQL's server programs are: on PATH or under /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found is not None and shutil.which("pg_ctl") is not None:
        return Path(found).resolve().parent
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def cluster(keep: Path | None = None) -> Iterator[str]:
    """Start a cluster (in ``keep``, made there if it holds none, and left there at the end;
    else in a temporary folder); yield its admin URL (user postgres, database postgres).

    Raises:
        FileNotFoundError: PostgreSQL's server programs are not installed.
    """
    programs = bindir()
    if programs is None:
        raise FileNotFoundError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    folder = keep.resolve() if keep is not None else Path(tempfile.mkdtemp(prefix="untm-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:  # initdb refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    port = _free_port()
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    initdb = [str(programs / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    if not (data / "PG_VERSION").is_file():
        subprocess.run(
            [*run_as, *initdb, "-E", "UTF8", "--locale=C", "--no-sync"],
            **quiet,  # type: ignore[call-overload]
        )
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [str(programs / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [*run_as, *pg_ctl, "-l", str(folder / "log"), "-o", options, "-w", "start"],
            **quiet,  # type: ignore[call-overload]
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, *pg_ctl, "-m", "immediate" if keep is None else "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count(1)


@contextmanager
def new_database(admin_url: str) -> Iterator[str]:
    """The URL of a new, empty database (UTF-8) of the cluster, dropped at the end."""
    import psycopg

    name = f"untm_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
