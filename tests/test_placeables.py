"""tm/placeables.py and tm/labels.py: placeables and structure labels substituted in six languages.

Every sentence here is our own text (not official UN text), written the way UN documents write
paragraph numbers, sub-paragraph letters, article references and dates in each language.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.labels import label_span, relabel
from tm.match import Matcher
from tm.models import Change, Unit, Variant
from tm.placeables import substitute
from tm.tokens import masked


def _matcher(en: str, **targets: str) -> Matcher:
    variants = (Variant("en", en), *(Variant(lang, text) for lang, text in targets.items()))
    return Matcher.from_units([Unit(variants)])


# --- numbers, dates and articles in every script ------------------------------------------


@pytest.mark.parametrize(
    ("lang", "target", "expected"),
    [
        ("fr", "Les articles 31, 61, 69 et 129 s'appliquent.", "32, 61, 69 et 130"),
        ("es", "Se aplican los artículos 31, 61, 69 y 129.", "32, 61, 69 y 130"),
        ("ru", "Применяются статьи 31, 61, 69 и 129.", "32, 61, 69 и 130"),
        ("zh", "第31、61、69和129条适用。", "第32、61、69和130条"),
        ("ar", "تنطبق المواد 31 و 61 و 69 و 129.", "32 و 61 و 69 و 130"),
        ("ar", "تنطبق المواد ٣١ و ٦١ و ٦٩ و ١٢٩.", "٣٢ و ٦١ و ٦٩ و ١٣٠"),
    ],
)
def test_enumerated_articles_are_substituted(lang: str, target: str, expected: str) -> None:
    matcher = _matcher("Articles 31, 61, 69 and 129 apply.", **{lang: target})
    (m,) = matcher.lookup("Articles 32, 61, 69 and 130 apply.")
    assert (m.score, m.kind) == (99, "placeable")
    assert expected in m.substituted[lang]


@pytest.mark.parametrize(
    ("memory", "draft", "expected"),
    [
        (
            {
                "zh": "委员会审议了第31、61、69和129段。",
                "en": "The Committee considered paragraphs 31, 61, 69 and 129.",
                "ar": "ونظرت اللجنة في الفقرات ٣١ و ٦١ و ٦٩ و ١٢٩.",
            },
            "委员会审议了第32、61、69和130段。",
            {
                "en": "The Committee considered paragraphs 32, 61, 69 and 130.",
                "ar": "ونظرت اللجنة في الفقرات ٣٢ و ٦١ و ٦٩ و ١٣٠.",
            },
        ),
        (
            {
                "ar": "انظر المادة ٢٦ من العهد.",
                "en": "See article 26 of the Covenant.",
                "zh": "见《公约》第26条。",
            },
            "انظر المادة ٢٧ من العهد.",
            {"en": "See article 27 of the Covenant.", "zh": "见《公约》第27条。"},
        ),
    ],
)
def test_a_chinese_or_arabic_source_gives_new_numbers_in_every_target(
    memory: dict[str, str], draft: str, expected: dict[str, str]
) -> None:
    src = next(iter(memory))
    unit = Unit(tuple(Variant(lang, text) for lang, text in memory.items()))
    (m,) = Matcher.from_units([unit], src_lang=src).lookup(draft)
    assert (m.score, m.kind) == (99, "placeable")
    assert m.substituted == expected


_DATE = ("Letter dated 12 September 2023.", "Letter dated 14 September 2023.")
_LETTER = ("(b) To report on it;", "(c) To report on it;")
_PARAGRAPH = ("3. Decides to remain seized.", "4. Decides to remain seized.")


@pytest.mark.parametrize(
    ("sentences", "lang", "target", "expected"),
    [
        (_DATE, "fr", "Lettre datée du 12 septembre 2023.", "Lettre datée du 14 septembre 2023."),
        (_DATE, "es", "Carta del 12 de septiembre de 2023.", "Carta del 14 de septiembre de 2023."),
        (_DATE, "ru", "Письмо от 12 сентября 2023 года.", "Письмо от 14 сентября 2023 года."),
        (_DATE, "zh", "2023年9月12日的信。", "2023年9月14日的信。"),
        (_DATE, "ar", "رسالة مؤرخة 12 أيلول/سبتمبر 2023.", "رسالة مؤرخة 14 أيلول/سبتمبر 2023."),
        (_LETTER, "fr", "b) D'en faire rapport;", "c) D'en faire rapport;"),
        (_LETTER, "es", "b) Informar al respecto;", "c) Informar al respecto;"),
        (_LETTER, "ru", "b) представить доклад;", "c) представить доклад;"),
        (_LETTER, "ru", "б) представить доклад;", "в) представить доклад;"),
        (_LETTER, "zh", "（b）报告执行情况；", "（c）报告执行情况；"),
        (_LETTER, "ar", "(ب) تقديم تقرير؛", "(ج) تقديم تقرير؛"),
        (_PARAGRAPH, "fr", "3. Décide de rester saisi.", "4. Décide de rester saisi."),
        (_PARAGRAPH, "es", "3. Decide seguir ocupándose.", "4. Decide seguir ocupándose."),
        (_PARAGRAPH, "ru", "3. постановляет продолжать.", "4. постановляет продолжать."),
        (_PARAGRAPH, "zh", "3．决定继续处理此案。", "4．决定继续处理此案。"),
        (
            _PARAGRAPH,
            "ar",
            "٣ - يقرر أن يبقي المسألة قيد نظره.",
            "٤ - يقرر أن يبقي المسألة قيد نظره.",
        ),
    ],
)
def test_a_new_day_letter_or_paragraph_number_scores_99_and_is_substituted(
    sentences: tuple[str, str], lang: str, target: str, expected: str
) -> None:
    """Dates change number by number; labels change in the target's own style."""
    memory_source, draft = sentences
    (m,) = _matcher(memory_source, **{lang: target}).lookup(draft)
    assert (m.score, m.kind) == (99, "placeable")
    assert m.substituted == {lang: expected}
    assert not any(c.month_changed for c in m.changes)


@pytest.mark.parametrize(
    ("lang", "target"),
    [
        ("fr", "Lettre datée du 12 septembre 2023."),
        ("zh", "2023年9月12日的信。"),
        ("ar", "رسالة مؤرخة 12 أيلول/سبتمبر 2023."),
    ],
)
def test_a_changed_month_is_reported_and_never_substituted(lang: str, target: str) -> None:
    matcher = _matcher("Letter dated 12 September 2023.", **{lang: target})
    (m,) = matcher.lookup("Letter dated 12 October 2023.")
    assert m.kind == "placeable"
    assert m.substituted == {}
    (change,) = m.changes
    assert (change.old, change.new, change.month_changed) == (
        "12 September 2023",
        "12 October 2023",
        True,
    )


def test_a_chinese_draft_date_with_a_new_month_is_reported() -> None:
    unit = Unit(
        (Variant("zh", "2023年9月12日的信。"), Variant("en", "Letter dated 12 September 2023."))
    )
    (m,) = Matcher.from_units([unit], src_lang="zh").lookup("2023年10月12日的信。")
    assert [c.month_changed for c in m.changes] == [True]
    assert m.substituted == {}


def test_chinese_article_number_touching_ideographs_is_substituted() -> None:
    matcher = _matcher("See article 27 of the Covenant.", zh="见《公约》第27条。")
    (m,) = matcher.lookup("See article 28 of the Covenant.")
    assert m.substituted == {"zh": "见《公约》第28条。"}


def test_a_value_also_cited_unchanged_is_not_substituted() -> None:
    """Which '9' of the target is the day cannot be known: the translator decides."""
    matcher = _matcher("Letter dated 9 September 2023.", zh="2023年9月9日的信。")
    (m,) = matcher.lookup("Letter dated 10 September 2023.")
    assert m.kind == "placeable"
    assert m.substituted == {}


def test_substitute_keeps_decimals_and_longer_numbers_whole() -> None:
    assert substitute("131 et 31 et 1.31", [Change("31", "32", "num")]) == "131 et 32 et 1.31"
    assert substitute("المادة ۲۶", [Change("26", "27", "num")]) == "المادة ۲۷"  # Persian digits


# --- structure labels: paragraph numbers and sub-paragraph letters --------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("12. Decides to remain seized of the matter;", "12."),
        ("(a) To report on the implementation;", "(a)"),
        ("(iv) Regional commissions;", "(iv)"),
        ("1.1 By 2030, eradicate extreme poverty", "1.1"),
        ("1.a Ensure significant mobilization", "1.a"),
        ("a) Informar sobre la aplicación;", "a)"),
        ("б) представить доклад;", "б)"),
        ("（a）报告执行情况；", "（a）"),
        ("1．决定继续处理此案。", "1．"),
        ("㈣ 区域委员会；", "㈣"),
        ("(أ) تقديم تقرير عن التنفيذ؛", "(أ)"),
        ("12 - يقرر أن يبقي المسألة قيد نظره.", "12 -"),
        ("’4‘ اللجان الإقليمية؛", "’4‘"),
    ],
)
def test_labels_are_found_at_the_start(text: str, label: str) -> None:
    span = label_span(text)
    assert span is not None
    assert text[slice(*span)] == label
    assert masked(text)[0] == "<label>"


@pytest.mark.parametrize(
    "text",
    ["2030 Agenda for Sustainable Development", "a new approach", "(see A/78/367)", "1.5 million"],
)
def test_other_starts_are_not_labels(text: str) -> None:
    assert label_span(text) is None


def test_paragraph_number_change_leaves_the_same_number_in_the_text() -> None:
    matcher = _matcher(
        "1. Requests a report within 1 year.", fr="1. Demande un rapport dans un délai de 1 an."
    )
    (m,) = matcher.lookup("2. Requests a report within 1 year.")
    assert m.substituted == {"fr": "2. Demande un rapport dans un délai de 1 an."}


@pytest.mark.parametrize(
    ("target", "old", "new", "expected"),
    [
        ("㈠ 报告", "(i)", "(ii)", "㈡ 报告"),
        ("’1‘ التقارير", "(i)", "(ii)", "’2‘ التقارير"),
        ("ii) los informes", "(ii)", "(iii)", "iii) los informes"),
        ("(i) reports", "(i)", "(j)", "(j) reports"),  # after (h), (i) is a letter
        ("1.a D'ici à 2030", "1.a", "1.b", "1.b D'ici à 2030"),
        ("1.1 D'ici à 2030", "1.1", "1.2", "1.2 D'ici à 2030"),
        ("(z) x", "(z)", "(aa)", "(aa) x"),
        ("1-1 القضاء على الفقر المدقع", "1.1", "1.2", "1-2 القضاء على الفقر المدقع"),
        ("1-أ كفالة حشد موارد كبيرة", "1.a", "1.b", "1-ب كفالة حشد موارد كبيرة"),
        ("(b) x", "(a)", "(b)", None),  # the target's label is not the source's
        ("Sans numéro", "(a)", "(b)", None),
    ],
)
def test_relabel(target: str, old: str, new: str, expected: str | None) -> None:
    assert relabel(target, old, new) == expected


_LATIN = [*"abcdefghijklmnopqrstuvwxyz", "aa", "bb"]
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщэюя"
_ABJAD = [
    "أ",
    "ب",
    "ج",
    "د",
    "هـ",
    "و",
    "ز",
    "ح",
    "ط",
    "ي",
    "ك",
    "ل",
    "م",
    "ن",
    "س",
    "ع",
    "ف",
    "ص",
    "ق",
    "ر",
    "ش",
    "ت",
    "ث",
    "خ",
    "ذ",
    "ض",
    "ظ",
    "غ",
]
_ROMAN = [
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "vi",
    "vii",
    "viii",
    "ix",
    "x",
    "xi",
    "xii",
    "xiii",
    "xiv",
    "xv",
]


@pytest.mark.parametrize(
    ("source", "styles"),
    [
        (_LATIN, ["({}) text", "{}) text", "（{}）文本"]),
        (_LATIN, ["{}) текст"]),
        (_LATIN[:26], ["({}) نص"]),
    ],
)
def test_every_next_letter_in_every_style(source: list[str], styles: list[str]) -> None:
    """(a) -> (b) ... (z) -> (aa): each target style gets its own next letter."""
    for style in styles:
        alphabet = _ABJAD if "نص" in style else _LATIN
        for n in range(len(source) - 1):
            old, new = f"({source[n]})", f"({source[n + 1]})"
            target = style.format(alphabet[n])
            assert relabel(target, old, new) == style.format(alphabet[n + 1]), (target, old)


def test_every_next_cyrillic_letter_and_roman_numeral() -> None:
    for n in range(len(_CYRILLIC) - 1):
        assert relabel(f"{_CYRILLIC[n]}) текст", f"{_CYRILLIC[n]})", f"{_CYRILLIC[n + 1]})") == (
            f"{_CYRILLIC[n + 1]}) текст"
        )
    for n in range(len(_ROMAN) - 1):
        old, new = f"({_ROMAN[n]})", f"({_ROMAN[n + 1]})"
        assert relabel(f"{_ROMAN[n]}) los informes", old, new) == f"{_ROMAN[n + 1]}) los informes"
        assert relabel(f"’{n + 1}‘ التقارير", old, new) == f"’{n + 2}‘ التقارير"
        if n + 2 <= 10:
            assert relabel(f"{chr(0x3220 + n)} 报告", old, new) == f"{chr(0x3221 + n)} 报告"


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@settings(max_examples=60, deadline=None)
@given(
    old=st.lists(st.integers(1, 999), min_size=1, max_size=5, unique=True),
    data=st.data(),
)
def test_substitution_equals_writing_the_new_numbers_in(
    old: list[int], data: st.DataObject
) -> None:
    """Against a naive reference: the target written afresh with the draft's numbers."""
    new = [
        data.draw(st.integers(1, 999).filter(lambda v, o=o: v != o))
        if data.draw(st.booleans())
        else o
        for o in old
    ]

    def en(values: list[int]) -> str:
        return f"Articles {', '.join(map(str, values))} apply."

    def zh(values: list[int]) -> str:
        return f"第{'、'.join(map(str, values))}条适用。"

    def ar(values: list[int]) -> str:
        return f"تنطبق المواد {' و '.join(map(str, values))}.".translate(_ARABIC_INDIC)

    (m,) = _matcher(en(old), zh=zh(old), ar=ar(old)).lookup(en(new))
    expected = {} if new == old else {"zh": zh(new), "ar": ar(new)}
    assert m.substituted == expected
