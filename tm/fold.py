"""How concordance compares text: case, apostrophes, quotes and spaces do not matter.

UN texts write one apostrophe several ways (``'`` ``’`` ``ʼ`` ``‘``), quote with « », “ ”, „ “
or ``"`` by language and typist, and French puts a no-break or narrow no-break space inside
guillemets and before ``:``. A translator who types ``l'Assemblée`` or ``"Conseil"`` must find
``l’Assemblée`` and ``« Conseil »``. :func:`fold` maps the query and each stored text to one
form (NFKC, case-folded, every apostrophe ``'``, every quotation mark ``"`` with no space
beside it, every run of spaces one space, none at the ends); :func:`spans` finds the query in
the real text, so that what is shown is what is stored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["APOSTROPHES", "QUOTES", "contains", "fold", "spans"]

#: apostrophes and single quotation marks written for one another (U+0027 first)
APOSTROPHES = "'\u2019\u02bc\u2018\u201b\u02bb\u2032\u0060\u00b4\ua78c"
#: double quotation marks and guillemets of the six languages (U+0022 first)
QUOTES = '"\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a\u301d\u301e'

_OTHER_APOSTROPHES = re.compile(f"[{re.escape(APOSTROPHES[1:])}]")
_OTHER_QUOTES = re.compile(f"[{re.escape(QUOTES[1:])}]")
_SPACE_AROUND_QUOTE = re.compile(r' "|" ')
_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """The form in which a query and a stored text are compared.

    Each step runs only where it changes something (a regular expression that finds nothing
    costs little), since concordance folds every text of the memory.

    >>> fold("l’Assemblée  générale")
    "l'assemblée générale"
    >>> fold("le « Conseil\u202fde sécurité »") == fold('le "Conseil de sécurité"')
    True
    """
    # the marks first: NFKC would make ´ a space and a combining accent
    text = _OTHER_QUOTES.sub('"', _OTHER_APOSTROPHES.sub("'", text))
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.casefold().split())  # str.split knows no-break spaces too
    while '" ' in text or ' "' in text:
        text = _SPACE_AROUND_QUOTE.sub('"', text)
    return text


def contains(text: str, needle: str) -> bool:
    """Whether ``fold(text)`` contains ``needle`` (a folded query), for scanning a memory.

    Most texts are ruled out by a plain case-folded search for the needle's longest run of
    letters and digits, which folding leaves in place (it maps marks and spaces only) unless
    NFKC changes the text; only the others are folded.
    """
    key = _key(needle)
    if (
        key
        and key not in text.casefold()
        and (text.isascii() or unicodedata.is_normalized("NFKC", text))
    ):
        return False
    return needle in fold(text)


@lru_cache(maxsize=64)
def _key(needle: str) -> str:
    runs = _NOT_ALNUM.split(needle)
    return max(runs, key=len) if runs else ""


def spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text`` as :func:`fold` compares them: ``(start, end)``
    offsets into ``text`` itself, for highlighting. Empty when the query matches only through
    a compatibility form (e.g. full-width letters), which is rare and only costs the mark."""
    pattern = _pattern(fold(query))
    return [m.span() for m in pattern.finditer(text)] if pattern is not None else []


@lru_cache(maxsize=64)
def _pattern(folded: str) -> re.Pattern[str] | None:
    """A regular expression that finds ``folded`` in unfolded text."""
    if not folded.strip():
        return None
    parts = []
    last = len(folded) - 1
    for k, char in enumerate(folded):
        if char == "'":
            parts.append(f"[{re.escape(APOSTROPHES)}]")
        elif char == '"':
            # spaces beside a quote inside the match; none taken before or after it
            before, after = (r"\s*" if k > 0 else ""), (r"\s*" if k < last else "")
            parts.append(rf"{before}[{re.escape(QUOTES)}]{after}")
        elif char == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)
