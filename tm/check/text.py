"""Text helpers of the checks: comparing forms, counting words, telling a name is present."""

from __future__ import annotations

import unicodedata

import regex
from rapidfuzz import fuzz

from tm.lang import base
from tm.models import Concept, TermHit

# --- text helpers -----------------------------------------------------------------------------

_SPACES = regex.compile(r"\s+")
# One hyphen, one apostrophe, and one "number" sign (French "nº" and "n°" are both written).
_HYPHENS = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u2019": "'", "\u00ba": "\u00b0"}
)
_TITLE_MARKS = str.maketrans({"《": None, "》": None, "〈": None, "〉": None, "\u0640": None})
ACRONYM = regex.compile(r"(?<![\p{L}\p{N}/.-])(?:[A-Z]{2,7}|[А-ЯЁ]{2,7})(?![\p{L}\p{N}/-])")
ROMAN = regex.compile(r"^[IVXLCDM]+$")
WORD = regex.compile(r"\p{L}+")
_LATIN = regex.compile(r"\p{Latin}")
LETTER = regex.compile(r"\p{L}")
HAN = regex.compile(r"\p{Han}")

# Languages whose names are not declined: a title found with other letters than every listed
# form ("politique" for "politiques") is misspelt, not inflected.
UNDECLINED = frozenset({"en", "fr", "es", "zh"})
# Head words of instrument titles: where one stands outside every recognised name, a name the
# recogniser missed may start or end ("Universal Declaration on Human Rights").
TITLE_HEADS = {
    "en": regex.compile(r"\b(?:Convention|Covenant|Declaration|Protocol|Charter)\b"),
    "fr": regex.compile(r"\b(?:Convention|Pacte|Déclaration|Protocole|Charte)\b"),
    "es": regex.compile(r"\b(?:Convención|Convenio|Pacto|Declaración|Protocolo|Carta)\b"),
    "zh": regex.compile(r"公约|宣言|议定书|宪章"),
    # Arabic words take clitics (و, ب, ل, ال) in front: no word boundary before the head
    "ar": regex.compile(r"(?:اتفاقية|العهد|عهد|الإعلان|إعلان|البروتوكول|بروتوكول|ميثاق)"),
}
#: rapidfuzz score from which an unrecognised text near a title word is an unlisted form of a
#: name: 85 catches two replaced words in a long title ("Pacte international sur les droits
#: civils et politiques", 87) and finds nothing in the 6,000 FLORES/NTREX sentences per language.
UNLISTED = 85


def clean(text: str) -> str:
    """Text for comparing forms: NFC, one space, one apostrophe and hyphen, no title marks."""
    text = unicodedata.normalize("NFC", text).translate(_HYPHENS).translate(_TITLE_MARKS)
    return str(_SPACES.sub(" ", text)).strip()


def sentence_key(text: str) -> str:
    """Text for spotting repeated sentences: case, spacing and edge punctuation ignored."""
    return clean(text).casefold().strip(" .;:,!?。；：，")


def word_count(text: str) -> int:
    return len(WORD.findall(text)) if not HAN.search(text) else len(text) // 2


def prose_word_count(text: str) -> int:
    """Words that are not names: lower-case words, or every word in a script without case."""
    return sum(1 for word in WORD.findall(text) if word.islower() or word.lower() == word)


def quote(text: str) -> str:
    return f"\u201c{text}\u201d"


_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_MARKS = regex.compile(r"[\u064b-\u0652\u0640\u0670]")
_PRESENT = 90  # rapidfuzz partial_ratio above which a form counts as present (inflected)


def fold(text: str) -> str:
    """Text for a tolerant presence test: case, Arabic letter forms and diacritics folded."""
    return str(_MARKS.sub("", clean(text).casefold().translate(_ARABIC_FOLD)))


def mentions(text: str, concept: Concept | None, lang: str, expected: str) -> bool:
    """True when some form of ``concept`` in ``lang`` is in ``text``, even inflected.

    The recogniser may miss a declined or re-ordered name ("Конвенции о сокращении
    безгражданства", "Convention de l'UNESCO sur la protection ..."); a missing-term finding
    needs the name to be absent under this looser test too.
    """
    forms = {expected}
    if concept is not None:
        for term in concept.terms:
            if base(term.lang) == lang:
                forms.add(term.text)
                if term.abbreviation:
                    forms.add(term.abbreviation)
    folded = fold(text)
    for form in forms:
        key = fold(form)
        if not key:
            continue
        if regex.search(_stems(key), folded):
            return True
        if len(key) >= 8 and fuzz.partial_ratio(key, folded, score_cutoff=_PRESENT):
            return True
    return False


def _stems(key: str) -> str:
    """A pattern for ``key`` with each long word's ending free: declined forms match.

    "генеральный секретарь" also finds "Генерального секретаря"; Chinese has no endings.
    """
    words = regex.findall(r"\w+", key)
    if not words or HAN.search(key):
        return str(regex.escape(key))
    parts = [
        regex.escape(word[: max(3, len(word) - 3)] if len(word) > 4 else word) for word in words
    ]
    return r"(?<!\w)" + r"\w*\W+".join(parts)


def is_abbreviation_hit(hit: TermHit, concept: Concept | None) -> bool:
    """True when the form found is an abbreviation (ICCPR, PIDCP, МПГПП) of its concept."""
    surface = clean(hit.text)
    if concept is not None:
        for term in concept.terms:
            if term.abbreviation and clean(term.abbreviation) in (surface, clean(hit.form)):
                return True
    return bool(ACRONYM.fullmatch(surface))
