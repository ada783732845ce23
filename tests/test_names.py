"""Names spelt in Arabic letters, matched with their Latin spelling (tm/names.py).

The spellings below are the usual ones of the press and of UN documents (facts); the sentences
are our own text.
"""

from __future__ import annotations

import pytest

from tm.lexicon import kept_words
from tm.names import MIN_CONSONANTS, name_keys, skeleton

SPELLINGS = [
    ("Trump", "ترامب"),
    ("Jones", "جونز"),
    ("Peter", "بيتر"),
    ("Goldsmith", "جولدسميث"),
    ("Singapore", "سنغافورة"),
    ("Kigali", "كيغالي"),
    ("Nairobi", "نيروبي"),
    ("Geneva", "جنيف"),
    ("Brazil", "البرازيل"),  # the article seen through
]


@pytest.mark.parametrize(("latin", "arabic"), SPELLINGS)
def test_a_name_and_its_arabic_spelling_share_a_skeleton(latin: str, arabic: str) -> None:
    assert skeleton(latin, "en") & skeleton(arabic, "ar")


def test_a_skeleton_is_not_phonetics() -> None:
    """Guterres: the Portuguese s sounds sh, and the Arabic spells the sound."""
    assert not skeleton("Guterres", "en") & skeleton("غوتيريش", "ar")


def test_arabic_prefixes_are_seen_through() -> None:
    """'and Trump', 'with Trump', 'for Trump' are one word in Arabic."""
    for word in ("وترامب", "بترامب", "لترامب"):
        assert "TRMB" in skeleton(word, "ar")
    assert skeleton("ترامب", "ar") == {"TRMB"}


def test_doubled_letters_and_digraphs_count_once() -> None:
    assert skeleton("Cromwell", "en") == {"KRML"}
    assert skeleton("Philippa", "en") == skeleton("Filipa", "en") == {"BLB"}
    assert skeleton("Schmidt", "en") == skeleton("شميدت", "ar") == {"XMDT"}
    assert skeleton("Cecil", "en") == {"SL"}  # a soft c; the two s are one class


def test_names_are_keys_only_when_found_on_both_sides() -> None:
    """A name of the English found in the Arabic is a key of both sentences; a name found on
    one side only, a word not capitalised, and a skeleton shorter than MIN_CONSONANTS
    (Mike: MK) are not."""
    src = [
        "Mr Goldsmith met Mike in Kigali.",
        "The trump card was played in Nairobi.",
        "Ms Albright did not attend.",
    ]
    tgt = [
        "التقى السيد جولدسميث بمايك في كيغالي.",
        "وقد لُعبت الورقة الرابحة في نيروبي.",
        "ولم تحضر السيدة.",
    ]
    src_keys, tgt_keys = name_keys(src, tgt, src_lang="en", tgt_lang="ar")
    assert src_keys == [["~GLDSMT", "~KGL"], ["~NRB"], []]
    assert tgt_keys == [["~GLDSMT", "~KGL"], ["~NRB"], []]
    assert all(len(s) < MIN_CONSONANTS for s in skeleton("Mike", "en"))


def test_either_side_may_be_the_arabic_one() -> None:
    src = ["تحدث السيد جونز."]
    tgt = ["Mr Jones spoke."]
    assert name_keys(src, tgt, src_lang="ar", tgt_lang="en") == ([["~GNS"]], [["~GNS"]])


def test_a_skeleton_found_far_more_often_on_one_side_is_no_name() -> None:
    """KTB is a name's skeleton (Kotob) and the root of writing (كتب, كتاب): found in one
    English sentence and four Arabic ones, it is the root."""
    src = ["Mr Kotob wrote.", "Books.", "A book.", "A writer."]
    tgt = ["كتب السيد.", "كتب.", "كتاب.", "كاتب."]
    assert name_keys(src, tgt, src_lang="en", tgt_lang="ar") == ([[], [], [], []], [[]] * 4)


@pytest.mark.parametrize(("src_lang", "tgt_lang"), [("en", "fr"), ("en", "ru"), ("zh", "ar")])
def test_no_names_without_one_latin_side_and_one_arabic(src_lang: str, tgt_lang: str) -> None:
    texts = ["Mr Jones spoke.", "جونز", "Джонс"]
    assert name_keys(texts, texts, src_lang=src_lang, tgt_lang=tgt_lang) == (
        [[], [], []],
        [[], [], []],
    )


def test_kept_words_carry_the_names_beside_the_words_kept_as_they_are() -> None:
    src = ["Mr Jones of UNICEF spoke."]
    tgt = ["تحدث السيد جونز من UNICEF."]
    assert kept_words(src, tgt, src_lang="en", tgt_lang="ar") == (
        [["=unicef", "=~GNS"]],
        [["=unicef", "=~GNS"]],
    )
