"""tm/tokens.py: ASCII text is cut by the standard library's engine into exactly the tokens
the full pattern finds (the match index and the query must agree to the token, and the
scoring's tokens to the span)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm import tokens

# every ASCII character, with the ones the patterns treat specially more often
ASCII = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=127),
        st.sampled_from(list("A/78/.-,'0123 ESCN")),
    ),
    max_size=60,
)


def _full(text: str, lang: str = "en") -> list[str]:
    return tokens._masked(text, lang, tokens._TOKEN)


@settings(max_examples=800, deadline=None)
@given(ASCII, st.sampled_from(["en", "fr", "es", "ru"]))
def test_ascii_text_gets_the_tokens_of_the_full_pattern(text: str, lang: str) -> None:
    assert tokens.masked(text, lang) == _full(text, lang)


@settings(max_examples=800, deadline=None)
@given(ASCII, st.sampled_from(["en", "fr", "es", "ru"]))
def test_ascii_text_gets_the_tokens_and_spans_of_the_full_pattern(text: str, lang: str) -> None:
    # tokenize() cuts ASCII text with the standard library's engine too: same tokens, same spans
    assert tokens.tokenize(text, lang) == tokens._tokenize(text, lang, tokens._TOKEN)


@pytest.mark.parametrize(
    "text",
    [
        "See A/78/367, paragraph 12.",
        "E/CN.4/2005/L.10 and ST/SGB/2019/8.",
        "On 12 September 2023, 3 States (1,234.5 USD) - it's done.",
        "x\x1cy\x1f z\x00",  # controls: whitespace to str.split, punctuation to the pattern
        "(a) Calls upon all States; 2030 Agenda; 1.2.3",
    ],
)
def test_ascii_examples(text: str) -> None:
    assert tokens.masked(text) == _full(text)


@pytest.mark.slow
def test_ascii_corpus_gets_the_tokens_of_the_full_pattern(shared_data: Path) -> None:
    pool = shared_data / "corpus" / "opus-testsets-en-pool" / "pool.tsv.gz"
    with gzip.open(pool, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = line.split("\t")[0]
            assert tokens.masked(text) == _full(text)
