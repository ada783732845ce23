"""``untm import/export/stats/concordance/optimize`` through the CLI: exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
TMX = FIXTURES / "tmx"
runner = CliRunner()


def _run(*args: object) -> object:
    return runner.invoke(app, [str(a) for a in args])


def _imported(path: str) -> str:
    result = _run("import", TMX / "inline_tags.tmx", TMX / "srclang_all.tmx", "--memory", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def store(memory_target: str) -> str:
    """A memory of two TMX files, once in SQLite and once in PostgreSQL (``--memory URL``)."""
    return _imported(memory_target)


def test_import_reports_units(tmp_path: Path) -> None:
    result = _run("import", TMX / "inline_tags.tmx", "--memory", tmp_path / "tm.sqlite", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["added"], data["merged"], data["units"]) == (3, 0, 3)


def test_importing_twice_merges(store: str) -> None:
    result = _run("import", TMX / "inline_tags.tmx", "--memory", store)
    assert result.exit_code == 0
    assert "Imported 0 new unit(s), merged 3 duplicate(s)" in result.stdout


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("malformed.tmx", "malformed.tmx:6: not well-formed XML"),
        ("truncated.tmx", "is it truncated?"),
        ("missing_lang.tmx", "has no xml:lang"),
        ("unknown_lang.tmx", "'eng' is not a known language code"),
        ("duplicate_tuid.tmx", "tuid '7' is used by two different units"),
        ("billion_laughs.tmx", "declares XML entities"),
        ("version_2.tmx", "TMX version '2.0' is not supported"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_imports_nothing(
    store: str, fixture: str, message: str
) -> None:
    before = json.loads(_run("stats", "--memory", store, "--json").stdout)["units"]
    result = _run("import", TMX / fixture, "--memory", store)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    after = json.loads(_run("stats", "--memory", store, "--json").stdout)["units"]
    assert after == before


def test_tmx11_and_empty_segments_import_with_warnings(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    result = _run("import", TMX / "tmx11_lang_attribute.tmx", TMX / "empty_segment.tmx", "-m", path)
    assert result.exit_code == 0
    assert "TMX 1.1 file read with the TMX 1.4b rules" in result.stderr
    assert "an empty fr segment was skipped" in result.stderr
    assert "skipped 1" in result.stdout


def test_unknown_file_kind_and_missing_file(tmp_path: Path) -> None:
    odd = tmp_path / "notes.docx"
    odd.write_text("x", encoding="utf-8")
    result = _run("import", odd, "-m", tmp_path / "tm.sqlite")
    assert result.exit_code == 2
    assert "cannot import this kind of file" in result.stderr
    result = _run("import", tmp_path / "none.tmx", "-m", tmp_path / "tm.sqlite")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_a_broken_memory_file_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not sqlite" * 200)
    result = _run("stats", "--memory", bad)
    assert result.exit_code == 4
    assert "not a translation memory" in result.stderr
    result = _run("stats", "--memory", tmp_path / "absent.sqlite")
    assert result.exit_code == 2
    assert "no memory at" in result.stderr
    assert "build or import first" in result.stderr


def test_stats_table_and_json(store: str) -> None:
    result = _run("stats", "--memory", store)
    assert result.exit_code == 0
    assert "Units per language" in result.stdout
    assert "srclang_all.tmx" in result.stdout
    data = json.loads(_run("stats", "--memory", store, "--json").stdout)
    assert data["units"] == 4
    assert data["languages"] == {"en": 4, "es": 1, "fr": 3, "ru": 1}
    assert data["signature"] == "untm:0.1.0|schema:3"


def test_concordance_in_any_language_and_one(store: str) -> None:
    result = _run("concordance", "совет", "--memory", store, "--json")
    assert result.exit_code == 0
    (hit,) = json.loads(result.stdout)
    assert hit["texts"]["en"] == "Security Council"
    result = _run("concordance", "save", "--memory", store, "--lang", "fr", "--json")
    assert json.loads(result.stdout) == []
    result = _run("concordance", "[b]", "--memory", store)
    assert result.exit_code == 0
    assert "No unit contains '[b]'" in result.stdout
    result = _run("concordance", "Save", "--memory", store)
    assert "inline-1" in result.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--format", "tmx"], ["out.tmx"]),
        (
            ["--format", "tmx", "--profile", "omegat", "--langs", "en,fr,es"],
            ["out.en-es.tmx", "out.en-fr.tmx"],
        ),
        (["--format", "po", "--langs", "en,fr"], ["out.po"]),
        (["--format", "po", "--langs", "en,fr,es"], ["out.en-es.po", "out.en-fr.po"]),
        (["--profile", "omegat", "--langs", "en,fr"], ["out.tmx"]),
        (["--profile", "trados", "--langs", "fr"], ["out.tmx"]),
        (
            ["--profile", "omegat", "--langs", "en,fr,es", "--split", "2"],
            # two en-es units fit one file; the three en-fr units take two
            ["out.en-es.tmx", "out.en-fr.part001.tmx", "out.en-fr.part002.tmx"],
        ),
        (["--profile", "memoq"], ["out.en-es.tmx", "out.en-fr.tmx", "out.en-ru.tmx"]),
        (["--format", "csv"], ["out.csv"]),
        (["--format", "tmx", "--split", "2"], ["out.part001.tmx", "out.part002.tmx"]),
    ],
)
def test_export_formats(store: str, tmp_path: Path, args: list[str], names: list[str]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    suffix = ".csv" if "csv" in args else ".po" if "po" in args else ".tmx"
    result = _run("export", "--memory", store, "-o", out_dir / f"out{suffix}", *args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out_dir.iterdir()) == names


def test_export_bad_choices_exit_2(store: str, tmp_path: Path) -> None:
    result = _run(
        "export", "-m", store, "-o", tmp_path / "x.po", "--format", "po", "--profile", "trados"
    )
    assert result.exit_code == 2
    assert "profiles apply to TMX exports only" in result.stderr
    result = _run("export", "-m", store, "-o", tmp_path / "x.tmx", "--langs", "en,de")
    assert result.exit_code == 2
    assert "the memory has no 'de' text" in result.stderr
    result = _run("export", "-m", store, "-o", tmp_path / "nodir" / "x.tmx")
    assert result.exit_code == 2
    assert "nodir does not exist" in result.stderr


def test_a_failed_first_import_leaves_no_memory_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    result = _run("import", TMX / "malformed.tmx", "--memory", path)
    assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []


def test_a_failed_import_keeps_an_existing_memory(store: str) -> None:
    result = _run("import", TMX / "malformed.tmx", "--memory", store)
    assert result.exit_code == 2, result.output
    assert json.loads(_run("stats", "--memory", store, "--json").stdout)["units"] > 0


def test_optimize_rewrites_the_match_index(tmp_path: Path) -> None:
    store = Path(_imported(str(tmp_path / "tm.sqlite")))
    result = _run("optimize", "--memory", store, "--json")
    assert result.exit_code == 0, result.output
    size = json.loads(result.stdout)["index_bytes"]
    index = Path(f"{store}-index")
    assert size == sum(p.stat().st_size for p in index.iterdir())
    missing = _run("optimize", "--memory", store.with_name("absent.sqlite"))
    assert missing.exit_code == 2
    assert "no memory at" in missing.stderr


def test_a_large_tmx_import_reads_on_workers_under_its_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typing import Any

    from tmx import bulk

    results: list[Any] = []
    real = bulk.import_tmx

    def spy(*args: Any, **kwargs: Any) -> Any:
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(bulk, "MIN_BYTES", 0)  # any file is large
    monkeypatch.setattr(bulk, "import_tmx", spy)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # stderr taken for a terminal: the bar is drawn
    result = _run("import", TMX / "inline_tags.tmx", "--memory", tmp_path / "tm.sqlite", "--json")
    assert result.exit_code == 0, result.output
    assert "\x1b[?25l" in result.stderr  # the bar was started (it hides the cursor)
    # the bar draws itself as it advances, not on a thread of its own that would keep the
    # import from forking its workers (it then read the file on one core)
    assert results
    assert results[0] is not None
    assert json.loads(result.stdout)["added"] == 3
