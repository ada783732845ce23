"""CSV/TSV interchange: a header row of language codes, one unit a row, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.errors import FormatError, LanguageError
from tm.models import Unit, Variant
from tmx.tabular import read_table, write_table

FIXTURES = Path(__file__).parent / "fixtures" / "tabular"


def test_csv_with_three_languages_and_quoted_commas() -> None:
    reader = read_table(FIXTURES / "three_languages.csv")
    units = list(reader)
    assert [u.text("es") for u in units] == [
        "Asamblea General",
        "Temas 31, 61",
        "Consejo de Seguridad",
    ]
    assert units[1].text("en") == "Agenda items 31, 61"
    assert units[2].text("fr") is None  # an empty cell is no variant
    assert reader.skipped == 1  # the empty row


def test_tsv_with_bom_regions_tuid_and_note() -> None:
    (unit,) = read_table(FIXTURES / "bom_region.tsv")
    assert [v.lang for v in unit.variants] == ["en-US", "zh-CN"]
    assert (unit.tuid, unit.notes) == ("t1", ("organ",))


def test_a_header_cell_that_is_not_a_language_is_refused() -> None:
    with pytest.raises(LanguageError, match="column 'english'"):
        list(read_table(FIXTURES / "bad_header.csv"))


def test_a_row_with_too_many_cells_names_the_line() -> None:
    with pytest.raises(FormatError, match=r"ragged.csv:2: 3 cells"):
        list(read_table(FIXTURES / "ragged.csv"))


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_write_then_read_gives_the_same_texts(tmp_path: Path, suffix: str) -> None:
    units = [
        Unit(
            (Variant("en", 'Say "yes", then\tgo'), Variant("fr", "Dites « oui »\npuis")), tuid="a"
        ),
        Unit((Variant("en", "Peace"), Variant("ar", "السلام"))),
        Unit((Variant("en", "Alone"),)),
    ]
    path = tmp_path / f"tm{suffix}"
    report = write_table(units, path, langs=["en", "fr", "ar"])
    assert (report.units, report.skipped) == (2, 1)
    assert list(read_table(path)) == units[:2]
