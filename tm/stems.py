"""Normalised word stems and surface forms of glossary terms, in the six UN languages.

Recognition (:mod:`tm.recognition`) compares *stems*: case, accents, apostrophes, hyphens and
punctuation are folded away, Arabic is normalised (hamza and alef forms, tatweel, diacritics,
clitic article and prepositions), Russian, French, Spanish and English words are cut to a light
stem so that inflected names still match, and Chinese is read character by character (so the
title marks 《》 are optional). The *surface form* keeps spelling and folds only typography; it
tells a listed form from a variant.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

import regex

from tm.lang import base

__all__ = [
    "BARRIER",
    "STEMMERS",
    "WORD",
    "cached_base",
    "fold",
    "folded_words",
    "stem_ar",
    "stems",
    "surface_form",
    "tokenize",
]

#: ``tm.lang.base`` with a cache: every term and every call of ``find`` asks it.
cached_base = lru_cache(maxsize=1024)(base)

# --- normalisation ----------------------------------------------------------------------------

# "n°", "nº", "n.º" (French and Spanish "number") are one word "no", like English "No.".
_TOKEN = regex.compile(
    r"(?i:(?<![\p{L}\p{N}])(?:n\.?\s?[º°]|núm\.))"
    r"|[\p{Han}\p{Hiragana}\p{Katakana}]"
    r"|[[\p{L}\p{M}\p{N}]--[\p{Han}\p{Hiragana}\p{Katakana}]]+"
    r"|(?P<stop>[。！？；!?;《》])",
    flags=regex.V1,
)
#: The stem of a sentence or title boundary: no name is recognised across it.
BARRIER = "|"
_ZH_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
# Traditional characters of the glossary's Chinese names, folded to simplified for matching
# (sources in traditional script cite the same treaties): pairs traditional -> simplified.
_ZH_TRADITIONAL = str.maketrans(
    "與專為義書爭會兒關衝沖減別辦務員國處婦學憲對態戰護無機權條構樣歐殘濟滅狀現織組經絕罰聯"
    "約級類裝視議設負責進長際預駐種強蹤祕",
    "与专为义书争会儿关冲冲减别办务员国处妇学宪对态战护无机权条构样欧残济灭状现织组经绝罚联"
    "约级类装视议设负责进长际预驻种强踪秘",
)
_FOLD = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh
        "\u06a9": "\u0643",  # Persian kaf
        "\u0671": "\u0627",  # alef wasla
        "\u00ba": "o",
        "\u00b0": "o",
    }
)
# Surface comparison keeps spelling (hamza, case, accents) but not typography.
_SURFACE = str.maketrans(
    {
        **{c: "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032"},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
        "\u00ba": "\u00b0",
        "\u300a": None,  # 《
        "\u300b": None,  # 》
        "\u0640": None,  # tatweel
        **{chr(c): None for c in range(0x064B, 0x0653)},  # Arabic diacritics
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def fold(word: str) -> str:
    """Casefold, drop accents and combining marks, normalise Arabic letter variants."""
    if word[:1] in "nN" and (word[-1:] in "º°" or word.lower() == "núm.") and len(word) <= 4:
        return "no"
    text = unicodedata.normalize("NFKD", word.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_FOLD)


# Russian case endings, longest first (a word loses the first that fits), spelled as fold
# leaves them: it turns й into и, whose breve is a combining mark.
_RU_ENDINGS = tuple(
    "ого ему ому его ыми ими ами ями "  # noqa: SIM905 - a table of endings reads best as text
    "ои еи ии ыи ая яя ое ее ые ие ую юю ых их ым им ом ем ах ях ам ям ов ев ию ия ье ья ью "
    "а я ы и у ю о е ь".split()
)


def _stem_en(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem_fr(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _stem_es(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word[-1] in "aoe":
        word = word[:-1]
    return word


def _stem_ru(word: str) -> str:
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    while len(word) > 3 and word[-1] in "аеиоуыэюяь":  # ассамбле-я / ассамбл-еи
        word = word[:-1]
    return word


def stem_ar(word: str) -> str:
    """Strip the clitics and article that fuse with a word: و/ف, then لل, بال, ال, ب, ل, ك."""
    if word[:1] in ("و", "ف") and len(word) > 3:
        word = word[1:]
    if word.startswith("لل") and len(word) > 4:
        word = word[2:]  # li- + al-
    else:
        for prefix in ("بال", "كال", "ال", "ب", "ل", "ك"):
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                if word.startswith("ال") and len(word) > 4:
                    word = word[2:]
                break
    if word.endswith(("ون", "ين")) and len(word) > 4:  # sound plural, any case
        word = word[:-2]
    return word


STEMMERS: dict[str, Callable[[str], str]] = {
    "en": _stem_en,
    "fr": _stem_fr,
    "es": _stem_es,
    "ru": _stem_ru,
    "ar": stem_ar,
}


def tokenize(text: str, lang: str) -> list[tuple[int, int, str]]:
    """``(start, end, stem)`` for each word (each Han character) of ``text``."""
    out: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        if match.group("stop"):
            if out and out[-1][2] != BARRIER:
                out.append((match.start(), match.end(), BARRIER))
            continue
        key = _word_key(match.group(), lang)
        if key:
            out.append((match.start(), match.end(), key))
    return out


@lru_cache(maxsize=1 << 17)
def _word_key(word: str, lang: str) -> str:
    """The folded stem of one word (cached: running text repeats its words)."""
    folded = fold(word)
    if lang == "zh":
        return folded.translate(_ZH_DIGITS).translate(_ZH_TRADITIONAL)  # 第一 = 第1
    stem = STEMMERS.get(lang)
    return stem(folded) if stem and folded else folded


def stems(text: str, lang: str) -> tuple[str, ...]:
    """The matching key of ``text`` in ``lang``: its normalised word stems.

    >>> stems("Международного пакта", "ru")
    ('международн', 'пакт')
    """
    return tuple(t[2] for t in tokenize(text, cached_base(lang)) if t[2] != BARRIER)


# Chinese is written without spaces: a line break inside a title is no difference of form.
_HAN_GAP = regex.compile(r"(?<=[\p{Han}\p{Pd}、，])\s+(?=[\p{Han}、，])")


def surface_form(text: str) -> str:
    """The text for comparing forms: typography and line breaks folded, spelling kept."""
    text = unicodedata.normalize("NFC", text).translate(_SURFACE)
    folded: str = _HAN_GAP.sub("", " ".join(text.split()))
    return folded


WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def folded_words(text: str, lang: str) -> str:
    words = [fold(w) for w in WORD.findall(text)]
    return ("" if lang == "zh" else " ").join(words)
