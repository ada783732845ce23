"""Names spelt in Arabic or Russian letters, matched with their Latin spelling (tm/names.py).

The spellings below are the usual ones of the press and of UN documents (facts); the sentences
are our own text.
"""

from __future__ import annotations

import pytest

from tm.lexicon import kept_words
from tm.names import MIN_CONSONANTS, name_keys, skeleton

SPELLINGS = [
    ("Trump", "ترامب", "Трамп"),
    ("Jones", "جونز", "Джонс"),
    ("Peter", "بيتر", "Питер"),
    ("Guterres", "غوتيريش", None),  # Portuguese s is sh: the Arabic follows the sound
    ("Goldsmith", "جولدسميث", "Голдсмит"),
    ("Singapore", "سنغافورة", "Сингапур"),
    ("Kigali", "كيغالي", "Кигали"),
    ("Nairobi", "نيروبي", "Найроби"),
    ("Geneva", "جنيف", "Женева"),
]


@pytest.mark.parametrize(("latin", "arabic", "russian"), SPELLINGS)
def test_a_name_and_its_spellings_share_a_skeleton(
    latin: str, arabic: str, russian: str | None
) -> None:
    if latin == "Guterres":  # a skeleton is not phonetics: the Portuguese s is missed
        assert not skeleton(latin, "en") & skeleton(arabic, "ar")
        return
    assert skeleton(latin, "en") & skeleton(arabic, "ar")
    if russian is not None:
        assert skeleton(latin, "en") & skeleton(russian, "ru")


def test_arabic_prefixes_are_seen_through() -> None:
    """'and Trump', 'with Trump', 'for Trump' are one word in Arabic."""
    for word in ("وترامب", "بترامب", "لترامب"):
        assert "TRMB" in skeleton(word, "ar")
    assert skeleton("ترامب", "ar") == {"TRMB"}


def test_doubled_letters_and_digraphs_count_once() -> None:
    assert skeleton("Cromwell", "en") == {"KRML"}
    assert skeleton("Philippa", "en") == skeleton("Filipa", "en") == {"BLB"}
    assert skeleton("Schmidt", "en") == skeleton("Шмидт", "ru") == {"XMDT"}
    assert skeleton("Cecil", "en") == skeleton("Сесил", "ru") == {"SL"}  # soft c, one class


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
    assert len(skeleton("Mike", "en").pop()) < MIN_CONSONANTS


def test_either_side_may_be_the_latin_one() -> None:
    src = ["Выступил г-н Джонс."]
    tgt = ["Mr Jones spoke."]
    assert name_keys(src, tgt, src_lang="ru", tgt_lang="en") == ([["~GNS"]], [["~GNS"]])


@pytest.mark.parametrize(("src_lang", "tgt_lang"), [("en", "fr"), ("en", "zh"), ("ar", "ru")])
def test_no_names_without_one_latin_side_and_one_arabic_or_russian(
    src_lang: str, tgt_lang: str
) -> None:
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
