"""Shared fixtures: paths to the example and to ../shared (skipped with a reason when absent)."""

from __future__ import annotations

from collections.abc import Iterator
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
    """Glossaries a user imported on this machine must not change what the tests see."""
    monkeypatch.setenv("UNTM_HOME", str(tmp_path / "untm-home"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test item (``rep_call``), so that a fixture can tell in
    its teardown whether the test failed (the browser tests keep a screenshot then)."""
    report: pytest.TestReport = yield
    setattr(item, f"rep_{report.when}", report)
    return report
