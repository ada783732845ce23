"""The shipped glossary is revision 2 of the reference glossary plus untm's own rows."""

from __future__ import annotations

import csv
from pathlib import Path

from glossaries import load_shipped
from glossaries.regenerate import ADDED, TARGET, regenerate


def test_the_shipped_file_is_what_regenerate_writes(shared_data: Path) -> None:
    reference = shared_data / "terms" / "treaty_terms.tsv"
    assert TARGET.read_text(encoding="utf-8") == regenerate(reference)


def test_every_reference_row_is_shipped_unchanged(shared_data: Path) -> None:
    with (shared_data / "terms" / "treaty_terms.tsv").open(encoding="utf-8") as handle:
        reference = list(csv.DictReader(handle, delimiter="\t"))
    assert len(reference) == 587
    shipped = {
        (concept.id, term.lang, term.text, term.status, term.confidence, term.source)
        for concept in load_shipped().concepts
        for term in concept.terms
    }
    for row in reference:
        if row["category"] == "abbreviation" and row["term"] != row["abbreviation"]:
            continue  # an abbreviation row of another spelling is folded into its term
        key = (row["id"], row["lang"], row["term"], row["status"], row["confidence"])
        assert (*key, row["source"]) in shipped, key


def test_shipped_glossary_has_72_concepts_with_six_preferred_names() -> None:
    glossary = load_shipped()
    assert len(glossary) == 72
    for concept in glossary.concepts:
        for lang in ("en", "fr", "es", "ru", "ar", "zh"):
            term = concept.preferred(lang)
            assert term is not None, (concept.id, lang)
            assert term.confidence in ("verified", "secondary", "unverified"), (concept.id, lang)


def test_untm_rows_are_admitted_unverified_and_say_so() -> None:
    glossary = load_shipped()
    for concept_id, _category, lang, text, *_ in ADDED:
        (term,) = [t for t in glossary.get(concept_id).terms if t.lang == lang and t.text == text]
        assert term.status == "admitted"
        assert term.confidence == "unverified"
        assert term.source is not None
        assert term.source.startswith("untm:")
