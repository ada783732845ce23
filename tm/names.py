"""Names spelt in another script: a Latin-script name and its Arabic or Russian spelling,
matched by their consonant skeletons.

Arabic and Russian translations spell a foreign name by its sounds (Trump: ترامب, Трамп), so
the name is neither the same word on both sides (tm/lexicon.py: kept words) nor a translation
that a lexicon learned from other documents knows (a name recurs in few of them). Both
spellings reduce to one *skeleton*: the consonants in order, each as a class of the letters
that transliteration swaps (b, p, f and v; t and th; d; g and j; k, c and q; s and z; sh and
ch), vowels and the letters that stand for them (alif, waw, ya; у, и, й) left out, a doubled
class once. A capitalised word of the Latin-script side and a word of the other side with one
skeleton of at least :data:`MIN_CONSONANTS` consonants, found in one document, are taken for
one name; the aligner links them as it links kept words.

>>> skeleton("Trump", "en"), skeleton("ترامب", "ar"), skeleton("Трамп", "ru")
({'TRMB'}, {'TRMB'}, {'TRMB'})
>>> name_keys(["Mr Jones said so."], ["وقال السيد جونز ذلك."], src_lang="en", tgt_lang="ar")
([['~GNS']], [['~GNS']])
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

__all__ = ["MIN_CONSONANTS", "NAME", "name_keys", "skeleton"]

#: Prefix of a name's key (after tm/lexicon.py's KEPT).
NAME = "~"
#: Skeletons shorter than this match too many ordinary words (Arabic roots have three).
MIN_CONSONANTS = 3


def _classes(table: dict[str, str]) -> dict[str, str]:
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
_CYRILLIC = _classes(
    {"бпфв": "B", "т": "T", "д": "D", "гж": "G", "к": "K", "х": "H", "р": "R", "л": "L"}
    | {"м": "M", "н": "N", "сзц": "S", "шщч": "X"}
)
_CYRILLIC_PAIRS = (("дж", "G"), ("кс", "KS"))
_SCRIPT_OF = {"ar": "arabic", "ru": "cyrillic"}
_LATIN_NAME = regex.compile(r"\b\p{Lu}\p{Ll}[\p{L}'’-]+")
_WORD = regex.compile(r"[\p{L}\p{M}]{3,}")


def _squash(classes: str) -> str:
    """A doubled class once (Willoughby: LL is one L)."""
    out: str = regex.sub(r"(.)\1+", r"\1", classes)
    return out


def _spell(word: str, letters: dict[str, str], pairs: Sequence[tuple[str, str]]) -> str:
    word = word.casefold()
    out, at = [], 0
    while at < len(word):
        for pair, cls in pairs:
            if word.startswith(pair, at):
                out.append(cls)
                at += len(pair)
                break
        else:
            letter = word[at]
            if letter == "c":  # soft before e, i, y
                out.append("S" if word[at + 1 : at + 2] in ("e", "i", "y") else "K")
            else:
                out.append(letters.get(letter, ""))
            at += 1
    return _squash("".join(out))


def skeleton(word: str, lang: str) -> set[str]:
    """The skeletons a word of ``lang`` may have (an Arabic word's with and without the
    prefixes it may carry); empty for a language whose script is not handled."""
    script = _SCRIPT_OF.get(lang, "latin")
    if script == "latin":
        return {_spell(word, _LATIN, _LATIN_PAIRS)}
    if script == "cyrillic":
        return {_spell(word, _CYRILLIC, _CYRILLIC_PAIRS)}
    bare = regex.sub(r"\p{Mn}", "", word)  # short vowels and other marks
    forms = {bare} | {
        bare[len(p) :] for p in _ARABIC_PREFIXES if bare.startswith(p) and len(bare) > len(p) + 2
    }
    return {_spell(form, _ARABIC, ()) for form in forms}


def name_keys(
    src: Sequence[str], tgt: Sequence[str], *, src_lang: str, tgt_lang: str
) -> tuple[list[list[str]], list[list[str]]]:
    """Each source and target sentence's names (:data:`NAME` + skeleton) whose skeleton is
    found on both sides, in order; none unless one side is in Latin script and the other in
    Arabic or Russian."""
    sides = {src_lang: src, tgt_lang: tgt}
    latin = [lang for lang in sides if lang not in _SCRIPT_OF]
    other = [lang for lang in sides if lang in _SCRIPT_OF]
    if len(latin) != 1 or len(other) != 1:
        return [[] for _ in src], [[] for _ in tgt]

    def names(texts: Sequence[str], lang: str) -> list[list[str]]:
        found = _LATIN_NAME.findall if lang in latin else _WORD.findall
        return [
            list(dict.fromkeys(s for word in found(text) for s in skeleton(word, lang)))
            for text in texts
        ]

    src_names, tgt_names = names(src, src_lang), names(tgt, tgt_lang)
    both = {s for ss in src_names for s in ss if len(s) >= MIN_CONSONANTS}
    both &= {s for ss in tgt_names for s in ss}
    return (
        [[NAME + s for s in ss if s in both] for ss in src_names],
        [[NAME + s for s in ss if s in both] for ss in tgt_names],
    )
