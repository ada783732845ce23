"""PO interchange (polib): msgid/msgstr pairs in, one bilingual PO per language pair out."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tm.errors import FormatError, LanguageError
from tm.models import Unit, Variant
from tmx.po import read_po, write_po

FIXTURES = Path(__file__).parent / "fixtures" / "po"


def test_translated_entries_become_units() -> None:
    reader = read_po(FIXTURES / "letter.fr.po")
    units = list(reader)
    assert [(u.text("en"), u.text("fr")) for u in units] == [
        ("Permanent Representative", "Représentant permanent"),
        ("Annex", "Annexe"),
        ("one item", "un point"),
        ("{n} items", "{n} points"),
        ("Multi-line\ntext", "Texte sur\nplusieurs lignes"),
    ]
    first = units[0]
    assert first.variants[1].lang == "fr-FR"  # PO's fr_FR, canonical, region kept
    assert first.notes == ("translator note",)
    assert first.props == (("x-document", "letter.en.md:12"),)
    assert units[1].tuid == "heading"  # msgctxt
    # untranslated, fuzzy and obsolete entries are skipped, and the reader says so
    assert reader.skipped == 3
    assert "3 untranslated, fuzzy or obsolete" in reader.warnings[0]


def test_the_language_comes_from_the_header_or_the_caller() -> None:
    with pytest.raises(LanguageError, match="no Language"):
        list(read_po(FIXTURES / "no_language.po"))
    (unit,) = read_po(FIXTURES / "no_language.po", lang="fr-CA")
    assert unit.variants[1].lang == "fr-CA"


def test_a_broken_po_names_the_line() -> None:
    with pytest.raises(FormatError, match=r"line 6"):
        list(read_po(FIXTURES / "broken.po", lang="fr"))


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such PO file"):
        list(read_po(tmp_path / "nothing.po", lang="fr"))


def test_export_writes_one_po_per_pair_and_reads_back(tmp_path: Path) -> None:
    units = [
        Unit(
            (Variant("en", "Annex"), Variant("fr", "Annexe"), Variant("es", "Anexo")),
            tuid="letter-0001",
            notes=("heading",),
            props=(("x-document", "letter.en.md"),),
        ),
        # the same msgid twice: gettext needs a msgctxt to tell them apart
        Unit((Variant("en", "Annex"), Variant("fr", "Annexe (suite)"))),
        Unit((Variant("en", "Only English"),)),
    ]
    report = write_po(units, tmp_path / "letter.po", langs=["fr", "es"])
    assert [(Path(n).name, c) for n, c in report.files] == [
        ("letter.en-fr.po", 2),
        ("letter.en-es.po", 1),
    ]
    assert report.skipped == 1
    po = polib.pofile(str(tmp_path / "letter.en-fr.po"))
    assert po.metadata["Language"] == "fr"
    assert len({(e.msgctxt, e.msgid) for e in po}) == 2
    back = list(read_po(tmp_path / "letter.en-fr.po"))
    assert back[0] == Unit(
        (Variant("en", "Annex"), Variant("fr", "Annexe")),
        tuid="letter-0001",
        notes=("heading",),
        props=(("x-document", "letter.en.md"),),
    )
    assert back[1].text("fr") == "Annexe (suite)"


def test_suspect_units_are_exported_fuzzy_and_read_back_as_suspect(tmp_path: Path) -> None:
    suspect = Unit(
        (Variant("en", "The report is annexed."), Variant("zh", "报告附后。")),
        props=(("x-align-suspect", "yes"),),
    )
    sure = Unit((Variant("en", "Thank you."), Variant("zh", "谢谢。")))
    write_po([suspect, sure], tmp_path / "own.po", langs=["zh"])
    path = tmp_path / "own.po"  # one pair: the file asked for
    entries = {e.msgid: e for e in polib.pofile(str(path))}
    assert entries["The report is annexed."].fuzzy
    assert "x-align-suspect" in entries["The report is annexed."].comment
    assert not entries["Thank you."].fuzzy
    reader = read_po(path)
    back = {u.text("en"): u for u in reader}
    assert dict(back["The report is annexed."].props) == {"x-align-suspect": "yes"}
    assert back["Thank you."].props == ()
    assert reader.skipped == 0
    # a fuzzy entry of another tool is still skipped
    po = polib.pofile(str(path))
    po.find("Thank you.").flags.append("fuzzy")
    po.save(str(path))
    assert [u.text("en") for u in read_po(path)] == ["The report is annexed."]
