"""Language tags: BCP 47 parsing, the six UN languages, and languages named in file names.

``en``, ``en-US`` and ``EN-us`` all mean English; the region the user wrote is kept where a
tag is stored, and :func:`base` gives the language for comparisons.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from tm.errors import LanguageError

__all__ = [
    "UN_LANGUAGES",
    "base",
    "from_filename",
    "likely_region",
    "normalize",
    "same_language",
    "script_for",
]

#: The six official languages of the United Nations, in UN order (alphabetical in English).
UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_FILE_LANG = re.compile(r"\.([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)\.[A-Za-z0-9]+$")


def normalize(tag: str) -> str:
    """Return ``tag`` in canonical BCP 47 case: ``EN_us`` -> ``en-US``, ``zh-hans`` -> ``zh-Hans``.

    Raises:
        LanguageError: if ``tag`` is not a language tag.

    >>> normalize("EN_us")
    'en-US'
    """
    tag = tag.strip()
    if not _TAG.match(tag):
        raise LanguageError(f"{tag!r} is not a language code (expected e.g. 'en', 'fr', 'zh-CN')")
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script subtag
        elif len(part) in (2, 3):
            out.append(part.upper())  # region subtag
        else:
            out.append(part.lower())
    return "-".join(out)


def base(tag: str) -> str:
    """Return the primary language of ``tag``: ``en-US`` -> ``en``.

    >>> base("ZH-Hans-CN")
    'zh'
    """
    return normalize(tag).split("-")[0]


def same_language(a: str, b: str) -> bool:
    """True when two tags name the same language, whatever their region or case."""
    return base(a) == base(b)


@lru_cache(maxsize=1024)
def likely_region(tag: str) -> str:
    """``tag`` with CLDR's likely region when it has none (what CAT tools that want regions
    are given: ``fr`` -> ``fr-FR``, ``zh`` -> ``zh-CN``, ``en`` -> ``en-US``).

    >>> likely_region("fr"), likely_region("zh"), likely_region("en-GB")
    ('fr-FR', 'zh-CN', 'en-GB')
    """
    from babel.core import get_global

    canonical = normalize(tag)
    parts = canonical.split("-")
    if any(len(p) in (2, 3) and p.isupper() for p in parts[1:]):
        return canonical
    likely = get_global("likely_subtags").get(parts[0])
    if likely is None:
        return canonical
    return f"{canonical}-{likely.split('_')[-1]}"


def from_filename(path: str | Path) -> str | None:
    """Return the language named in a ``.xx.`` part of a file name, or None.

    >>> from_filename("examples/letter/letter.fr.md")
    'fr'
    """
    match = _FILE_LANG.search(Path(path).name)
    if match is None:
        return None
    try:
        return normalize(match.group(1))
    except LanguageError:
        return None


# The script each language is written in, by Unicode script name (the first word of a letter's
# Unicode name, HAN for CJK ideographs: what tm.anchors.script_of reports for a text).
_SCRIPTS = {
    "LATIN": ("en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl"),
    "CYRILLIC": ("ru", "uk", "bg", "sr", "be", "kk", "mk"),
    "ARABIC": ("ar", "fa", "ur"),
    "HAN": ("zh",),
    "GREEK": ("el",),
    "HEBREW": ("he",),
}
_SCRIPT_OF_LANG = {lang: script for script, langs in _SCRIPTS.items() for lang in langs}


def script_for(tag: str) -> str | None:
    """The script language ``tag`` is written in (``LATIN``, ``HAN``, ...), or None if not known.

    >>> script_for("fr-CA"), script_for("zh"), script_for("ja")
    ('LATIN', 'HAN', None)
    """
    return _SCRIPT_OF_LANG.get(base(tag))
