"""Names spelt in Arabic letters, matched with their Latin spelling by consonant skeleton.

An Arabic translation spells a foreign name by its sounds (Trump: ترامب), so the name is
neither the same word on both sides (tm/lexicon.py: kept words) nor a translation that a
lexicon learned from other documents knows (a name recurs in few of them). Both spellings
reduce to one *skeleton*: the consonants in order, each as a class of the letters that
transliteration swaps (b, p, f and v; t and th; d; g and j; k, c and q; s and z; sh and ch),
vowels and the letters that stand for them (alif, waw, ya) left out, a doubled class once, an
Arabic word's prefixes (and, with, for, the) seen through. A capitalised word of the
Latin-script side and an Arabic word with one skeleton of at least :data:`MIN_CONSONANTS`
consonants, found in about as many sentences on each side of one document, are taken for one
name; the aligner links them as it links kept words.

Russian is left out: it declines names (Трампа, Трампом), so the endings change the skeleton,
and on the bench's long documents its skeletons cost more beads than they placed.

>>> skeleton("Trump", "en"), skeleton("ترامب", "ar")
(frozenset({'TRMB'}), frozenset({'TRMB'}))
>>> name_keys(["Mr Jones said so."], ["وقال السيد جونز ذلك."], src_lang="en", tgt_lang="ar")
([['~GNS']], [['~GNS']])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import regex

from tm.lang import script_for

__all__ = ["MIN_CONSONANTS", "NAME", "name_keys", "skeleton"]

#: Prefix of a name's key (after tm/lexicon.py's KEPT).
NAME = "~"
#: Skeletons shorter than this match too many ordinary words (Arabic roots have three).
MIN_CONSONANTS = 3
# A name recurs about as often in both versions; a skeleton found in many more sentences on one
# side than on the other is an ordinary word's (an Arabic root) that met a name by chance
_BALANCE = 2


def _classes(table: dict[str, str]) -> dict[str, str]:
    """Each letter's class, from letters grouped by class."""
    return {letter: cls for letters, cls in table.items() for letter in letters}


# Latin letters (after the pairs below) to consonant classes; the rest are vowels or silent
_LATIN = _classes(
    {"bpfv": "B", "t": "T", "d": "D", "gj": "G", "kq": "K", "h": "H", "r": "R", "l": "L"}
    | {"m": "M", "n": "N", "sz": "S", "x": "KS"}
)
_LATIN_PAIRS: tuple[tuple[str, str], ...] = (
    ("sch", "X"),
    ("sh", "X"),
    ("ch", "X"),
    ("ph", "B"),
    ("th", "T"),
    ("ck", "K"),
    ("gh", ""),
    ("kh", "H"),
    ("qu", "K"),
)
_ARABIC = _classes(
    {"بفپڤ": "B", "تطث": "T", "دضذ": "D", "جغگ": "G", "قك": "K", "حهخ": "H", "ر": "R"}
    | {"ل": "L", "م": "M", "ن": "N", "سصزظ": "S", "ش": "X"}
)
# Arabic words carry their conjunctions, prepositions and article: "and Trump" is one word
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
_LATIN_NAME = regex.compile(r"\b\p{Lu}\p{Ll}[\p{L}'’-]+")
_ARABIC_WORD = regex.compile(r"\p{Arabic}{3,}")


def _squash(classes: str) -> str:
    """A doubled class once (Willoughby: LL is one L)."""
    out: str = regex.sub(r"(.)\1+", r"\1", classes)
    return out


def _latin(word: str) -> str:
    """The skeleton of a word in Latin letters (pairs such as sh and th first)."""
    word = word.casefold()
    out, at = [], 0
    while at < len(word):
        for pair, cls in _LATIN_PAIRS:
            if word.startswith(pair, at):
                out.append(cls)
                at += len(pair)
                break
        else:
            letter = word[at]
            if letter == "c":  # soft before e, i, y
                out.append("S" if word[at + 1 : at + 2] in ("e", "i", "y") else "K")
            else:
                out.append(_LATIN.get(letter, ""))
            at += 1
    return _squash("".join(out))


@lru_cache(maxsize=1 << 16)
def skeleton(word: str, lang: str) -> frozenset[str]:
    """The skeletons a word may have: an Arabic word's (``lang`` "ar") with and without the
    prefixes it may carry, else the word's as Latin letters (kept for the next call: the
    aligner asks again each time it learns its lexicon again)."""
    if lang != "ar":
        return frozenset({_latin(word)})
    bare = regex.sub(r"\p{Mn}", "", word)  # short vowels and other marks
    forms = {bare} | {
        bare[len(p) :] for p in _ARABIC_PREFIXES if bare.startswith(p) and len(bare) > len(p) + 2
    }
    return frozenset(_squash("".join(_ARABIC.get(ch, "") for ch in form)) for form in forms)


def name_keys(
    src: Sequence[str], tgt: Sequence[str], *, src_lang: str, tgt_lang: str
) -> tuple[list[list[str]], list[list[str]]]:
    """Each source and target sentence's names (:data:`NAME` + skeleton) found on both
    sides, in order; none unless one side is Arabic and the other in Latin script."""
    latin = tgt_lang if src_lang == "ar" else src_lang
    if "ar" not in (src_lang, tgt_lang) or script_for(latin) != "LATIN":
        return [[] for _ in src], [[] for _ in tgt]

    def names(texts: Sequence[str], lang: str) -> list[list[str]]:
        found = _ARABIC_WORD.findall if lang == "ar" else _LATIN_NAME.findall
        return [
            list(dict.fromkeys(s for word in found(text) for s in skeleton(word, lang)))
            for text in texts
        ]

    src_names, tgt_names = names(src, src_lang), names(tgt, tgt_lang)
    src_count = Counter(s for ss in src_names for s in ss if len(s) >= MIN_CONSONANTS)
    tgt_count = Counter(s for ss in tgt_names for s in ss if len(s) >= MIN_CONSONANTS)
    both = {
        s
        for s, a in src_count.items()
        if (b := tgt_count.get(s, 0)) and max(a, b) <= _BALANCE * min(a, b)
    }
    return (
        [[NAME + s for s in ss if s in both] for ss in src_names],
        [[NAME + s for s in ss if s in both] for ss in tgt_names],
    )
