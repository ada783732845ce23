"""``untm build``: the main job on examples/letter, and its bad-input messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tm.memory import Memory
from tmx.tmx import read_tmx

runner = CliRunner()
LANGS = ("ar", "es", "fr", "ru", "zh")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("build")
    args = [str(examples / "letter.en.md"), *(str(examples / f"letter.{x}.md") for x in LANGS)]
    result = runner.invoke(
        app,
        ["build", *args, "--memory", str(out / "letter.sqlite"), "--tmx", str(out / "letter.tmx")],
    )
    return out, result


def test_build_writes_a_six_language_memory_and_tmx(built: tuple[Path, object]) -> None:
    out, result = built
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar, not even a blank line, into a pipe or log
    assert "This build: " in result.stdout
    assert "New document letter.en.md#" in result.stdout
    units = list(read_tmx(out / "letter.tmx"))
    assert len(units) >= 100
    assert all(len(u.variants) == 6 for u in units[:5])
    with Memory.open(out / "letter.sqlite", create=False) as memory:
        assert set(memory.languages()) == {"ar", "en", "es", "fr", "ru", "zh"}
        first = next(memory.units())
    props = dict(first.props)
    assert props["x-document"].startswith("letter.en.md#")
    assert {"x-paragraph", "x-align-score"} <= set(props)
    assert first.tuid is not None
    assert first.tuid.startswith("letter-")
    assert first.tuid.endswith("-0001")


def test_units_holding_several_sentences_say_paragraph(built: tuple[Path, object]) -> None:
    out, _ = built
    units = list(read_tmx(out / "letter.tmx"))
    several = [u for u in units if u.segtype == "paragraph"]
    assert several
    assert all(u.segtype is None for u in units if u not in several)


def test_suspect_beads_are_kept_flagged_and_counted(built: tuple[Path, object]) -> None:
    out, result = built
    units = list(read_tmx(out / "letter.tmx"))
    suspect = [u for u in units if ("x-align-suspect", "yes") in u.props]
    if suspect:
        assert f"{len(suspect)} suspect bead(s)" in result.stdout  # type: ignore[attr-defined]
    else:
        assert "suspect" not in result.stdout  # type: ignore[attr-defined]


def test_rebuilding_with_one_language_replaces_it_and_keeps_the_others(
    built: tuple[Path, object], examples: Path
) -> None:
    out, _ = built
    with Memory.open(out / "letter.sqlite", create=False) as memory:
        before = (memory.count(), memory.languages())
    args = [str(examples / "letter.en.md"), str(examples / "letter.fr.md")]
    result = runner.invoke(app, ["build", *args, "--memory", str(out / "letter.sqlite"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["languages"]) == {"en", "fr"}
    assert data["stored"]["new"] is False
    assert data["stored"]["replaced"] + data["stored"]["kept"] == before[0]
    assert data["stored"]["kept_languages"] == ["ar", "es", "ru", "zh"]
    with Memory.open(out / "letter.sqlite", create=False) as memory:
        assert (memory.count(), memory.languages()) == before


def test_build_exports_po_and_csv(tmp_path: Path, examples: Path) -> None:
    args = [str(examples / "letter.en.md"), str(examples / "letter.es.md")]
    memory = str(tmp_path / "m.sqlite")
    result = runner.invoke(
        app, ["build", *args, "-m", memory, "--tmx", str(tmp_path / "l.po"), "--format", "po"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "l.po").is_file()  # one pair: the file asked for
    result = runner.invoke(
        app, ["build", *args, "-m", memory, "--tmx", str(tmp_path / "l.csv"), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "l.csv").read_text(encoding="utf-8").startswith("tuid,en,es\n")


def test_bad_input_exits_2_with_a_clear_line(tmp_path: Path, examples: Path) -> None:
    memory = str(tmp_path / "m.sqlite")
    nolang = tmp_path / "letter.md"
    nolang.write_text("Hello.\n", encoding="utf-8")
    cases = [
        ([str(examples / "letter.en.md"), str(nolang)], "cannot tell the language"),
        (
            [str(examples / "letter.en.md"), str(examples / "letter.en.md")],
            "already in language 'en'",
        ),
        ([str(examples / "letter.en.md"), str(tmp_path / "missing.fr.md")], "missing.fr.md"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["build", *args, "-m", memory])
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.stderr.split())
        assert "Traceback" not in result.output
