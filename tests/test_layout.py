"""At 80 columns no table breaks a word: it wraps at spaces, or becomes a list of records."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from cli.layout import _widths, print_table, print_tables

_BOX = re.compile(r"[\u2500-\u257f]")
LONG = "Internationalisation-of-supercalifragilistic-terms"  # 50 cells, one word


def _render(columns: list[str], rows: list[list[str]], width: int = 80) -> list[str]:
    out = Console(file=io.StringIO(), width=width, soft_wrap=True, color_system=None)
    print_table(out, "Title", columns, rows)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    return text.splitlines()


def _tokens(lines: list[str]) -> set[str]:
    return {token for line in lines for token in _BOX.sub(" ", line).split()}


def _check_whole(lines: list[str], cells: list[str], width: int = 80) -> None:
    """Every line fits and every output token is a whole word of the input."""
    assert all(cell_len(line) <= width for line in lines), lines
    words = {w for cell in cells for w in cell.split()} | {"Title"}
    broken = {t for t in _tokens(lines) if t not in words and t.rstrip(":") not in words}
    assert broken == set(), lines


def test_a_table_that_fits_wraps_at_spaces() -> None:
    text = "The General Assembly adopted the resolution without a vote on 12 September 2023."
    rows = [["letter-0016", text, text.replace("General", "Generalised")]] * 3
    lines = _render(["tuid", "en", "fr"], rows)
    assert lines[1].startswith("┏")  # a table, not a list
    _check_whole(lines, ["tuid", "en", "fr", *rows[0]])


def test_words_longer_than_a_column_turn_the_table_into_a_list() -> None:
    rows = [[LONG, f"see {LONG}", f"{LONG} again"]]
    lines = _render(["a", "b", "c"], rows)
    assert not any(line.startswith("┏") for line in lines)
    assert f"a: {LONG}" in lines
    _check_whole(lines, ["a", "b", "c", *rows[0]])


def test_tables_of_one_output_share_their_layout() -> None:
    """``untm query`` prints several concepts: all tables with the same widths, or all lists
    when one of them cannot be a table (never a table, then a list)."""
    out = Console(file=io.StringIO(), width=80, soft_wrap=True, color_system=None)
    short = [["en", "Security Council"], ["fr", "Conseil de sécurité"]]
    print_tables(out, ["lang", "term"], [("A", short), ("B", [["en", "Human Rights Council"]])])
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    tops = [line for line in lines if line.startswith("┏")]
    assert len(tops) == 2
    assert tops[0] == tops[1]
    out = Console(file=io.StringIO(), width=80, soft_wrap=True, color_system=None)
    print_tables(out, ["lang", "term"], [("A", short), ("B", [[LONG, LONG]])])
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert not any(_BOX.search(line) for line in lines)
    assert "term: Security Council" in lines
    assert lines.count("lang: en") == 1


def test_chinese_breaks_between_characters() -> None:
    zh = "我谨随函附上阿塞拜疆共和国外交部关于亚美尼亚共和国在阿塞拜疆领土上埋设地雷的声明。"
    lines = _render(["tuid", "zh", "en"], [["letter-0002", zh, "I have the honour " * 4]])
    assert lines[1].startswith("┏")
    assert all(cell_len(line) <= 80 for line in lines)
    assert "".join(_BOX.sub("", line).split()[1] for line in lines[4:-1] if "│ " in line)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 60)), min_size=1, max_size=6))
def test_widths_hold_every_word_and_never_pass_the_room(spec: list[tuple[int, int]]) -> None:
    shortest = [s for s, _ in spec]
    natural = [s + extra for s, extra in spec]
    room = 80 - 1 - 3 * len(spec)
    if sum(shortest) > room:
        return
    widths = _widths(shortest, natural, room)
    assert sum(widths) <= room
    assert all(s <= w <= max(s, n) for s, w, n in zip(shortest, widths, natural, strict=True))
    wanted = [max(s, n) for s, n in zip(shortest, natural, strict=True)]
    assert sum(widths) == room or widths == wanted


# --- every table untm prints, at 80 columns --------------------------------------------------


def _untm(*args: str | Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A memory with words longer than a column (our own text, not official UN text)."""
    folder = tmp_path_factory.mktemp("wide")
    table = folder / "units.tsv"
    rows = [
        ["en", "fr", "es"],
        [f"The {LONG} of the General Assembly", f"L'{LONG} de l'Assemblée", f"La {LONG}"],
        [
            "The Security Council met.",
            "Le Conseil de sécurité s'est réuni.",
            "El Consejo se reunió.",
        ],
    ]
    table.write_text("\n".join("\t".join(row) for row in rows) + "\n", encoding="utf-8")
    path = folder / "m.sqlite"
    subprocess.run(
        [sys.executable, "-m", "cli.main", "import", str(table), "-m", str(path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("built") / "letter.sqlite"
    letter = ROOT / "examples" / "letter"
    _untm("build", letter / "letter.en.md", letter / "letter.fr.md", "-m", path)
    return path


def test_concordance_at_80_columns(memory: Path) -> None:
    lines = _untm("concordance", "general assembly", "-m", memory)
    assert all(cell_len(line) <= 80 for line in lines)
    assert any(LONG in line for line in lines)
    lines = _untm("concordance", "council", "-m", memory, "--lang", "fr,en")
    header = next(line for line in lines if "tuid" in line)
    assert header.index("fr") < header.index("en")
    assert "es" not in _tokens([header])
    data = json.loads(
        "\n".join(_untm("concordance", "conseil", "-m", memory, "--lang", "fr", "--json"))
    )
    assert [sorted(unit["texts"]) for unit in data] == [["fr"]]


@pytest.mark.parametrize(
    "args",
    [
        ("glossary", "list"),
        ("glossary", "show", "BOD-HRC"),
        ("query", "Human Rights Council"),
        ("terms", "examples/letter/letter.fr.md"),
        ("stats", "-m", "{memory}"),
        ("documents", "-m", "{built}"),
    ],
)
def test_tables_fit_80_columns(memory: Path, built: Path, args: tuple[str, ...]) -> None:
    """Table rows stay within 80 cells (plain lines stay whole when piped, for grep)."""
    out = _untm(*(arg.format(memory=memory, built=built) for arg in args))
    lines = [line for line in out if _BOX.search(line)] or out  # a table, or a list of records
    assert lines
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
