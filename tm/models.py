"""Values passed between untm's modules: frozen dataclasses, no behaviour beyond small helpers.

Each class is owned by the module named in its docstring; other modules only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "Alignment",
    "Bead",
    "Concept",
    "Document",
    "Finding",
    "Match",
    "MultiBead",
    "Paragraph",
    "ParagraphKind",
    "Segment",
    "Term",
    "TermHit",
    "Unit",
    "Variant",
]

# --- documents and segments (tm/document.py, tm/segment.py) -----------------------------------

ParagraphKind = Literal["header", "heading", "body", "list_item", "signature", "footnote", "table"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a document (tm/document.py).

    ``text`` is clean text (no Markdown marks). A ``"\\n"`` inside it is a hard break that
    always ends a segment: header-block and signature lines are units of their own.
    """

    index: int
    kind: ParagraphKind
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A document as a sequence of paragraphs in one language (tm/document.py)."""

    lang: str
    paragraphs: tuple[Paragraph, ...]
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment (sentence) of a document (tm/segment.py).

    ``index`` counts segments over the whole document from 0; ``paragraph`` is the index of
    the paragraph it comes from; ``start``/``end`` are offsets into that paragraph's text.
    """

    index: int
    paragraph: int
    kind: ParagraphKind
    text: str
    start: int = 0
    end: int = 0


# --- alignment (tm/align.py) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bead:
    """Aligned segment indices of two texts (tm/align.py): ``src`` pivot, ``tgt`` other.

    Either side may be empty (1-0, 0-1 beads). ``score`` is in [0, 1], higher is better;
    ``suspect`` marks a bead whose score is too low to trust without review.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    suspect: bool = False


@dataclass(frozen=True, slots=True)
class Alignment:
    """The alignment of a pivot text with one other text (tm/align.py).

    ``warnings`` are sentences for the user naming suspect regions (paragraphs without a
    counterpart, runs of low-scoring beads); the library returns them, the CLI prints them.
    """

    src_lang: str
    tgt_lang: str
    src: tuple[Segment, ...]
    tgt: tuple[Segment, ...]
    beads: tuple[Bead, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MultiBead:
    """One row of a multilingual alignment that pivots through the first text (tm/align.py).

    ``texts`` maps each language (pivot first) to its segment texts joined as the language
    writes them (a space, nothing between Chinese sentences; ``""`` for an empty side);
    ``segments`` gives the indices of those segments in each text; ``paragraph`` is the pivot
    paragraph; ``score`` is the lowest pair score.
    """

    texts: dict[str, str]
    segments: dict[str, tuple[int, ...]]
    paragraph: int
    score: float
    suspect: bool = False


# --- translation memory (tm/memory.py, tmx/) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    """One language's text of a translation unit (TMX ``<tuv>``).

    ``text`` is plain text for matching (inline codes flattened); ``markup`` is the exact inner
    XML of ``<seg>`` when it holds inline elements, so that they round-trip, else None.
    """

    lang: str
    text: str
    markup: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    creation_date: datetime | None = None
    creation_id: str | None = None
    change_date: datetime | None = None
    change_id: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """A translation unit with up to six (or more) language variants (TMX ``<tu>``).

    ``segtype`` is the TMX segmentation level of this unit when it differs from the file's
    (``"paragraph"`` for a bead that holds several sentences on one side), else None.
    """

    variants: tuple[Variant, ...]
    tuid: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    creation_date: datetime | None = None
    creation_id: str | None = None
    change_date: datetime | None = None
    change_id: str | None = None
    usage_count: int = 0
    segtype: str | None = None

    def text(self, lang: str) -> str | None:
        """The text of the first variant in ``lang`` (compared by primary language)."""
        want = lang.split("-")[0].lower()
        for variant in self.variants:
            if variant.lang.split("-")[0].lower() == want:
                return variant.text
        return None


# --- glossary (tm/terms.py) -------------------------------------------------------------------

TermStatus = Literal["preferred", "admitted", "deprecated"]


@dataclass(frozen=True, slots=True)
class Term:
    """One designation of a concept in one language (TBX ``<termSec>``)."""

    lang: str
    text: str
    status: TermStatus = "preferred"
    abbreviation: str | None = None
    source: str | None = None
    confidence: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept with its terms in several languages (TBX ``<conceptEntry>``)."""

    id: str
    category: str
    terms: tuple[Term, ...]
    note: str | None = None

    def preferred(self, lang: str) -> Term | None:
        """The preferred term in ``lang`` (primary language compared), else the first one."""
        want = lang.split("-")[0].lower()
        terms = [t for t in self.terms if t.lang.split("-")[0].lower() == want]
        for term in terms:
            if term.status == "preferred":
                return term
        return terms[0] if terms else None


@dataclass(frozen=True, slots=True)
class TermHit:
    """A glossary term recognised in a text (tm/recognition.py).

    ``status`` is the found form's status, or ``"variant"`` for an unlisted form found by
    tolerant matching; ``equivalents`` maps each other language to its preferred term.
    ``confidence`` and ``source`` are those of the preferred term in ``lang``, on which any
    advice to change the form rests (``verified``, ``secondary`` or ``unverified``).
    """

    start: int
    end: int
    text: str
    lang: str
    concept: str
    status: str
    form: str
    preferred: str
    equivalents: dict[str, str] = field(default_factory=dict)
    confidence: str | None = None
    source: str | None = None


# --- matching (tm/match.py) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """A placeable whose value differs between a memory source and the draft (tm/placeables.py).

    ``kind`` is the token kind: ``num``, ``date``, ``sym``, or ``label`` (a paragraph number or
    sub-paragraph letter at the start of the segment). ``month_changed`` marks a date whose
    month changed: it is left to the translator, never substituted.
    """

    old: str
    new: str
    kind: str
    month_changed: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A fuzzy match of a draft segment against a memory unit (tm/match.py).

    ``kind`` is ``context`` (101: exact, same previous and next segment), ``exact`` (100),
    ``placeable`` (99: differs only in numbers, dates or symbols), ``format`` (99: only in
    case or punctuation spacing), ``fuzzy``, or ``partial`` (at most 99: ``source`` is one
    sentence of a unit holding several, whose targets translate them all). ``substituted``
    holds, per target language, the target with the draft's placeable values put in (when
    every changed value was found); ``changes`` lists the changed placeables. ``diff`` marks
    the memory source's words ``[-removed-]`` and the draft's ``{+added+}``. ``suspect``: the
    unit comes from an alignment bead flagged for review (prop ``x-align-suspect``). ``part``
    is k when ``source`` is the k-th sentence of a multi-sentence unit (from 1), else 0; then
    ``sentences`` holds, per target language, the target's k-th sentence (placeables
    substituted) where the target's sentences correspond one to one (tm/split.py).
    """

    score: float
    band: str
    source: str
    targets: dict[str, str]
    diff: str
    tuid: str | None
    origin: str | None = None
    kind: str = "fuzzy"
    substituted: dict[str, str] = field(default_factory=dict)
    unit_id: int | None = None
    changes: tuple[Change, ...] = ()
    suspect: bool = False
    part: int = 0
    sentences: dict[str, str] = field(default_factory=dict)


# --- checking (tm/check/) ----------------------------------------------------------------------

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One departure from official terminology or consistency (tm/check/).

    ``source`` and ``target`` are the texts checked. For a finding about a glossary concept,
    ``concept`` is its id and ``confidence`` and ``glossary_source`` are those of the expected
    form in the glossary: the advice is only as sure as they are.
    """

    rule: str
    severity: Severity
    segment: int
    source: str
    target: str | None
    found: str
    expected: str
    message: str
    concept: str | None = None
    confidence: str | None = None
    glossary_source: str | None = None
