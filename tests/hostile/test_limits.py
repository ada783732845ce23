"""The limits and guards behind the hostile corpus, in process: SRX pattern weights, Word archive
checks, glossary cleaning, spreadsheet-safe cells, one-line messages."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hostile_files import docx_bytes, paragraphs, write
from hypothesis import example, given
from hypothesis import strategies as st

from cli.render import one_line
from tm import file_limits
from tm.document import read_document
from tm.errors import FormatError, RulesError
from tm.models import Concept, Term
from tm.srx import MAX_REPEAT, _repeat_weight, parse_srx
from tm.terms import Glossary
from tmx.cells import FORMULA_STARTS, defuse, restore
from tmx.glossary import clean_terms


@pytest.mark.parametrize(
    ("pattern", "weight"),
    [
        ("abc", 1),
        ("a{5}", 5),
        ("a{2,7}b{3}", 7),
        ("(?:ab{3}){10}", 30),
        ("((a{2}){3}){4}", 24),
        ("a{3,}", 3),
        (r"\{99}", 1),
        ("[{99}]", 1),
        (r"\p{Lu}{4}", 4),
        ("(a)(b){9}", 9),
        ("a{99999999999}", MAX_REPEAT + 1),
    ],
)
def test_the_repeat_weight_multiplies_nested_bounds(pattern: str, weight: int) -> None:
    assert _repeat_weight(pattern) == weight


@given(st.lists(st.integers(1, 30), min_size=1, max_size=4))
def test_nested_groups_weigh_the_product_of_their_bounds(bounds: list[int]) -> None:
    pattern = "x"
    for bound in bounds:
        pattern = f"(?:{pattern}y){{{bound}}}"
    product = 1
    for bound in bounds:
        product *= bound
    assert _repeat_weight(pattern) == product


def test_a_heavy_rule_is_refused_before_it_is_compiled() -> None:
    data = (
        b'<srx xmlns="http://www.lisa.org/srx20" version="2.0"><body><languagerules>'
        b'<languagerule languagerulename="x"><rule><beforebreak>a{100}{100}{100}</beforebreak>'
        b'</rule></languagerule></languagerules><maprules><languagemap languagepattern=".*" '
        b'languagerulename="x"/></maprules></body></srx>'
    )
    with pytest.raises(RulesError, match="more than 10,000 times"):
        parse_srx(data, source="heavy.srx")


def _archive(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_word_archive_over_the_unpacked_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_limits, "MAX_DOCX_UNPACKED", 1000)
    path = _archive(
        tmp_path / "x.docx", {"a.xml": b"x" * 600, "b.xml": b"y" * 600}, zipfile.ZIP_STORED
    )
    with pytest.raises(FormatError, match="would unpack to"):
        file_limits.check_docx(path)


def test_a_member_of_a_high_ratio_is_refused_but_an_ordinary_document_passes(
    tmp_path: Path,
) -> None:
    file_limits.check_docx(write(tmp_path / "ok.docx", docx_bytes(paragraphs(["Report."] * 2000))))
    bomb = _archive(tmp_path / "bomb.docx", {"word/document.xml": b"<" * 3_000_000})
    with pytest.raises(FormatError, match="zip bomb"):
        file_limits.check_docx(bomb)


def test_word_styles_keep_their_names(tmp_path: Path) -> None:
    styles = '<w:style w:type="paragraph" w:styleId="Custom1"><w:name w:val="heading 1"/></w:style>'
    body = paragraphs(["Introduction"], "Custom1") + paragraphs(["The report was adopted."])
    body += paragraphs(["Text in a style the file does not define."], "Missing")
    path = write(tmp_path / "x.en.docx", docx_bytes(body, styles))
    kinds = [p.kind for p in read_document(path).paragraphs]
    assert kinds == ["heading", "body", "body"]


_CONTROL = st.characters(codec="utf-8", categories=["Cc"]) | st.sampled_from(["\ufffe", "\uffff"])
_TEXT = st.lists(st.characters(codec="utf-8") | _CONTROL, max_size=30).map("".join)


@given(st.lists(st.tuples(_TEXT, _TEXT), max_size=8))
@example([("", " ")])  # a blank term without control characters: not the cleaner's to change
@example([(" ", "\x1f")])  # ... nor when another term of its concept is cleaned
def test_cleaned_glossaries_have_no_control_characters(rows: list[tuple[str, str]]) -> None:
    concepts = [
        Concept(f"C{n}", "term", (Term("en", en or "x"), Term("fr", fr or "y", note=fr)))
        for n, (en, fr) in enumerate(rows)
    ]
    cleaned, changed = clean_terms(Glossary(concepts))
    control = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
    texts = [t.text for c in cleaned.concepts for t in c.terms]
    notes = [t.note or "" for c in cleaned.concepts for t in c.terms]
    assert not any(control.search(text) for text in texts + notes)
    # a cleaned term is one run of words; a term without control characters is left as it is,
    # even beside a cleaned one in its concept (a blank " " stays " ")
    untouched = {t.text for c in concepts for t in c.terms if not control.search(t.text)}
    cleaned_texts = [t.text for c in cleaned.concepts if c.id in changed for t in c.terms]
    assert all(
        text in untouched or (text == " ".join(text.split()) and text) for text in cleaned_texts
    )
    dirty = {
        c.id for c in concepts if control.search("".join(t.text + (t.note or "") for t in c.terms))
    }
    assert set(changed) == dirty


@given(st.text())
def test_defused_cells_are_restored_and_never_start_a_formula(cell: str) -> None:
    safe = defuse(cell)
    assert not safe.startswith(FORMULA_STARTS)
    assert restore(safe) == cell or (cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS))


@given(st.text())
def test_a_message_is_one_safe_line(message: str) -> None:
    line = one_line(message)
    assert "\n" not in line
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", line)
    assert len(line) <= 1000
