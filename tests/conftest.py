"""Shared fixtures: paths to the example and to ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pgcluster
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


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """An admin URL of a PostgreSQL cluster where tests may create and drop databases:
    ``UNTM_TEST_POSTGRES``, else a cluster started for this session (:mod:`pgcluster`), else
    a skip."""
    given = os.environ.get("UNTM_TEST_POSTGRES")
    if given:
        yield given
        return
    if pgcluster.bindir() is None:
        pytest.skip(_PG_SKIP)
    with pgcluster.cluster() as admin:
        yield admin


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """The URL of a new, empty database (UTF-8), dropped after the test."""
    with pgcluster.new_database(postgres_admin) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def memory_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's memory lives, once per backend: an SQLite file, a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "tm.sqlite")
    return str(request.getfixturevalue("postgres_url"))
