"""UN structures in six languages: paragraphs kept, each structure its own segment, and
paragraph pairs recovered end to end by ``untm align`` (our fixtures and the UDHR).

The fixtures in tests/fixtures/un are our own text written for testing (see its README), not
official UN text; the UDHR comes from ../shared/data/udhr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tm.document import read_document
from tm.models import Document, Segment
from tm.segment import segment_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import structure_bench  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "un"
LANGS = ("en", "ar", "es", "fr", "ru", "zh")
OTHERS = LANGS[1:]
DOCS = ("resolution", "report", "goals")
runner = CliRunner()

# How each language numbers what the English resolution numbers "1.", "(a)" and "(i)".
OPERATIVE = {"ar": "1 - ", "zh": "1. "}
SUB_A = {"en": "(a) ", "ar": "(أ) ", "zh": "(a) "}
SUB_I = {"en": "(i) ", "ar": "'1' ", "zh": "㈠ "}
COMMA = {"ar": "،", "zh": "，"}


def _doc(name: str, lang: str) -> tuple[Document, list[Segment]]:
    doc = read_document(FIXTURES / f"{name}.{lang}.md")
    return doc, segment_document(doc)


def _paragraph_segments(segments: list[Segment], paragraph: int) -> list[str]:
    return [s.text for s in segments if s.paragraph == paragraph]


# --- paragraphs and kinds -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", DOCS)
def test_every_source_paragraph_is_kept(name: str, lang: str) -> None:
    version = structure_bench.fixture_version(FIXTURES / f"{name}.{lang}.md", lang)
    doc, segments = _doc(name, lang)
    assert [structure_bench.key(p.text) for p in doc.paragraphs] == [
        structure_bench.key(p) for p in version.paragraphs
    ]
    assert max(len(s.text) for s in segments) <= 700


@pytest.mark.parametrize("name", DOCS)
def test_every_language_gives_the_same_structure(name: str) -> None:
    kinds = {lang: [p.kind for p in _doc(name, lang)[0].paragraphs] for lang in LANGS}
    assert all(k == kinds["en"] for k in kinds.values()), kinds


# --- the resolution -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_resolution_paragraphs_are_segments_with_their_numbers(lang: str) -> None:
    doc, segments = _doc("resolution", lang)
    kinds = [p.kind for p in doc.paragraphs]
    assert kinds[:3] == ["header", "header", "heading"]
    # "The General Assembly," then five preambular paragraphs, each one segment ending in a comma
    preamble = range(4, 9)
    for index in preamble:
        texts = _paragraph_segments(segments, index)
        assert len(texts) == 1, texts
        assert texts[0].endswith(COMMA.get(lang, ","))
    operative = [t for p in doc.paragraphs for t in _paragraph_segments(segments, p.index)]
    first_operative = next(t for t in operative if t.startswith(OPERATIVE.get(lang, "1. ")))
    assert not first_operative.endswith(("。", "."))  # it ends in a semicolon
    assert _paragraph_segments(segments, 11)[0].startswith(SUB_A.get(lang, "a) "))
    assert _paragraph_segments(segments, 14)[0].startswith(SUB_I.get(lang, "i) "))
    assert _paragraph_segments(segments, 15)[0].startswith(
        {"en": "(ii) ", "ar": "'2' ", "zh": "㈡ "}.get(lang, "ii) ")
    )
    assert all(len(_paragraph_segments(segments, i)) == 1 for i in range(len(doc.paragraphs)))


# --- the report -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_report_table_cells_and_footnote_are_their_own_segments(lang: str) -> None:
    doc, segments = _doc("report", lang)
    table = [p for p in doc.paragraphs if p.kind == "table"]
    assert len(table) == 1
    cells = _paragraph_segments(segments, table[0].index)
    assert len(cells) == 12
    assert [cell[:4] for cell in cells[1:3]] == ["2023", "2024"]  # "2023年", "2023 год"
    assert "---" not in table[0].text
    footnote = doc.paragraphs[-1]
    assert footnote.kind == "footnote"
    assert footnote.text.startswith("1 ")
    assert _paragraph_segments(segments, footnote.index) == [footnote.text]
    # the reference left the running text, whose sentences are cut as before
    assert not any("[^" in p.text for p in doc.paragraphs)
    assert len(_paragraph_segments(segments, 2)) == 2
    assert doc.paragraphs[2].text.startswith({"ar": "5 - "}.get(lang, "5. "))


# --- the goal and target list ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_goal_titles_and_targets_stay_apart(lang: str) -> None:
    doc, segments = _doc("goals", lang)
    title = doc.paragraphs[0]
    assert title.kind == "heading"
    assert 100 <= len(title.text) <= 200 or lang == "zh"  # a plain-text title, no stop
    assert [p.kind for p in doc.paragraphs[1:3]] == ["heading", "body"]
    target = "1-أ " if lang == "ar" else "1.a "
    targets = [p for p in doc.paragraphs if p.text.startswith(target)]
    assert len(targets) == 1
    assert _paragraph_segments(segments, targets[0].index) == [targets[0].text]
    assert len(doc.paragraphs) == 11
    assert _paragraph_segments(segments, 1) == [doc.paragraphs[1].text]  # "Goal 1. ..." whole


# --- end to end: untm align -----------------------------------------------------------------------


def _align(pivot: Path, other: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["align", str(pivot), str(other), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    beads: list[dict[str, object]] = json.loads(result.stdout)["alignments"][0]["beads"]
    return beads


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("name", DOCS)
def test_align_recovers_every_paragraph_pair_of_the_fixtures(name: str, lang: str) -> None:
    en_path, other_path = FIXTURES / f"{name}.en.md", FIXTURES / f"{name}.{lang}.md"
    en = structure_bench.fixture_version(en_path, "en")
    other = structure_bench.fixture_version(other_path, lang)
    pairs = structure_bench.by_position(en, other)
    beads = _align(en_path, other_path)
    assert structure_bench.recovered(beads, en.paragraphs, other.paragraphs, pairs) == len(pairs)


@pytest.mark.parametrize("layout", ["paragraphs", "wrapped", "paged"])
@pytest.mark.parametrize("lang", OTHERS)
def test_align_recovers_udhr_paragraph_pairs(
    shared_data: Path, tmp_path: Path, lang: str, layout: str
) -> None:
    """The UDHR as plain text (as is, wrapped at 70 columns as PDF text is, or wrapped with
    page breaks inside paragraphs): every paragraph kept, and >= 97 % of its paragraph pairs
    come out of ``untm align`` as runs of beads holding exactly the pair."""
    folder = shared_data / "udhr"
    versions = {
        code: structure_bench.udhr_version(
            folder / f"udhr_{structure_bench.UDHR_FILES[code]}.xml",
            code,
            wrap=layout == "wrapped",
            paged=layout == "paged",
        )
        for code in ("en", lang)
    }
    paths = {}
    for code, version in versions.items():
        paths[code] = tmp_path / f"udhr.{code}.txt"
        paths[code].write_text(version.text, encoding="utf-8")
        doc = read_document(paths[code])
        assert [structure_bench.key(p.text) for p in doc.paragraphs] == [
            structure_bench.key(p) for p in version.paragraphs
        ]
        assert max(len(s.text) for s in segment_document(doc)) <= 700
    pairs = structure_bench.udhr_pairs(versions["en"], versions[lang])
    beads = _align(paths["en"], paths[lang])
    hits = structure_bench.recovered(
        beads, versions["en"].paragraphs, versions[lang].paragraphs, pairs
    )
    assert hits >= 0.97 * len(pairs), f"{hits}/{len(pairs)}"


def test_recovered_counts_only_exact_runs() -> None:
    """The measure itself: a pair is recovered only by beads that hold exactly the pair."""
    beads: list[dict[str, object]] = [
        {"src_text": "One.", "tgt_text": "Un."},
        {"src_text": "Two. Three.", "tgt_text": "Deux."},
        {"src_text": "", "tgt_text": "Trois."},
    ]
    src = ["One.", "Two.", "Three."]
    tgt = ["Un.", "Deux.", "Trois."]
    assert structure_bench.recovered(beads, src, tgt, [(0, 0), (1, 1), (2, 2)]) == 1
    assert structure_bench.recovered(beads, ["One.", "Two. Three."], tgt, [(1, 1)]) == 1
