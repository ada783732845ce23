"""Checks a translator can trust, on our own six-language drafts (tests/fixtures/check/bodies):
0 findings on the clean drafts, every planted error found, advice as sure as the glossary."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli._errors import EXIT_BAD_INPUT, EXIT_OK
from cli.main import app
from glossaries import load_shipped
from tm.check import check_draft, check_translation
from tm.document import read_document
from tm.errors import GlossaryError
from tm.models import Concept, Document, Segment, Term
from tm.terms import Glossary
from tmx.glossary import load

BODIES = Path(__file__).parent / "fixtures" / "check" / "bodies"
LANGS = ("en", "fr", "es", "ru", "ar", "zh")
G = load_shipped()
runner = CliRunner()


def _planted() -> list[dict[str, str]]:
    with (BODIES / "planted.tsv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


PLANTED = _planted()


def _report(lang: str, tmp_path: Path, text: str | None = None) -> Document:
    """report.LANG.md, or ``text`` in its place (a file named so that its language is known)."""
    if text is None:
        return read_document(BODIES / f"report.{lang}.md")
    path = tmp_path / f"report.{lang}.md"
    path.write_text(text, encoding="utf-8")
    return read_document(path)


@pytest.mark.parametrize("lang", LANGS)
def test_clean_draft_has_no_finding(lang: str, tmp_path: Path) -> None:
    assert check_draft(_report(lang, tmp_path), glossary=G) == []


@pytest.mark.parametrize("lang", LANGS[1:])
def test_clean_translation_has_no_finding(lang: str, tmp_path: Path) -> None:
    findings = check_translation(_report("en", tmp_path), _report(lang, tmp_path), glossary=G)
    assert findings == []


@pytest.mark.parametrize(
    ("row", "mode"),
    [
        pytest.param(row, mode, id=f"{row['lang']}-{mode}-{row['what'].replace(' ', '-')}")
        for row in PLANTED
        for mode in (("draft", "translation") if row["mode"] == "both" else (row["mode"],))
    ],
)
def test_planted_error_is_found(row: dict[str, str], mode: str, tmp_path: Path) -> None:
    lang = row["lang"]
    clean = (BODIES / f"report.{lang}.md").read_text(encoding="utf-8")
    assert clean.count(row["original"]) == 1, "the planted text must replace one place"
    planted = _report(lang, tmp_path, clean.replace(row["original"], row["planted"]))
    if mode == "draft":
        findings = check_draft(planted, glossary=G)
    else:
        findings = check_translation(_report("en", tmp_path), planted, glossary=G)
    hits = [f for f in findings if f.rule == row["rule"] and row["found"] in f.found]
    assert hits, [(f.rule, f.found) for f in findings]
    # the names planted against are verified or secondary: a deprecated or wrong name is an error
    if row["rule"] in ("deprecated-term", "wrong-term"):
        assert {f.severity for f in hits} == {"error"}
        assert {f.confidence for f in hits} <= {"verified", "secondary"}
        assert all(f.concept and f.glossary_source for f in hits)


def test_every_language_has_each_kind_of_planted_error() -> None:
    kinds = {(row["lang"], row["what"]) for row in PLANTED}
    for lang in LANGS:
        assert (lang, "deprecated name") in kinds
        assert (lang, "variant after the official name") in kinds
        if lang != "en":
            assert (lang, "wrong treaty") in kinds
    for lang in ("ru", "zh"):
        assert (lang, "Council for Committee") in kinds
        assert (lang, "Committee for Council") in kinds


# --- the Human Rights Committee is not the Council ---------------------------------------------


def test_a_russian_sentence_naming_the_committee_gets_no_error() -> None:
    text = "Комитет по правам человека рассмотрел доклад; доклад Комитета по правам человека издан."
    hits = G.find(text, "ru")
    assert [(h.concept, h.status) for h in hits] == [("BOD-HRCTTEE", "preferred")] * 2
    assert check_draft([Segment(0, 0, "body", text)], lang="ru", glossary=G) == []


def test_query_human_rights_committee_gives_the_committee() -> None:
    result = runner.invoke(app, ["query", "Human Rights Committee", "--json", "--limit", "1"])
    assert result.exit_code == EXIT_OK
    (found,) = json.loads(result.stdout)["results"]
    assert found["id"] == "BOD-HRCTTEE"
    assert found["preferred"]["ru"] == "Комитет по правам человека"
    assert found["preferred"]["zh"] == "人权事务委员会"
    assert all("confidence" in term and "source" in term for term in found["terms"])


def test_glossary_list_has_the_72_concepts() -> None:
    result = runner.invoke(app, ["glossary", "list", "--json"])
    assert result.exit_code == EXIT_OK
    ids = {concept["id"] for concept in json.loads(result.stdout)}
    assert len(ids) >= 72
    assert {"BOD-HRCTTEE", "BOD-CHR", "BOD-CERD", "INS-ROME", "INS-VCLT", "BOD-UPR"} <= ids


# --- confidence decides the severity -----------------------------------------------------------


def _glossary(confidence: str) -> Glossary:
    return Glossary(
        [
            Concept(
                "BOD-X",
                "body",
                (
                    Term("en", "Committee on Migrant Workers", confidence=confidence, source="s"),
                    Term("en", "Migrant Workers Committee", "deprecated"),
                    Term("fr", "Comité des travailleurs migrants", confidence=confidence),
                ),
            ),
            Concept(
                "BOD-Y",
                "body",
                (
                    Term("en", "Committee on Enforced Disappearances", confidence=confidence),
                    Term("fr", "Comité des disparitions forcées", confidence=confidence),
                ),
            ),
        ]
    )


@pytest.mark.parametrize(
    ("confidence", "severity"),
    [("verified", "error"), ("secondary", "error"), ("unverified", "warning")],
)
def test_deprecated_form_is_an_error_only_against_a_checked_form(
    confidence: str, severity: str
) -> None:
    segments = [Segment(0, 0, "body", "The Migrant Workers Committee met.")]
    (finding,) = check_draft(segments, lang="en", glossary=_glossary(confidence))
    assert (finding.rule, finding.severity) == ("deprecated-term", severity)
    assert (finding.concept, finding.confidence) == ("BOD-X", confidence)
    assert ("unverified" in finding.message) == (confidence == "unverified")


@pytest.mark.parametrize(
    ("confidence", "severity"), [("secondary", "error"), ("unverified", "warning")]
)
def test_wrong_body_in_a_translation_follows_the_confidence(confidence: str, severity: str) -> None:
    src = [Segment(0, 0, "body", "The Committee on Migrant Workers met in Geneva on Monday.")]
    tgt = [Segment(0, 0, "body", "Le Comité des disparitions forcées s'est réuni lundi à Genève.")]
    findings = check_translation(
        src, tgt, src_lang="en", tgt_lang="fr", glossary=_glossary(confidence)
    )
    assert [(f.rule, f.severity) for f in findings] == [("wrong-term", severity)]
    assert ("unverified" in findings[0].message) == (confidence == "unverified")


def test_check_json_and_terms_json_carry_confidence_and_source(tmp_path: Path) -> None:
    draft = tmp_path / "draft.fr.md"
    draft.write_text("L'Assemblée Générale a adopté la résolution.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--json"])
    (issue,) = json.loads(result.stdout)["issues"]
    assert (issue["rule"], issue["concept"], issue["confidence"]) == (
        "deprecated-term",
        "BOD-GA",
        "verified",
    )
    assert issue["glossary_source"]
    result = runner.invoke(app, ["terms", str(draft), "--json"])
    (hit,) = json.loads(result.stdout)
    assert (hit["status"], hit["confidence"]) == ("deprecated", "verified")
    assert hit["source"]


# --- a glossary that contradicts itself is refused ---------------------------------------------


def test_shipped_glossary_has_no_contradiction() -> None:
    assert len(Glossary(G.concepts)) == len(G)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "mine.csv",
            "id,lang,term,status\nBOD-HRC,ru,Совет по правам человека,preferred\n"
            "BOD-HRC,ru,Комитет по правам человека,deprecated\n"
            "BOD-HRCTTEE,ru,Комитет по Правам Человека,preferred\n",
        ),
        (
            "mine.tbx",
            '<?xml version="1.0"?><tbx type="TBX-Basic" style="dca" xml:lang="en" '
            'xmlns="urn:iso:std:iso:30042:ed-2"><text><body>'
            '<conceptEntry id="A"><langSec xml:lang="zh"><termSec><term>人权理事会</term>'
            "</termSec><termSec><term>联合国人权委员会</term><termNote type="
            '"administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>'
            '</conceptEntry><conceptEntry id="B"><langSec xml:lang="zh"><termSec>'
            "<term>《联合国人权委员会》</term></termSec></langSec></conceptEntry>"
            "</body></text></tbx>",
        ),
    ],
)
def test_a_term_deprecated_in_one_concept_and_accepted_in_another_is_refused(
    name: str, text: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert ("BOD-HRC" in message and "BOD-HRCTTEE" in message) or (
        "in A" in message and "in B" in message
    )


def test_a_user_glossary_contradicting_the_shipped_one_is_refused_with_exit_2(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "id,lang,term,status\nMY-HRC,ru,Совет по правам человека,preferred\n"
        "MY-HRC,ru,Комитет по правам человека,deprecated\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["query", "Human Rights Council", "--glossary", str(mine)])
    assert result.exit_code == EXIT_BAD_INPUT
    (line,) = result.stderr.strip().splitlines()
    assert "MY-HRC" in line
    assert "BOD-HRCTTEE" in line


# --- titles and abbreviations as UN style writes them ------------------------------------------


@pytest.mark.parametrize(
    "heading", ["公民权利和政治权利国际公约", "一、公民权利和政治权利国际公约", "附件 世界人权宣言"]
)
def test_a_chinese_heading_that_is_a_title_needs_no_title_marks(heading: str) -> None:
    assert check_draft([Segment(0, 0, "heading", heading)], lang="zh", glossary=G) == []


def test_a_chinese_title_in_running_text_needs_title_marks() -> None:
    segments = [Segment(0, 0, "body", "各国应执行公民权利和政治权利国际公约。")]
    (finding,) = check_draft(segments, lang="zh", glossary=G)
    assert (finding.rule, finding.expected) == ("variant-term", "《公民权利和政治权利国际公约》")


def test_un_is_never_abbreviated_and_a_full_name_is_never_asked_for_one() -> None:
    segments = [
        Segment(0, 0, "body", "The Human Rights Committee and the UN Security Council met."),
        Segment(1, 1, "body", "The UN replied to the Human Rights Committee."),
    ]
    (finding,) = check_draft(segments, lang="en", glossary=G)
    assert (finding.rule, finding.found, finding.expected) == (
        "abbreviation-not-introduced",
        "UN",
        "United Nations",
    )
    assert "UN style" in finding.message


def test_one_word_in_another_spelling_is_not_a_name() -> None:
    # "secretario" (a secretary) is not "Secretaría" (the Secretariat), whatever their stem
    assert G.find("El secretario de la comisión y la secretaria del club llegaron.", "es") == []
    assert [h.concept for h in G.find("La Secretaría publicó el informe.", "es")] == ["BOD-SECR"]
