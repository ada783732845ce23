"""Concept look-up (tm/lookup.py) against the scan it replaced: the same concepts and scores.

:func:`naive_table` and :func:`naive_lookup` are that scan, kept as the reference (and as the
baseline of ``bench/terms_bench.py --lookup``): every term stemmed and folded once, then each
look-up compares the query's stems with every term's and scores every term in Python.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from tm.lang import base
from tm.models import Concept, Term
from tm.stems import cached_base, folded_words, stems
from tm.terms import Glossary

NaiveTable = list[tuple[str, str, tuple[str, ...], str]]


def naive_table(glossary: Glossary) -> NaiveTable:
    """Each term as the scan compares it: (concept, language, stems, folded text)."""
    return [
        (c.id, cached_base(t.lang), stems(t.text, cached_base(t.lang)), folded_words(t.text, ""))
        for c in glossary.concepts
        for t in c.terms
    ]


def naive_lookup(
    glossary: Glossary, table: NaiveTable, query: str, *, lang: str | None = None, limit: int = 5
) -> list[tuple[str, float]]:
    """The concept ids and scores the scan gave (what ``Glossary.lookup`` gave before)."""
    want = base(lang) if lang else None
    query_id = query.strip().casefold()
    query_stems = {other: stems(query, other) for other in glossary.languages()}
    scores = {c.id: 100.0 for c in glossary.concepts if c.id.casefold() == query_id}
    choices: list[str] = []
    owners: list[str] = []
    for concept_id, term_lang, term_stems, folded in table:
        if want and term_lang != want:
            continue
        if term_stems == query_stems[term_lang]:
            scores[concept_id] = 100.0
        choices.append(folded)
        owners.append(concept_id)
    for _choice, score, position in process.extract(
        folded_words(query, ""), choices, scorer=_score, limit=max(limit * 10, 50)
    ):
        cid = owners[position]
        scores[cid] = max(scores.get(cid, 0.0), min(float(score), 99.0))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(cid, round(score, 1)) for cid, score in ranked]


def _score(query: str, choice: str, **kwargs: object) -> float:
    return (fuzz.WRatio(query, choice) + fuzz.ratio(query, choice)) / 2


def _looked_up(
    glossary: Glossary, query: str, lang: str | None, limit: int
) -> list[tuple[str, float]]:
    return [(c.id, score) for c, score in glossary.lookup(query, lang=lang, limit=limit)]


_WORDS = [
    "Council",
    "council",
    "Human",
    "Rights",
    "rights",
    "of",
    "the",
    "Conseil",
    "droits",
    "l'homme",
    "Совет",
    "прав",
    "人权",
    "理事会",
    "UN",
    "ICCPR",
    "Committee",
    "Comité",
    "-",
    "…",
]
_LANGS = ["en", "fr", "ru", "zh", "es-ES"]


@st.composite
def _glossaries(draw: st.DrawFn) -> Glossary:
    concepts = []
    for number in range(draw(st.integers(1, 25))):
        terms = tuple(
            Term(lang, " ".join(words) or "x")
            for lang, words in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(_LANGS), st.lists(st.sampled_from(_WORDS), max_size=5)
                    ),
                    min_size=1,
                    max_size=4,
                )
            )
        )
        concepts.append(
            Concept(draw(st.sampled_from(["C", "c", "X"])) + str(number), "term", terms)
        )
    return Glossary(concepts)


@settings(max_examples=150, deadline=None)
@given(
    glossary=_glossaries(),
    query=st.lists(
        st.sampled_from([*_WORDS, "c1", "X2", "councl", "Rihgts"]), min_size=1, max_size=5
    ).map(" ".join)
    | st.text(max_size=12).filter(str.strip),
    lang=st.sampled_from([None, "en", "fr", "zh", "ar"]),
    limit=st.integers(1, 8),
)
def test_lookup_gives_what_the_scan_gave(
    glossary: Glossary, query: str, lang: str | None, limit: int
) -> None:
    expected = naive_lookup(glossary, naive_table(glossary), query, lang=lang, limit=limit)
    assert _looked_up(glossary, query, lang, limit) == expected


def test_lookup_in_thousands_of_terms_gives_what_the_scan_gave() -> None:
    """Enough terms that most are never scored by WRatio: the bounds leave them out."""
    pick = random.Random(7)
    vocabulary = [w for w in _WORDS if w.isalpha()] + [f"word{n}" for n in range(300)]
    concepts = [
        Concept(
            f"T-{n}",
            "term",
            (Term("en", " ".join(pick.choices(vocabulary, k=pick.randint(1, 5)))),),
        )
        for n in range(4000)
    ]
    glossary = Glossary(concepts)
    table = naive_table(glossary)
    queries = [
        "Human Rights Council",
        "word17 word230",
        "Counsel",
        "rights",
        "T-12",
        "wrod5 of the",
    ]
    queries += [" ".join(pick.choices(vocabulary, k=pick.randint(1, 4))) for _ in range(20)]
    for query in queries:
        for limit in (1, 3, 10):
            assert _looked_up(glossary, query, None, limit) == naive_lookup(
                glossary, table, query, limit=limit
            ), query


def test_a_cached_glossary_looks_up_as_the_one_it_was_made_from() -> None:
    glossary = Glossary(
        [
            Concept(
                "BOD-HRC",
                "body",
                (Term("en", "Human Rights Council"), Term("fr", "Conseil des droits de l'homme")),
            )
        ]
    )
    again = Glossary.from_data(glossary.to_data())
    for query in ("human rights councils", "Conseil des droits", "bod-hrc"):
        assert _looked_up(again, query, None, 3) == _looked_up(glossary, query, None, 3)


@pytest.mark.parametrize(
    ("folded", "error"),
    [(None, TypeError), (7, TypeError), (["a", 1], TypeError), (["a", "b"], ValueError)],
)
def test_cached_folded_texts_that_are_not_are_refused(folded: object, error: type) -> None:
    concepts, indexes, _ = Glossary([Concept("X", "term", (Term("en", "Peace"),))]).to_data()
    with pytest.raises(error):
        Glossary.from_data((concepts, indexes, folded))
