"""The recognition index at scale: embedded names found without comparing every pair, the
index stored as plain data, and the on-disk cache of a large active glossary."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossaries import load_shipped
from tm.concepts import is_abbreviation
from tm.models import Concept, Term
from tm.recognition_index import _embedded
from tm.terms import Glossary
from tmx import glossary_cache

_WORDS = ("council", "human", "rights", "convention", "protocol", "one", "two", "of", "the")


def _naive_embedded(keyed):  # type: ignore[no-untyped-def]
    """Every (outer, at, inner) pair by comparing each name with each other name."""
    out = []
    for outer in keyed:
        concept, term, key = outer
        if is_abbreviation(term):
            continue
        for inner in keyed:
            inner_concept, inner_term, inner_key = inner
            if inner_concept.id == concept.id or is_abbreviation(inner_term):
                continue
            if len(inner_key) < 2 or len(inner_key) >= len(key):
                continue
            at = next(
                (
                    i
                    for i in range(len(key) - len(inner_key) + 1)
                    if key[i : i + len(inner_key)] == inner_key
                ),
                -1,
            )
            if at >= 0:
                out.append((outer, at, inner))
    return out


_KEYS = st.lists(
    st.tuples(
        st.integers(0, 5), st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6), st.booleans()
    ),
    max_size=25,
)


@given(_KEYS)
@settings(max_examples=200, deadline=None)
def test_embedded_names_are_the_pairs_a_nested_loop_finds(rows: list) -> None:  # type: ignore[type-arg]
    keyed = []
    for concept_number, words, abbreviation in rows:
        text = " ".join(words)
        term = Term("en", text, abbreviation=text if abbreviation else None)
        keyed.append((Concept(f"C{concept_number}", "term", (term,)), term, tuple(words)))
    assert list(_embedded(keyed)) == _naive_embedded(keyed)


def _glossary(names: list[str]) -> Glossary:
    concepts = [Concept(f"N{n}", "term", (Term("en", name),)) for n, name in enumerate(names)]
    return load_shipped().merged(Glossary(concepts))


_NAMES = st.lists(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7).map(" ".join),
    max_size=30,
    unique=True,
)
_TEXT = st.lists(
    st.sampled_from((*_WORDS, "Security", "Council", ".", "met", "ICCPR")), max_size=40
)


@given(_NAMES, _TEXT)
@settings(max_examples=25, deadline=None)
def test_an_index_stored_as_plain_data_finds_what_the_built_one_finds(
    names: list[str], words: list[str]
) -> None:
    built = _glossary(names)
    text = " ".join(words)
    expected = built.find(text, "en")
    loaded = Glossary.from_data(marshal.loads(marshal.dumps(built.to_data())))
    assert loaded.find(text, "en") == expected
    assert loaded.concepts == built.concepts


def test_a_large_glossary_is_cached_and_rebuilt_when_a_source_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(glossary_cache, "MIN_TERMS", 1)
    source = tmp_path / "mine.tsv"
    source.write_text("id\tlang\tterm\nM-1\ten\tblue whale\n", encoding="utf-8")
    builds: list[int] = []

    def build() -> Glossary:
        builds.append(1)
        text = source.read_text(encoding="utf-8").splitlines()[1].split("\t")[2]
        return Glossary([Concept("M-1", "term", (Term("en", text),))])

    first = glossary_cache.cached((b"shipped", source), build)
    again = glossary_cache.cached((b"shipped", source), build)
    assert len(builds) == 1
    assert again.find("a blue whale", "en") == first.find("a blue whale", "en") != []
    source.write_text("id\tlang\tterm\nM-1\ten\tgrey seal and more\n", encoding="utf-8")
    changed = glossary_cache.cached((b"shipped", source), build)
    assert len(builds) == 2
    assert [h.text for h in changed.find("one grey seal and more", "en")] == ["grey seal and more"]
    assert len(list(glossary_cache.cache_path([]).parent.glob("glossary-*"))) == 1


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01garbage", marshal.dumps((1, 2)), b"\xff" * 9])
def test_a_broken_cache_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, garbage: bytes
) -> None:
    monkeypatch.setattr(glossary_cache, "MIN_TERMS", 1)
    path = glossary_cache.cache_path((b"x",))
    path.parent.mkdir(parents=True)
    path.write_bytes(garbage)
    made = glossary_cache.cached((b"x",), lambda: _glossary(["human rights"]))
    assert [h.concept for h in made.find("human rights", "en")] == ["N0"]
    assert Glossary.from_data(marshal.loads(path.read_bytes())).concepts == made.concepts


def test_a_small_glossary_is_not_cached() -> None:
    glossary_cache.cached((b"small",), lambda: _glossary(["human rights"]))
    assert not glossary_cache.cache_path((b"small",)).exists()
