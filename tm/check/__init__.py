"""Terminology QA of drafts and translations: every departure from official names, nothing else.

Three inputs, one rule set:

- :func:`check_draft` — one document in one language: glossary terms in a deprecated or
  unlisted form, a concept named in several forms, an abbreviation used before it is introduced;
- :func:`check_translation` — a source and its translation (aligned here with ``tm.align``):
  the same term rules on the target, plus key terms whose official equivalent is missing, a
  term of another concept in its place (wrong instrument), numbers, article references and
  dates that do not correspond, untranslated segments, and inconsistent translations;
- :func:`check_pairs` / :func:`check_units` — the same bilingual rules over pre-aligned pairs,
  e.g. the units of a TMX or PO file that the caller has read.

The glossary is passed in (a :class:`TermFinder`: ``find(text, lang)``, ``get(concept_id)`` and
``concepts``, as ``tm.terms.Glossary`` has them), so the rules can be tried on any recogniser.

The rules live by family: :mod:`tm.check.forms` (the form of a term in one language),
:mod:`tm.check.correspondence` (terms and numbers between source and target),
:mod:`tm.check.sentences` (untranslated and inconsistent sentences); :mod:`tm.check.findings`
holds the rule table, :mod:`tm.check.finder` the cached recognition, :mod:`tm.check.text` the
text helpers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from tm import numbers
from tm.check.correspondence import group_key, number_correspondence, term_correspondence
from tm.check.finder import CachedTerms
from tm.check.findings import RULES, Pair, TermFinder, sort_findings
from tm.check.forms import abbreviations, form_finding, mixed_forms
from tm.check.sentences import consistency, untranslated
from tm.errors import InputError
from tm.lang import base
from tm.models import Document, Finding, Segment, TermHit, Unit

__all__ = [
    "RULES",
    "Pair",
    "TermFinder",
    "check_draft",
    "check_pairs",
    "check_translation",
    "check_units",
]


# --- one language: a draft --------------------------------------------------------------------


def _segments_of(doc_or_segments: Document | Sequence[Segment]) -> list[Segment]:
    if isinstance(doc_or_segments, Document):
        from tm.segment import segment_document

        return segment_document(doc_or_segments)
    return list(doc_or_segments)


def check_draft(
    doc_or_segments: Document | Sequence[Segment],
    *,
    lang: str | None = None,
    glossary: TermFinder,
) -> list[Finding]:
    """Check one document (or its segments) in one language against the glossary.

    Reports terms in deprecated or unlisted forms, concepts named in several forms, and
    abbreviations used before they are introduced.

    Raises:
        InputError: if the language is not given and cannot be taken from the document.
    """
    if lang is None:
        if not isinstance(doc_or_segments, Document):
            raise InputError("Give the language of the draft (e.g. lang='en').")
        lang = doc_or_segments.lang
    lang = base(lang)
    segments = _segments_of(doc_or_segments)
    terms = CachedTerms(glossary)
    findings: list[Finding] = []
    hits_by_segment: list[tuple[Segment, list[TermHit]]] = []
    for seg in segments:
        hits = terms.find(seg.text, lang)
        hits_by_segment.append((seg, hits))
        for hit in hits:
            finding = form_finding(hit, seg.text, seg, terms)
            if finding is not None:
                findings.append(finding)
    findings += mixed_forms(hits_by_segment, terms)
    findings += abbreviations(hits_by_segment, terms)
    return sort_findings(findings)


# --- source and translation -------------------------------------------------------------------


def check_translation(
    src: Document | Sequence[Segment],
    tgt: Document | Sequence[Segment],
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    glossary: TermFinder,
) -> list[Finding]:
    """Check a translation against its source; the two are aligned here (``tm.align``).

    Raises:
        InputError: if a language is missing or either text is empty.
    """
    from tm.align import align

    src_lang = src_lang or (src.lang if isinstance(src, Document) else None)
    tgt_lang = tgt_lang or (tgt.lang if isinstance(tgt, Document) else None)
    if src_lang is None or tgt_lang is None:
        raise InputError("Give the languages of the source and the translation.")
    src_segments, tgt_segments = _segments_of(src), _segments_of(tgt)
    if not src_segments or not tgt_segments:
        raise InputError("The source or the translation has no text to check.")
    terms = CachedTerms(glossary)
    # Through the cache, each segment is recognised once for both the alignment anchors and
    # the checks.
    alignment = align(
        src_segments, tgt_segments, src_lang=src_lang, tgt_lang=tgt_lang, glossary=terms
    )
    s_lang, t_lang = base(src_lang), base(tgt_lang)
    by_src = {seg.index: seg for seg in alignment.src}
    by_tgt = {seg.index: seg for seg in alignment.tgt}
    pairs: list[Pair] = []
    last = 0
    for bead in alignment.beads:
        src_segs = [by_src[i] for i in bead.src]
        tgt_segs = [by_tgt[i] for i in bead.tgt]
        if src_segs:
            last = src_segs[0].index
        anchor = src_segs[0] if src_segs else tgt_segs[0]
        pairs.append(
            Pair(
                last,
                terms.joined([seg.text for seg in src_segs], s_lang),
                terms.joined([seg.text for seg in tgt_segs], t_lang),
                src_segs[0].paragraph if src_segs else _paragraph_before(pairs),
                anchor.kind,
            )
        )
    return _check_pairs(pairs, s_lang, t_lang, terms)


def _paragraph_before(pairs: Sequence[Pair]) -> int | None:
    return pairs[-1].group if pairs else None


def check_units(
    units: Iterable[Unit], *, src_lang: str, tgt_lang: str, glossary: TermFinder
) -> list[Finding]:
    """Check the ``src_lang``/``tgt_lang`` pairs of translation units (a TMX or PO file).

    Units without both languages are skipped; ``segment`` is the unit's position from 0, and
    units carrying an ``x-paragraph`` prop are grouped by it.
    """
    pairs = []
    groups: dict[tuple[str, str], int] = {}  # (x-document, x-paragraph) -> group number
    for position, unit in enumerate(units):
        source, target = unit.text(src_lang), unit.text(tgt_lang)
        if source is None or target is None:
            continue
        props = dict(unit.props)
        paragraph = props.get("x-paragraph")
        group = None
        if paragraph is not None:
            group = groups.setdefault((props.get("x-document", ""), paragraph), len(groups))
        pairs.append(Pair(position, source, target, group))
    return check_pairs(pairs, src_lang=src_lang, tgt_lang=tgt_lang, glossary=glossary)


def check_pairs(
    pairs: Sequence[Pair], *, src_lang: str, tgt_lang: str, glossary: TermFinder
) -> list[Finding]:
    """Run the bilingual rules over aligned pairs (see :class:`Pair`)."""
    return _check_pairs(pairs, base(src_lang), base(tgt_lang), CachedTerms(glossary))


def _check_pairs(
    pairs: Sequence[Pair], src_lang: str, tgt_lang: str, terms: CachedTerms
) -> list[Finding]:
    findings: list[Finding] = []
    src_hits = [terms.find(pair.source, src_lang) for pair in pairs]
    tgt_hits = [terms.find(pair.target, tgt_lang) for pair in pairs]
    # Paragraph totals: what a merge or split moved to a neighbouring pair is not missing.
    group_src: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_tgt: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_num_src: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_num_tgt: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    num_src = [numbers.values(pair.source) for pair in pairs]
    num_tgt = [numbers.values(pair.target) for pair in pairs]
    for i, pair in enumerate(pairs):
        key = group_key(pair, i)
        group_src[key].update(hit.concept for hit in src_hits[i])
        group_tgt[key].update(hit.concept for hit in tgt_hits[i])
        group_num_src[key] += num_src[i]
        group_num_tgt[key] += num_tgt[i]
    for i, pair in enumerate(pairs):
        key = group_key(pair, i)
        left = untranslated(pair, src_lang=src_lang, tgt_lang=tgt_lang)
        if left is not None:
            findings.append(left)  # its terms and numbers are not worth listing
            continue
        # A target that follows a source's own unlisted wording ("Protocol No. 1 to the
        # European Convention ...") is faithful; the source's departure is not the translator's.
        mirrored = {hit.concept for hit in src_hits[i] if hit.status == "variant"}
        for hit in tgt_hits[i]:
            if hit.status == "variant" and hit.concept in mirrored:
                continue
            finding = form_finding(hit, pair.target, pair, terms)
            if finding is not None:
                findings.append(finding)
        findings += term_correspondence(
            pair,
            src_hits[i],
            tgt_hits[i],
            group_src[key],
            group_tgt[key],
            tgt_lang=tgt_lang,
            terms=terms,
        )
        findings += number_correspondence(
            pair,
            num_src[i],
            num_tgt[i],
            group_num_src[key],
            group_num_tgt[key],
        )
    findings += consistency(pairs)
    return sort_findings(findings)
