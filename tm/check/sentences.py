"""The bilingual rules on whole sentences: untranslated segments, inconsistent and identical
translations."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import regex

from tm.check.findings import Pair, make_finding
from tm.check.text import LETTER, prose_word_count, sentence_key, word_count
from tm.lang import script_for
from tm.models import Finding

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "that",
            "for",
            "with",
            "by",
            "which",
            "their",
            "this",
            "from",
            "are",
            "was",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "et",
            "des",
            "du",
            "à",
            "est",
            "au",
            "aux",
            "dans",
            "une",
            "qui",
            "pour",
            "sur",
            "par",
            "ces",
            "leur",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "y",
            "del",
            "al",
            "es",
            "una",
            "que",
            "por",
            "para",
            "con",
            "su",
            "sus",
            "esta",
            "dichos",
        ]
    ),
}
_LOWER_WORD = regex.compile(r"\p{Ll}+")


def _in_language(text: str, lang: str, other: str) -> bool:
    """True when ``text`` reads as ``lang`` rather than ``other`` (both Latin-script)."""
    words = _LOWER_WORD.findall(text.casefold())
    mine = _FUNCTION_WORDS[lang] - _FUNCTION_WORDS[other]
    theirs = _FUNCTION_WORDS[other] - _FUNCTION_WORDS[lang]
    hits = sum(word in mine for word in words)
    return hits >= 3 and hits > 2 * sum(word in theirs for word in words)


@cache
def _language_name(lang: str) -> str:
    """The English name of a language (CLDR via Babel): "es" -> "Spanish"."""
    from babel import Locale

    return str(Locale.parse("en").languages.get(lang, lang))


@cache
def _script_words(script: str) -> regex.Pattern[str]:
    return regex.compile(rf"\p{{{script}}}+")


def untranslated(pair: Pair, *, src_lang: str, tgt_lang: str) -> Finding | None:
    """A target left in the source language (copied, or in the source's script), or a source
    sentence with no translation at all (a 1-0 bead: left out)."""
    if src_lang == tgt_lang or pair.kind == "header":
        return None
    source, target = pair.source.strip(), pair.target.strip()
    if prose_word_count(source) < 2 or word_count(source) < 3:
        return None
    if not target:
        return make_finding(
            "untranslated",
            pair,
            "",
            f"a translation into {_language_name(tgt_lang)}",
            "No translation of this sentence was found; it may have been left out.",
        )
    copied = sentence_key(source) == sentence_key(target)
    src_script, tgt_script = script_for(src_lang), script_for(tgt_lang)
    if not copied and src_script and tgt_script and src_script != tgt_script:
        letters = len(LETTER.findall(target))
        words = _script_words(src_script).findall(target)
        in_source = sum(len(word) for word in words)
        copied = len(words) >= 3 and in_source > 0.6 * max(letters, 1)
    elif not copied and src_lang in _FUNCTION_WORDS and tgt_lang in _FUNCTION_WORDS:
        copied = _in_language(target, src_lang, tgt_lang)
    if not copied:
        return None
    return make_finding(
        "untranslated",
        pair,
        pair.target,
        f"a translation into {_language_name(tgt_lang)}",
        "This segment is still in the source language; translate it.",
    )


def consistency(pairs: Sequence[Pair]) -> list[Finding]:
    """Same source translated differently, different sources translated identically."""
    findings = []
    first_target: dict[str, Pair] = {}
    first_source: dict[str, Pair] = {}
    for pair in pairs:
        if word_count(pair.source) < 4 or not pair.target.strip() or pair.kind == "header":
            continue
        skey, tkey = sentence_key(pair.source), sentence_key(pair.target)
        earlier = first_target.setdefault(skey, pair)
        if earlier is not pair and sentence_key(earlier.target) != tkey:
            findings.append(
                make_finding(
                    "inconsistent-translation",
                    pair,
                    pair.target,
                    earlier.target,
                    f"This sentence was translated differently in segment {earlier.segment + 1}; "
                    "use one translation.",
                )
            )
        earlier = first_source.setdefault(tkey, pair)
        if earlier is not pair and sentence_key(earlier.source) != skey:
            findings.append(
                make_finding(
                    "identical-translation",
                    pair,
                    pair.target,
                    f"a translation of this source (segment {earlier.segment + 1} has the "
                    "same text)",
                    f"Segment {earlier.segment + 1} has a different source but the same "
                    "translation; check that each says what its source says.",
                )
            )
    return findings
