"""Paragraph numbers and sub-paragraph letters at the start of a segment, in six languages.

UN documents keep their structure numbers in the segment text, as CAT tools do: operative and
report paragraphs ``12.`` (``12．`` in Chinese, ``12 -`` in Arabic), sub-paragraphs ``(a)``
(``a)`` in French, Spanish and Russian, ``（a）`` in Chinese, ``(أ)`` in Arabic, whose letters
follow the abjad order), ``(iv)`` (``iv)``, ``㈣`` in Chinese, ``’4‘`` in Arabic) and goal
targets ``1.1``, ``1.a``. Matching treats such a label as a placeable (:mod:`tm.tokens`): a
sentence that differs from a memory unit only in its label is a 99% match, and
:func:`relabel` writes the draft's label into each target in the target's own style.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

__all__ = ["LABEL", "label_span", "relabel"]

_ROMAN_ITEM = r"(?:[ivxl]{1,6})"
_ITEM = r"(?:[ivxl]{1,6}|[a-z]{1,2}|[а-я]|\d{1,2}|هـ|[\p{Arabic}&&\p{L}])"
# A label ends at a space, the end of the text, or an ideograph (Chinese writes no space).
_AFTER = r"(?=[\s\p{Han}]|$)"
# Goal targets 1.1, 1.a (Arabic 1-1, 1-أ) are followed by a capital or another script, so that
# "1.5 million" is not one.
_TARGET = r"\d{1,3}(?:(?:[.．](?:\d{1,3}|[a-z]))+|-(?:\d{1,3}|[\p{Arabic}&&\p{L}]))[.．]?"
_TARGET_AFTER = r"(?=\s+[\p{Lu}\p{Lo}]|\p{Han}|$)"
_PARAGRAPH = r"\d{1,3}(?:[.．]|\s?[-–])"  # 12. 12． 12 -
#: A structure label at the start of a segment (after any spaces).
LABEL = regex.compile(
    rf"\s*(?P<label>[(（]\s*{_ITEM}\s*[)）]|{_ITEM}\){_AFTER}|[’']\d{{1,2}}[‘']{_AFTER}"
    rf"|[\u3220-\u3229]|{_TARGET}{_TARGET_AFTER}|{_PARAGRAPH}{_AFTER})",
    regex.VERSION1,
)

_LATIN = "abcdefghijklmnopqrstuvwxyz"
# Russian UN texts letter sub-paragraphs in Latin, some in Cyrillic (without ё й ъ ы ь).
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщэюя"
# Arabic sub-paragraph letters follow the abjad order: (أ) (ب) (ج) (د) (هـ) (و) ...
_ABJAD: tuple[str, ...] = ("أ", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ي", "ك", "ل", "م", "ن")
_ABJAD += ("س", "ع", "ف", "ص", "ق", "ر", "ش", "ت", "ث", "خ", "ذ", "ض", "ظ", "غ")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_PART = regex.compile(
    rf"{_ROMAN_ITEM}|[a-z]{{1,2}}|[а-я]|\d{{1,3}}|هـ|[\p{{Arabic}}&&\p{{L}}]|[\u3220-\u3229]",
    regex.VERSION1,
)


@dataclass(frozen=True, slots=True)
class _Part:
    """One component of a label: its span in the label, its class (``number``, ``letter``,
    ``roman``) and ordinal, and how it is written (``digits``, ``latin``, ``cyrillic``,
    ``abjad``, ``roman``, ``circled``)."""

    start: int
    end: int
    cls: str
    value: int
    script: str


def label_span(text: str) -> tuple[int, int] | None:
    """The span of the structure label at the start of ``text``, or None.

    >>> label_span("(a) Calls upon all States"), label_span("12. Decides")
    ((0, 3), (0, 3))
    >>> label_span("2030 Agenda") is None
    True
    """
    m = LABEL.match(text)
    return m.span("label") if m else None


def _roman(text: str) -> int | None:
    total, last = 0, 0
    for char in reversed(text):
        value = _ROMAN[char]
        total += -value if value < last else value
        last = max(last, value)
    return total if _to_roman(total) == text else None


def _to_roman(value: int) -> str:
    out = ""
    for number, numeral in ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv")):
        while value >= number:
            out += numeral
            value -= number
    return out + "i" * value


def _readings(item: str, start: int) -> list[_Part]:
    """The ways one component can be read: ``i`` is the letter i or the roman one."""
    end = start + len(item)
    if item.isdecimal():
        return [_Part(start, end, "number", int(_ascii(item)), "digits")]
    if "\u3220" <= item <= "\u3229":
        return [_Part(start, end, "roman", ord(item) - 0x321F, "circled")]
    found = []
    if regex.fullmatch(_ROMAN_ITEM, item) and (value := _roman(item)) is not None:
        found.append(_Part(start, end, "roman", value, "roman"))
    if regex.fullmatch(r"[a-z]{1,2}", item) and (len(item) == 1 or item[0] == item[1]):
        found.append(
            _Part(start, end, "letter", _LATIN.index(item[0]) + 1 + 26 * (len(item) - 1), "latin")
        )
    elif item in _CYRILLIC:
        found.append(_Part(start, end, "letter", _CYRILLIC.index(item) + 1, "cyrillic"))
    elif item in _ABJAD:
        found.append(_Part(start, end, "letter", _ABJAD.index(item) + 1, "abjad"))
    return found


def _ascii(digits: str) -> str:
    return "".join(str(unicodedata.decimal(c)) for c in digits)


def _parts(label: str) -> list[list[_Part]]:
    """Each component of ``label`` with its readings; Arabic ’1‘ stands for the roman (i)."""
    quoted = regex.fullmatch(r"[’']\d{1,2}[‘']", label)
    out = []
    for m in _PART.finditer(label):
        readings = _readings(m.group(), m.start())
        if quoted:
            readings = [_Part(r.start, r.end, "roman", r.value, "digits") for r in readings]
        out.append(readings)
    return out


def _render(part: _Part, value: int, written: str) -> str | None:
    """``value`` written as ``part`` is (``written``: the part's text), None if it cannot be."""
    if value < 1:
        return None
    if part.script == "digits":
        zero = ord(written[0]) - int(unicodedata.decimal(written[0]))
        return "".join(chr(zero + int(d)) for d in str(value))
    if part.script == "circled":
        return chr(0x321F + value) if value <= 10 else None
    if part.script == "roman":
        return _to_roman(value) if value < 90 else None
    alphabet = {"latin": _LATIN, "cyrillic": _CYRILLIC, "abjad": _ABJAD}[part.script]
    if part.script == "latin" and value > 26:
        letter = _LATIN[(value - 1) % 26]
        return letter * ((value - 1) // 26 + 1) if value <= 52 else None
    return alphabet[value - 1] if value <= len(alphabet) else None


def _read(old: str, new: str) -> list[tuple[_Part, int, int]] | None:
    """The components of ``old`` with their old and new ordinals, read alike in both labels
    (``(i)`` -> ``(ii)`` is roman, ``(i)`` -> ``(j)`` a letter); None if they do not pair."""
    before, after = _parts(old), _parts(new)
    if len(before) != len(after):
        return None
    out = []
    for was, now in zip(before, after, strict=True):
        common = [(a, b) for a in was for b in now if a.cls == b.cls]
        if not common:
            return None
        # two single letters read as letters ((i) -> (j)); a longer one decides for roman
        # ((i) -> (ii), not the letters i -> ii)
        if len(common) > 1:
            single = all(r.end - r.start == 1 for r in (common[0][0], common[0][1]))
            common = [c for c in common if (c[0].cls == "letter") == single]
        a, b = common[0]
        out.append((a, a.value, b.value))
    return out


def relabel(target: str, old: str, new: str) -> str | None:
    """``target`` with its leading label changed as the source's changed from ``old`` to
    ``new``, in the target's own style; None when the target's label does not correspond.

    >>> relabel("b) Exhorta a todos los Estados", "(b)", "(c)")
    'c) Exhorta a todos los Estados'
    >>> relabel("’2‘ التقارير", "(ii)", "(iii)")
    '’3‘ التقارير'
    """
    changes = _read(old, new)
    m = LABEL.match(target)
    if changes is None or m is None:
        return None
    label = m.group("label")
    mine = _parts(label)
    if len(mine) != len(changes):
        return None
    out, pos = [], 0
    for readings, (part, was, now) in zip(mine, changes, strict=True):
        fits = [r for r in readings if r.cls == part.cls and r.value == was]
        if not fits:
            return None
        written = label[fits[0].start : fits[0].end]
        text = _render(fits[0], now, written)
        if text is None:
            return None
        out += [label[pos : fits[0].start], text]
        pos = fits[0].end
    out.append(label[pos:])
    start = m.start("label")
    return target[:start] + "".join(out) + target[m.end("label") :]
