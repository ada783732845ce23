"""Shared fixtures: paths to the example and to ../shared (skipped with a reason when absent)."""

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

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letter"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def examples() -> Path:
    """``examples/letter`` of this repository."""
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip when it is not beside the checkout."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout (reference data lives there)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated_untm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Glossaries a user imported on this machine must not change what the tests see, nor
    may the tests leave match index files in the user's cache."""
    monkeypatch.setenv("UNTM_HOME", str(tmp_path / "untm-home"))
    monkeypatch.setenv("UNTM_INDEX_CACHE", str(tmp_path / "index-cache"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test item (``rep_call``), so that a fixture can tell in
    its teardown whether the test failed (the browser tests keep a screenshot then)."""
    report: pytest.TestReport = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- PostgreSQL: a throwaway cluster, and a fresh database for each test ----------------------

_PG_SKIP = (
    "PostgreSQL tests skipped: set UNTM_TEST_POSTGRES to an admin URL, or install PostgreSQL's "
    "server programs (initdb, pg_ctl; Debian: apt-get install postgresql)"
)


def _pg_bindir() -> Path | None:
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


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """An admin URL of a PostgreSQL cluster where tests may create and drop databases:
    ``UNTM_TEST_POSTGRES``, else a cluster started for this session (trust auth, loopback, a
    free port, in a temporary folder; as user postgres when run as root), else a skip."""
    given = os.environ.get("UNTM_TEST_POSTGRES")
    if given:
        yield given
        return
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(_PG_SKIP)
    folder = Path(tempfile.mkdtemp(prefix="untm-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:  # initdb refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    port = _free_port()
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        **quiet,  # type: ignore[call-overload]
    )
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-o",
            options,
            "-w",
            "start",
        ],
        **quiet,  # type: ignore[call-overload]
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
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


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """The URL of a new, empty database (UTF-8), dropped after the test."""
    with new_database(postgres_admin) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def memory_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's memory lives, once per backend: an SQLite file, a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "tm.sqlite")
    return str(request.getfixturevalue("postgres_url"))
