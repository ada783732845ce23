"""Concordance compares text with apostrophes, quotation marks, spaces and case alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.fold import APOSTROPHES, QUOTES, contains, fold, spans
from tm.memory import Memory
from tm.models import Unit, Variant

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("mark", list(APOSTROPHES))
def test_every_apostrophe_is_one(mark: str) -> None:
    assert fold(f"l{mark}Assemblée générale") == "l'assemblée générale"


@pytest.mark.parametrize(
    "written",
    [
        f"le «{NNBSP}Conseil de sécurité{NNBSP}»",
        f"le «{NBSP}Conseil de sécurité{NBSP}»",
        "le « Conseil de sécurité »",
        "le “Conseil de sécurité”",
        "le „Conseil de sécurité“",
        'le "Conseil de sécurité"',
        f"le   «Conseil{NBSP}de{NNBSP}sécurité»",
    ],
)
def test_quotes_and_spaces_are_one(written: str) -> None:
    assert fold(written) == 'le"conseil de sécurité"'  # no space beside a quote


def test_spans_point_into_the_stored_text() -> None:
    text = f"Documents de l’Assemblée générale et du «{NNBSP}Conseil{NNBSP}»."
    assert [text[s:e] for s, e in spans(text, "L'ASSEMBLÉE")] == ["l’Assemblée"]
    assert [text[s:e] for s, e in spans(text, '"conseil"')] == [f"«{NNBSP}Conseil{NNBSP}»"]
    assert spans(text, "Comité") == []
    assert spans(text, "  ") == []


_PIECES = st.sampled_from(["a", "B", "é", "л", "人", " ", NBSP, NNBSP, *APOSTROPHES, *QUOTES])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=30), st.data())
def test_a_query_taken_from_the_text_is_found_where_it_is(pieces: list[str], data) -> None:
    """Naive reference: any slice of the text, folded, is in the folded text, and the spans
    found fold to the folded query."""
    text = "".join(pieces)
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    query = text[i:j]
    if not fold(query).strip():
        return
    found = spans(text, query)
    assert found
    assert fold(query.strip()) in fold(text)
    for start, end in found:
        assert fold(text[start:end]).strip() == fold(query).strip()


def test_memory_concordance_folds_and_narrows_languages(tmp_path) -> None:
    units = [
        Unit((Variant("en", "the General Assembly"), Variant("fr", "l’Assemblée générale"))),
        Unit((Variant("en", "the Council"), Variant("fr", f"le «{NNBSP}Conseil{NNBSP}»"))),
    ]
    with Memory.open(tmp_path / "m.sqlite") as memory:
        memory.add(units)
        assert [u.text("en") for u in memory.concordance("l'assemblée")] == ["the General Assembly"]
        assert [u.text("en") for u in memory.concordance('"Conseil"')] == ["the Council"]
        assert memory.concordance("l'assemblée", langs=["en"]) == []
        assert len(memory.concordance("the", langs=["fr", "en"])) == 2


_ANY = st.sampled_from(
    ["a", "F", "i", "ﬁ", "ｆ", "é", "e\u0301", "´", " ", NBSP, *APOSTROPHES, *QUOTES]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ANY, max_size=25), st.lists(_ANY, min_size=1, max_size=6))
def test_the_fast_scan_agrees_with_folding_every_text(text: list[str], query: list[str]) -> None:
    """Naive reference: fold the text and search, as the prefilter must not change."""
    needle = fold("".join(query).strip())
    joined = "".join(text)
    assert contains(joined, needle) == (needle in fold(joined))
