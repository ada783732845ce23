"""The document's own glossary (tm/reference.py, tmx/reference.py, build --glossary, terms -o).

The letter and its working translations (examples/letter) and a short resolution of our own in
en/fr/ru (tests/fixtures/reference, with one deprecated French name planted) are aligned, and
their reference glossaries checked: every cited concept and only those, the six official
names, the forms each version uses, departures flagged, and files that TBX-Basic, translate-
toolkit and untm's own reader accept.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from cli.main import app
from glossaries import load_shipped
from tm.align import align, multilingual
from tm.document import parse_text, read_document
from tm.lang import base
from tm.reference import ReferenceGlossary, document_glossary
from tm.segment import segment_document
from tmx.reference import reference_format, write_reference
from tmx.tbx import TBX_NS, read_tbx

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letter"
RESOLUTION = ROOT / "tests" / "fixtures" / "reference"
G = load_shipped()

#: The 13 instruments the letter cites (its paragraphs 24-55 list them).
LETTER_INSTRUMENTS = {
    "INS-UDHR",
    "INS-ICCPR",
    "INS-ICESCR",
    "INS-ICERD",
    "INS-ECHR",
    "INS-ECHR-P1",
    "INS-CAT",
    "INS-CPED",
    "INS-STL",
    "INS-CRC",
    "INS-CEDAW",
    "INS-CRPD",
    "INS-UNESCO2005",
}


def _reference(
    folder: Path, stem: str, langs: tuple[str, ...], planted: tuple[str, str, str] | None = None
) -> ReferenceGlossary:
    """Align ``stem.en.md`` with its versions and build the reference glossary.

    ``planted`` is ``(lang, old, new)``: the first ``old`` of that version becomes ``new``.
    """
    source = read_document(folder / f"{stem}.en.md")
    src = segment_document(source)
    alignments, segments = [], {}
    for lang in langs:
        path = folder / f"{stem}.{lang}.md"
        text = path.read_text(encoding="utf-8")
        if planted is not None and planted[0] == lang:
            assert planted[1] in text
            text = text.replace(planted[1], planted[2], 1)
        tgt = segment_document(parse_text(text, lang, source=str(path)))
        alignments.append(align(src, tgt, src_lang="en", tgt_lang=lang, glossary=G))
        segments[lang] = tgt
    rows = multilingual(alignments)
    return document_glossary(source, G, document=stem, rows=rows, segments=segments)


@cache
def _letter() -> ReferenceGlossary:
    return _reference(LETTER, "letter", ("ar", "es", "fr", "ru", "zh"))


@cache
def _resolution() -> ReferenceGlossary:
    return _reference(RESOLUTION, "resolution", ("fr", "ru"))


def _cited(path: Path) -> set[str]:
    document = read_document(path)
    return {hit.concept for p in document.paragraphs for hit in G.find(p.text, document.lang)}


# --- content ----------------------------------------------------------------------------------


def test_letter_every_cited_concept_and_only_those() -> None:
    reference = _letter()
    ids = [entry.concept.id for entry in reference.entries if not entry.proposed]
    assert len(ids) == len(set(ids))
    assert set(ids) == _cited(LETTER / "letter.en.md")
    instruments = {e.concept.id for e in reference.entries if e.concept.category == "instrument"}
    assert instruments == LETTER_INSTRUMENTS
    assert {"BOD-GA", "BOD-SC", "BOD-SG", "BOD-HRC"} <= set(ids)
    assert any(e.concept.category == "agenda_item" for e in reference.entries)
    assert "INS-GENOCIDE" not in ids  # in the glossary, not in the letter


def test_letter_official_names_in_six_languages() -> None:
    for entry in _letter().entries:
        if entry.proposed:
            continue
        official = G.get(entry.concept.id)
        assert entry.concept == official  # every listed form, status, confidence and source
        for lang in ("ar", "en", "es", "fr", "ru", "zh"):
            assert entry.concept.preferred(lang) is not None, (entry.concept.id, lang)


def test_letter_forms_used_by_each_version_are_recorded() -> None:
    iccpr = next(e for e in _letter().entries if e.concept.id == "INS-ICCPR")
    for lang in ("ar", "es", "fr", "ru", "zh"):
        uses = iccpr.uses_in(lang)
        assert uses, lang
        assert all(use.segment is not None and use.context for use in uses)
        official = [use for use in uses if not use.departs]
        assert official, lang
        assert all(use.form is not None for use in official)
    english = iccpr.uses_in("en")
    assert english
    assert all(use.segment is None for use in english)  # paragraphs of the source


@pytest.mark.parametrize(
    ("planted", "status"),
    [
        ("Pacte relatif aux droits civils et politiques", "variant"),  # "international" dropped
        ("Pacte international relatif aux droits civiques et politiques", "deprecated"),
    ],
)
def test_letter_planted_non_official_form_is_flagged(planted: str, status: str) -> None:
    official = "Pacte international relatif aux droits civils et politiques"
    reference = _reference(LETTER, "letter", ("fr",), ("fr", official, planted))
    iccpr = next(e for e in reference.entries if e.concept.id == "INS-ICCPR")
    flagged = [use for use in iccpr.uses_in("fr") if use.departs]
    assert [(use.status, use.text) for use in flagged] == [(status, planted)]
    assert planted in flagged[0].context
    clean = next(e for e in _letter().entries if e.concept.id == "INS-ICCPR")
    assert not any(use.departs for use in clean.uses_in("fr"))


def test_resolution_deprecated_form_flagged_and_unknown_name_proposed() -> None:
    reference = _resolution()
    iccpr = next(e for e in reference.entries if e.concept.id == "INS-ICCPR")
    flagged = [(u.status, u.text) for u in iccpr.uses_in("fr") if u.departs]
    assert flagged == [("deprecated", "Pacte international des droits civils et politiques")]
    assert not any(u.departs for u in iccpr.uses_in("ru"))
    # "lui faire rapport": the French names the Assembly by a pronoun; not found, not flagged
    assembly = next(e for e in reference.entries if e.concept.id == "BOD-GA")
    assert [u.segment for u in assembly.uses_in("fr") if u.unfound] == [7]
    assert not any(u.departs for u in assembly.uses_in("fr"))
    proposed = [e for e in reference.entries if e.proposed]
    assert [e.concept.preferred("en").text for e in proposed] == [  # type: ignore[union-attr]
        "Convention on Biological Diversity"
    ]
    candidates = [t for t in proposed[0].concept.terms if t.lang != "en"]
    assert {t.lang for t in candidates} == {"fr", "ru"}
    assert all(t.status == "admitted" and "candidate mined" in (t.note or "") for t in candidates)
    # two citing segments are little evidence: the best French candidate holds the name
    assert "diversité biologique" in next(t.text for t in candidates if t.lang == "fr")


def test_draft_without_versions_holds_official_names_of_chosen_languages() -> None:
    source = read_document(RESOLUTION / "resolution.en.md")
    reference = document_glossary(source, G, document="draft", langs=["fr"])
    assert reference.langs == ("en", "fr")
    assert not any(entry.proposed for entry in reference.entries)
    assert {e.concept.id for e in reference.entries} == _cited(RESOLUTION / "resolution.en.md")
    for entry in reference.entries:
        assert {base(t.lang) for t in entry.concept.terms} <= {"en", "fr"}
        assert all(use.lang == "en" for use in entry.uses)


# --- files ------------------------------------------------------------------------------------

_TERM_NOTES = {
    "administrativeStatus": {
        "preferredTerm-admn-sts",
        "admittedTerm-admn-sts",
        "deprecatedTerm-admn-sts",
        "supersededTerm-admn-sts",
    },
    "termType": {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"},
}
_AUX = {
    "descrip": {"context", "definition"},
    "admin": {"source", "customerSubset", "projectSubset"},
}


def _tbx_basic_problems(path: Path) -> list[str]:
    """Where ``path`` departs from TBX-Basic (ISO 30042:2019, DCA style) as untm writes it."""
    problems: list[str] = []
    ns = f"{{{TBX_NS}}}"
    root = etree.parse(str(path)).getroot()
    if root.tag != f"{ns}tbx" or (root.get("type"), root.get("style")) != ("TBX-Basic", "dca"):
        return [f"root {root.tag} {dict(root.attrib)}"]
    if root.find(f"{ns}tbxHeader/{ns}fileDesc/{ns}sourceDesc/{ns}p") is None:
        problems.append("no tbxHeader/fileDesc/sourceDesc/p")
    ids = set()
    for entry in root.iterfind(f"{ns}text/{ns}body/{ns}conceptEntry"):
        ids.add(entry.get("id"))
        for child in entry:
            name = etree.QName(child).localname
            if name == "descrip" and child.get("type") not in ("subjectField", "definition"):
                problems.append(f"conceptEntry descrip {child.get('type')}")
            elif name not in ("descrip", "note", "admin", "langSec"):
                problems.append(f"conceptEntry child {name}")
        for lang_sec in entry.iterfind(f"{ns}langSec"):
            if lang_sec.get("{http://www.w3.org/XML/1998/namespace}lang") is None:
                problems.append("langSec without xml:lang")
            names = [etree.QName(c).localname for c in lang_sec]
            if "termSec" not in names or names.index("termSec") < max(
                (i for i, n in enumerate(names) if n != "termSec"), default=-1
            ):
                problems.append(f"langSec order {names}")
            for term_sec in lang_sec.iterfind(f"{ns}termSec"):
                problems.extend(_term_sec_problems(term_sec))
    if None in ids or len(ids) != len(root.findall(f"{ns}text/{ns}body/{ns}conceptEntry")):
        problems.append("conceptEntry ids missing or repeated")
    return problems


def _term_sec_problems(term_sec: etree._Element) -> list[str]:
    problems = []
    children = list(term_sec)
    if not children or etree.QName(children[0]).localname != "term" or not children[0].text:
        problems.append("termSec does not start with a <term>")
    seen_aux = False
    for child in children[1:]:
        name, kind = etree.QName(child).localname, child.get("type")
        if name == "termNote":
            if seen_aux:
                problems.append("termNote after auxiliary information")
            if child.text not in _TERM_NOTES.get(kind or "", set()):
                problems.append(f"termNote {kind}={child.text}")
            continue
        seen_aux = True
        if name in _AUX and kind not in _AUX[name]:
            problems.append(f"{name} type {kind}")
        elif name == "descripGrp":
            parts = [(etree.QName(c).localname, c.get("type")) for c in child]
            if (
                not parts
                or parts[0] != ("descrip", "context")
                or any(p not in (("admin", "source"), ("note", None)) for p in parts[1:])
            ):
                problems.append(f"descripGrp {parts}")
        elif name not in (*_AUX, "descripGrp", "note", "xref", "ref"):
            problems.append(f"termSec child {name}")
    return problems


def test_tbx_is_tbx_basic_and_carries_the_document(tmp_path: Path) -> None:
    out = tmp_path / "letter.tbx"
    assert write_reference(_letter(), out, fmt="tbx") == [out]
    assert _tbx_basic_problems(out) == []
    root = etree.parse(str(out)).getroot()
    ns = {"t": TBX_NS}
    subsets = root.findall(".//t:termSec/t:admin[@type='projectSubset']", ns)
    assert subsets
    assert {s.text for s in subsets} == {"letter"}
    assert root.findall(".//t:descripGrp/t:descrip[@type='context']", ns)
    assert root.find(".//t:sourceDesc/t:p", ns).text == "untm reference glossary of letter"


def test_tbx_flags_departures_without_offering_them_as_terms(tmp_path: Path) -> None:
    out = tmp_path / "resolution.tbx"
    write_reference(_resolution(), out, fmt="tbx")
    assert _tbx_basic_problems(out) == []
    text = out.read_text(encoding="utf-8")
    assert "flagged: deprecated form «Pacte international des droits civils et politiques»" in text
    assert "not found: no name of this concept in the aligned segment 8" in text
    back = read_tbx(out)  # untm's own reader: official forms only, with their statuses
    iccpr = back.get("INS-ICCPR")
    assert set(iccpr.terms) == set(G.get("INS-ICCPR").terms)
    proposed = next(c for c in back.concepts if c.category == "proposed")
    assert proposed.preferred("en").text == "Convention on Biological Diversity"  # type: ignore[union-attr]


def test_the_full_glossary_export_is_tbx_basic_too(tmp_path: Path) -> None:
    from tmx.tbx import write_tbx

    out = tmp_path / "un.tbx"
    write_tbx(G, out)
    assert _tbx_basic_problems(out) == []


def test_tbx2_loads_in_translate_toolkit(tmp_path: Path) -> None:
    tbx = pytest.importorskip("translate.storage.tbx")
    out = tmp_path / "letter.tbx2"
    write_reference(_letter(), out, fmt="tbx2")
    with out.open("rb") as handle:
        store = tbx.tbxfile(handle, sourcelanguage="en", targetlanguage="fr")
    units = {unit.getid(): unit for unit in store.units}
    assert set(units) == {entry.concept.id for entry in _letter().entries}
    assert units["INS-ICCPR"].source == "International Covenant on Civil and Political Rights"


def test_omegat_files_one_per_pair_or_the_named_one(tmp_path: Path) -> None:
    written = write_reference(_resolution(), tmp_path / "res.txt", fmt="omegat")
    assert [p.name for p in written] == ["res.en-fr.txt", "res.en-ru.txt"]
    lines = written[0].read_text(encoding="utf-8").splitlines()
    iccpr = next(line for line in lines if line.startswith("International Covenant on Civil"))
    source, target, comment = iccpr.split("\t")
    assert target == "Pacte international relatif aux droits civils et politiques"
    assert "flagged: deprecated form «Pacte international des droits civils" in comment
    one = write_reference(_resolution(), tmp_path / "fr.txt", fmt="omegat", target_lang="fr")
    assert one == [tmp_path / "fr.txt"]


def test_csv_has_every_term_and_the_document_columns(tmp_path: Path) -> None:
    out = tmp_path / "res.csv"
    write_reference(_resolution(), out, fmt="csv")
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    terms = sum(len(entry.concept.terms) for entry in _resolution().entries)
    assert len(rows) == terms
    fr = next(r for r in rows if r["id"] == "INS-ICCPR" and r["lang"] == "fr" and r["flags"])
    assert fr["status"] == "preferred"
    assert "deprecated form" in fr["flags"]
    assert any(r["document_use"].startswith("used in resolution (fr)") for r in rows)


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("a.tbx", None, "tbx"),
        ("a.tbx2", None, "tbx2"),
        ("a.utf8", None, "omegat"),
        ("a.csv", None, "csv"),
        ("a.xyz", "tbx2", "tbx2"),
    ],
)
def test_format_from_name_or_option(name: str, given: str | None, expected: str) -> None:
    assert reference_format(name, given) == expected


# --- command line -----------------------------------------------------------------------------


def test_build_writes_the_reference_glossary(tmp_path: Path) -> None:
    files = [RESOLUTION / f"resolution.{lang}.md" for lang in ("en", "fr", "ru")]
    out = tmp_path / "res.tbx"
    args = ["build", *map(str, files), "-m", str(tmp_path / "m.sqlite"), "--glossary", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Reference glossary: 7 concept(s) cited, 1 proposed" in result.output  # rev. 2
    assert "INS-ICCPR" in result.output  # the departures table
    assert _tbx_basic_problems(out) == []


def test_build_refuses_an_unknown_glossary_extension_before_building(tmp_path: Path) -> None:
    files = [RESOLUTION / f"resolution.{lang}.md" for lang in ("en", "fr")]
    memory = tmp_path / "m.sqlite"
    args = ["build", *map(str, files), "-m", str(memory), "--glossary", str(tmp_path / "g.doc")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--glossary-format" in result.output
    assert not memory.exists()


def test_terms_output_for_a_draft(tmp_path: Path) -> None:
    out = tmp_path / "draft.tbx"
    args = ["terms", str(RESOLUTION / "resolution.en.md"), "-o", str(out), "--target-lang", "ru"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    langs = {
        sec.get("{http://www.w3.org/XML/1998/namespace}lang")
        for sec in etree.parse(str(out)).getroot().iter(f"{{{TBX_NS}}}langSec")
    }
    assert langs == {"en", "ru"}
