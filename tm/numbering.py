"""Word list numbering as text: the "1.", "(a)", "i)" that Word draws before a paragraph.

Word does not store a numbered paragraph's number in its text: the paragraph points to a list
definition (``w:numPr``: list id and level, directly or through its style) and Word counts.
UN documents number operative paragraphs and sub-paragraphs that way, and translators see the
numbers, so :class:`Numbering` counts as Word does and gives each paragraph its label, which
tm.document puts before the paragraph's text (the number stays in the segment, as in text
files). Counters run per abstract list definition, a level restarting when a higher level
advances; ``w:lvlText`` patterns such as ``%1.%2`` and the formats UN documents use (decimal,
letters, Roman numerals, Arabic abjad letters, Chinese counting, bullets) are rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

__all__ = ["Numbering", "render"]

_LEVELS = 9
_ABJAD = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"
_ARABIC_ALPHA = "أبتثجحخدذرزسشصضطظعغفقكلمنهوي"
_CHINESE = "零一二三四五六七八九"
_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _letters(n: int, alphabet: str) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    size = len(alphabet)
    return alphabet[(n - 1) % size] * ((n - 1) // size + 1)


def _roman(n: int) -> str:
    out = ""
    for value, digits in _ROMAN:
        while n >= value:
            out, n = out + digits, n - value
    return out


def _chinese(n: int) -> str:
    if n < 10:
        return _CHINESE[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CHINESE[tens]) + "十" + (_CHINESE[units] if units else "")


def render(n: int, fmt: str) -> str:
    """The number ``n`` in Word's number format ``fmt`` (decimal for formats not listed).

    >>> [render(n, f) for n, f in [(3, "lowerLetter"), (4, "lowerRoman"), (12, "chineseCounting")]]
    ['c', 'iv', '十二']
    """
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "arabicAbjad":
        return _letters(n, _ABJAD)
    if fmt == "arabicAlpha":
        return _letters(n, _ARABIC_ALPHA)
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional"):
        return _chinese(n)
    if fmt == "ideographEnclosedCircle" and 1 <= n <= 10:
        return chr(0x3220 + n - 1)  # ㈠ ... ㈩
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Counts a Word document's numbered paragraphs in document order."""

    __slots__ = (
        "_by_id",
        "_chains",
        "_counters",
        "_document",
        "_levels",
        "_numbering",
        "_overrides_used",
    )

    def __init__(self, document: DocxDocument) -> None:
        try:
            self._numbering: Any = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: nothing is numbered
            self._numbering = None
        self._document = document
        self._levels: dict[str, tuple[str, dict[int, tuple[str, str, int]]]] = {}
        self._counters: dict[str, list[int]] = {}
        self._overrides_used: set[str] = set()
        self._by_id: dict[str, Any] | None = None  # paragraph style id -> w:style element
        self._chains: dict[str | None, list[Any]] = {}  # style id -> the chain of elements

    def label(self, paragraph: DocxParagraph) -> str | None:
        """The label Word shows before ``paragraph`` ("1.", "(a)", "•"), or None."""
        if self._numbering is None:
            return None
        ref = _num_ref(paragraph._p, self._style_chain(paragraph._p.style))
        if ref is None:
            return None
        num_id, level = ref
        found = self._definition(num_id)
        if found is None:
            return None
        abstract, levels = found
        if level not in levels:
            return None
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return "•"
        if fmt == "none":
            return None
        counters = self._counters.setdefault(abstract, [0] * _LEVELS)
        if num_id not in self._overrides_used:  # a list that restarts its numbering
            self._overrides_used.add(num_id)
            for over_level, start in self._start_overrides(num_id).items():
                counters[over_level] = start - 1
        counters[level] = counters[level] + 1 if counters[level] else levels[level][2]
        for deeper in range(level + 1, _LEVELS):
            counters[deeper] = 0
        for k in range(_LEVELS - 1, -1, -1):
            if f"%{k + 1}" in text:
                value = counters[k] or levels.get(k, ("decimal", "", 1))[2]
                text = text.replace(f"%{k + 1}", render(value, levels.get(k, (fmt,))[0]))
        return text.strip() or None

    def _style_chain(self, style_id: str | None) -> list[Any]:
        """The ``w:style`` elements of a paragraph style and those it is based on (at most
        seven), found by id in a map made once: asking python-docx for ``paragraph.style``
        searches every style each time (a file with 50,000 styles ran past 300 s)."""
        by_id = self._by_id
        if by_id is None:
            styles = self._document.styles.element
            by_id = self._by_id = {
                element.get(qn("w:styleId")): element
                for element in styles.iterchildren(qn("w:style"))
                if element.get(qn("w:type")) == "paragraph"
            }
        chain = self._chains.get(style_id)
        if chain is None:
            chain = []
            style = by_id.get(style_id) if style_id is not None else None
            if style is None:  # no style, or an unknown one: the default paragraph style
                style = next(
                    (e for e in by_id.values() if e.get(qn("w:default")) in ("1", "true")), None
                )
            while style is not None and len(chain) < 7 and style not in chain:
                chain.append(style)
                based = _val(style, "w:basedOn")
                style = by_id.get(based) if based is not None else None
            self._chains[style_id] = chain
        return chain

    def _definition(self, num_id: str) -> tuple[str, dict[int, tuple[str, str, int]]] | None:
        if num_id in self._levels:
            return self._levels[num_id]
        abstract_id = None
        for num in self._numbering.iterchildren(qn("w:num")):
            if num.get(qn("w:numId")) == num_id:
                ref = num.find(qn("w:abstractNumId"))
                abstract_id = None if ref is None else ref.get(qn("w:val"))
                break
        if abstract_id is None:
            return None
        levels: dict[int, tuple[str, str, int]] = {}
        for abstract in self._numbering.iterchildren(qn("w:abstractNum")):
            if abstract.get(qn("w:abstractNumId")) != abstract_id:
                continue
            for lvl in abstract.iterchildren(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(_val(lvl, "w:start") or 1),
                )
        self._levels[num_id] = (abstract_id, levels)
        return self._levels[num_id]

    def _start_overrides(self, num_id: str) -> dict[int, int]:
        out: dict[int, int] = {}
        for num in self._numbering.iterchildren(qn("w:num")):
            if num.get(qn("w:numId")) != num_id:
                continue
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                if start is not None:
                    out[int(override.get(qn("w:ilvl"), "0"))] = int(start)
        return out


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _num_ref(paragraph: Any, styles: list[Any]) -> tuple[str, int] | None:
    """(list id, level) of a paragraph element, from its own properties or its styles'."""
    elements = [paragraph, *styles]
    num_id = level = None
    for element in elements:
        ppr = element.find(qn("w:pPr"))
        numpr = None if ppr is None else ppr.find(qn("w:numPr"))
        if numpr is None:
            continue
        num_id = num_id or _val(numpr, "w:numId")
        level = level if level is not None else _val(numpr, "w:ilvl")
        if num_id is not None:
            break
    if num_id is None or num_id == "0":  # numId 0 switches numbering off
        return None
    return num_id, int(level or 0)
