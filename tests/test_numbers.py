"""Numbers, article references and dates reduce to the same values in every UN language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tm.anchors import Anchorer
from tm.numbers import by_value, chinese_number, compare, extract, values

# The same citation as the working translations of the letter write it (../shared/data/letter).
SAME = [
    ("Article 16.3", "paragraphe 3 de l'article 16"),
    ("Article 16.3", "第16条第3款"),
    ("Article 16.3", "第十六条第三款"),
    ("Article 16.3", "пункту 3 статьи 16"),
    ("Article 16.3", "الفقرة 3 من المادة 16"),
    ("Article 16.3", "artículo 16, párrafo 3"),
    ("Article 5 (i)", "l'article 5 i)"),
    ("Article 5 (i)", "第5条㈠目"),
    ("Article 5 (i)", "المادة 5 \u20191\u2018"),
    ("Article 1 of Protocol No. 1", "l'article premier du Protocole nº 1"),
    ("12 September 2023", "2023年9月12日"),
    ("12 September 2023", "12 أيلول/سبتمبر 2023"),
    ("12 September 2023", "12 de septiembre de 2023"),
    ("12 September 2023", "12 сентября 2023 года"),
    ("10 August 2023", "二〇二三年八月十日"),
    ("Article 1 of Protocol No. 1", "《欧洲人权公约第一议定书》第一条"),
    ("the First Optional Protocol", "第一任择议定书"),
    ("in 1987-91", "de 1987 à 1991"),
    ("1,000 people", "1 000 personnes"),
    ("Article 26", "المادة ٢٦"),
    ("Agenda items 31, 61 and 129", "议程项目31、61和129"),
]


@pytest.mark.parametrize(("source", "target"), SAME)
def test_same_citation_matches(source: str, target: str) -> None:
    assert not compare(source, target), (values(source), values(target))


def test_changed_article_number_is_reported() -> None:
    diff = compare("Article 26 of the Covenant", "第二十七条")
    assert diff.missing == ("26",)
    assert diff.extra == ("27",)


def test_changed_month_is_reported() -> None:
    assert compare("12 September 2023", "12 octobre 2023").missing == ("9",)


def test_month_name_alone_is_not_a_number() -> None:
    assert values("May we meet in May 2023?") == values("5 2023")
    assert not extract("Nous en parlerons en mai.")


def test_ordinals_in_words_are_not_numbers() -> None:
    # Session numbers are spelt out in every language and never compared.
    assert not extract("Seventy-eighth session")
    assert not extract("第七十八届会议")


def test_digits_that_do_not_group_by_three_are_separate_numbers() -> None:
    assert not compare("In 2023 150 people came.", "En 2023, 150 personnes sont venues.")
    assert values("appelez le 0800 555 111") == values("call 800 555111")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=99))
def test_article_and_paragraph_in_any_order(article: int, paragraph: int) -> None:
    assert not compare(
        f"Article {article}.{paragraph}", f"paragraphe {paragraph} de l'article {article}"
    )
    assert not compare(f"Article {article} ({paragraph})", f"第{article}条第{paragraph}款")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十六", 26),
        ("十", 10),
        ("十二", 12),
        ("一九四八", 1948),
        ("一百零五", 105),
        ("三万", 30000),
    ],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


_MONTH_WORDS = [
    "September",
    "sept.",
    "septembre",
    "de",
    "сентября",
    "سبتمبر",
    "أيلول/سبتمبر",
    "九月",
]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_MONTH_WORDS),
            st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=8),
        ),
        max_size=8,
    )
)
def test_a_text_without_digits_has_no_month(words: list[str]) -> None:
    # extract() skips the month pattern when it finds no digit: the pattern never matches then
    from tm.numbers import _month_pattern

    text = " ".join(words)
    assert _month_pattern().search(text) is None
    assert not [n for n in extract(text) if n.kind == "month"]


@given(st.lists(st.integers(min_value=0, max_value=10**30), max_size=12))
def test_values_sort_in_numeric_order_without_int(numbers: list[int]) -> None:
    assert sorted(map(str, numbers), key=by_value) == list(map(str, sorted(numbers)))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Article " + "9" * 5000),
        ("ar", "المادة " + "٣" * 5000),
        ("zh", "第" + "一" * 5000 + "条"),
        ("zh", "一" * 5000 + "年"),
        ("zh", "一万" * 3000 + "月"),
    ],
)
def test_a_numeral_of_thousands_of_digits_is_read_without_error(lang: str, text: str) -> None:
    """Before: Python's limit on converting strings of over 4,300 digits to int raised a
    ValueError from extract, compare (untm check) and the aligner's anchors (untm build)."""
    assert compare(text, "3").extra == ("3",)
    assert extract("0012 and " + "0" * 5000 + "7")[0].value == "12"
    Anchorer(lang).anchors(text)
    assert not compare(text, text)
