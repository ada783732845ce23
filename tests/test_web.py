"""The web page in a real browser: Debian's chromium, headless, driven by Playwright.

A real ``untm serve`` runs on a loopback port over the letter's memory, in SQLite and then in
PostgreSQL (when a test cluster is there: ``postgres_admin``). The browser signs in with a reader
token, looks a name up and sees its six official forms side by side, then pastes a draft and
sees its matches and its terminology findings. On failure a screenshot is kept in
``test-artifacts/`` (or ``$UNTM_TEST_ARTIFACTS``), named after the test and its memory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pgcluster import new_database
from typer.testing import CliRunner

from cli.main import app as cli
from tm import access
from tm.memory import Memory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letter"
RESOLUTION = ROOT / "tests" / "fixtures" / "reference"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("UNTM_TEST_ARTIFACTS", ROOT / "test-artifacts"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium is not installed (Debian package chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    folder = tmp_path_factory.mktemp("web")
    with ExitStack() as stack:
        if request.param == "sqlite":
            memory = str(folder / "letter.sqlite")
        else:
            memory = stack.enter_context(new_database(request.getfixturevalue("postgres_admin")))
        yield from _served(memory, folder)


def _served(memory: str, folder: Path) -> Iterator[tuple[str, str, str]]:
    """``untm serve`` on a free loopback port over the letter (en, ar, fr, zh) in ``memory``;
    yields its URL, a reader token and an editor token."""
    files = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "ar", "fr", "zh")]
    assert CliRunner().invoke(cli, ["build", *files, "-m", memory]).exit_code == 0
    with Memory.open(memory, create=False) as store:
        token = access.add_token(store, "browser test", "reader")[1]
        editor = access.add_token(store, "browser editor", "editor")[1]
    port = _free_port()
    log = folder / "serve.log"
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "-m", memory, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"untm serve stopped: {log.read_text(errors='replace')}")
                time.sleep(0.1)
        yield url, token, editor
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def page(server: tuple[str, str, str], request: pytest.FixtureRequest) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            report = getattr(request.node, "rep_call", None)
            if report is not None and report.failed:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            browser.close()


def _sign_in(page: object, server: tuple[str, str, str], *, editor: bool = False) -> None:
    url, reader, editor_token = server
    token = editor_token if editor else reader
    page.goto(url)  # type: ignore[attr-defined]
    page.fill("#token", token)  # type: ignore[attr-defined]
    page.press("#token", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("#who:has-text('signed in')")  # type: ignore[attr-defined]


def test_term_search_shows_the_six_forms(page: object, server: tuple[str, str, str]) -> None:
    _sign_in(page, server)
    page.fill("#terms-q", "Covenant on Civil and Political Rights")  # type: ignore[attr-defined]
    page.press("#terms-q", "Enter")  # type: ignore[attr-defined]
    table = page.locator("#terms-results table").first  # type: ignore[attr-defined]
    table.wait_for()
    assert "INS-ICCPR" in table.locator("caption").inner_text()
    cells = table.locator("tbody td")
    assert cells.count() == 6
    texts = [cells.nth(i).inner_text() for i in range(6)]  # ar en es fr ru zh
    assert "العهد الدولي الخاص بالحقوق المدنية والسياسية" in texts[0]
    assert "International Covenant on Civil and Political Rights" in texts[1]
    assert "Pacte international relatif aux droits civils et politiques" in texts[3]
    assert "公民权利和政治权利国际公约" in texts[5]
    arabic = cells.nth(0).locator("[lang=ar]").first
    assert arabic.get_attribute("dir") == "rtl"
    assert "preferred" in texts[1]


def test_draft_shows_matches_and_findings(page: object, server: tuple[str, str, str]) -> None:
    _sign_in(page, server)
    page.click("#tab-draft")  # type: ignore[attr-defined]
    draft = (
        "These actions also stand in stark contradiction to the commitments outlined in various "
        "international conventions, including the International Covenant on Economic, Social and "
        "Cultural Rights and, most significantly, the Convention on the Elimination of All Forms "
        "of Racial Discrimination.\n\nThe Secretary General welcomed the report."
    )
    page.fill("#draft-text", draft)  # type: ignore[attr-defined]
    page.select_option("#draft-target", "fr")  # type: ignore[attr-defined]
    page.click("#draft-match")  # type: ignore[attr-defined]
    first = page.locator("#draft-results article.segment").first  # type: ignore[attr-defined]
    first.wait_for()
    text = first.inner_text()
    assert "100%" in text
    assert "Pacte international relatif aux droits économiques, sociaux et culturels" in text
    page.click("#draft-check")  # type: ignore[attr-defined]
    finding = page.locator("#draft-results .finding").first  # type: ignore[attr-defined]
    finding.wait_for()
    assert "Secretary General" in page.locator("#draft-results").inner_text()  # type: ignore[attr-defined]


def test_keyboard_moves_between_tabs(page: object, server: tuple[str, str, str]) -> None:
    _sign_in(page, server)
    page.focus("#tab-terms")  # type: ignore[attr-defined]
    page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert page.get_attribute("#tab-concordance", "aria-selected") == "true"  # type: ignore[attr-defined]
    assert page.is_visible("#panel-concordance")  # type: ignore[attr-defined]
    page.fill("#concordance-q", "Covenant")  # type: ignore[attr-defined]
    page.press("#concordance-q", "Enter")  # type: ignore[attr-defined]
    page.locator("#concordance-results mark").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator("#concordance-results mark").first.inner_text().lower() == "covenant"  # type: ignore[attr-defined]


def test_an_editor_adds_a_document(page: object, server: tuple[str, str, str]) -> None:
    _sign_in(page, server, editor=True)
    page.click("#tab-documents")  # type: ignore[attr-defined]
    files = [str(RESOLUTION / f"resolution.{lang}.md") for lang in ("en", "fr", "ru")]
    page.set_input_files("#documents-files", files)  # type: ignore[attr-defined]
    page.fill("#documents-symbol", "A/RES/99/101")  # type: ignore[attr-defined]
    page.click("#documents-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#documents-built p[role=status]")  # type: ignore[attr-defined]
    assert "Built A/RES/99/101" in page.inner_text("#documents-built")  # type: ignore[attr-defined]
    listed = page.locator("#documents-results table").inner_text()  # type: ignore[attr-defined]
    assert "A/RES/99/101" in listed
    assert "en fr ru" in listed
