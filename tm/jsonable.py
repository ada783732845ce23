"""The JSON shape of each result: one function per kind, shared by ``--json`` and the HTTP API.

``untm query --json`` and ``GET /api/terms`` (and so on for every command the server offers)
print the same objects, so a script written against one works against the other. Offsets and
indices stay 0-based here; human output adds 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tm import lang as _lang

if TYPE_CHECKING:
    from tm.match import SegmentMatches
    from tm.models import Alignment, Concept, Finding, TermHit, Unit

__all__ = [
    "alignment_data",
    "concept_data",
    "findings_data",
    "hit_data",
    "matches_data",
    "units_data",
]

_FINDING_KEYS = (
    "rule",
    "severity",
    "segment",
    "source",
    "target",
    "found",
    "expected",
    "message",
    # the glossary concept at issue, and the confidence and source of its expected form
    "concept",
    "confidence",
    "glossary_source",
)


def findings_data(findings: Sequence[Finding]) -> dict[str, object]:
    """``untm check --json``: ``{"issues": [...]}`` with one object per finding."""
    return {"issues": [{key: getattr(f, key) for key in _FINDING_KEYS} for f in findings]}


def alignment_data(result: Alignment) -> dict[str, object]:
    """One alignment of ``untm align --format json``: its beads with texts and scores."""
    return {
        "src_lang": result.src_lang,
        "tgt_lang": result.tgt_lang,
        "beads": [
            {
                "src": list(bead.src),
                "tgt": list(bead.tgt),
                "src_text": " ".join(result.src[i].text for i in bead.src),
                "tgt_text": " ".join(result.tgt[j].text for j in bead.tgt),
                "score": bead.score,
                "suspect": bead.suspect,
            }
            for bead in result.beads
        ],
        "warnings": list(result.warnings),
    }


def _segment_data(seg: SegmentMatches) -> dict[str, object]:
    return {
        "index": seg.index,
        "paragraph": seg.paragraph,
        "text": seg.text,
        "matches": [
            {
                "score": m.score,
                "band": m.band,
                "kind": m.kind,
                "source": m.source,
                "targets": m.targets,
                "substituted": m.substituted,
                "diff": m.diff,
                "tuid": m.tuid,
                "origin": m.origin,
                "suspect": m.suspect,
                "changes": [
                    {"old": c.old, "new": c.new, "kind": c.kind, "month_changed": c.month_changed}
                    for c in m.changes
                ],
                "part": m.part,
                "sentences": m.sentences,
            }
            for m in seg.matches
        ],
        "terms": [
            {
                "start": t.start,
                "end": t.end,
                "text": t.text,
                "concept": t.concept,
                "status": t.status,
                "preferred": t.preferred,
                "equivalents": t.equivalents,
            }
            for t in seg.terms
        ],
    }


def matches_data(results: Sequence[SegmentMatches]) -> dict[str, object]:
    """``untm match --json``: ``{"segments": [...]}`` with matches and terms per segment."""
    return {"segments": [_segment_data(seg) for seg in results]}


def concept_data(concept: Concept, score: float | None = None) -> dict[str, object]:
    """A concept: preferred form per language, then every term with status and source."""
    data: dict[str, object] = {"id": concept.id, "category": concept.category}
    if score is not None:
        data["score"] = score
    # every language of the concept has a preferred form (else its first term)
    data["preferred"] = {
        t.lang: preferred.text
        for t in concept.terms
        if (preferred := concept.preferred(t.lang)) is not None
    }
    data["terms"] = [
        {
            "lang": t.lang,
            "text": t.text,
            "status": t.status,
            "abbreviation": t.abbreviation,
            "confidence": t.confidence,
            "source": t.source,
            "note": t.note,
        }
        for t in concept.terms
    ]
    if concept.note:
        data["note"] = concept.note
    return data


def hit_data(hit: TermHit, paragraph: int | None = None) -> dict[str, object]:
    """A term found in a text (with its paragraph when given)."""
    data: dict[str, object] = {} if paragraph is None else {"paragraph": paragraph}
    for key in ("start", "end", "text", "lang", "concept", "status", "form", "preferred"):
        data[key] = getattr(hit, key)
    data["equivalents"] = dict(hit.equivalents)
    data["confidence"] = hit.confidence  # of the preferred form, on which advice rests
    data["source"] = hit.source
    return data


def units_data(units: Sequence[Unit], *, langs: Sequence[str] = ()) -> list[dict[str, object]]:
    """``untm concordance --json``: each unit's tuid and its text per language (those of
    ``langs`` only, when given)."""
    wanted = {_lang.base(tag) for tag in langs}
    return [
        {
            "tuid": u.tuid,
            "texts": {
                v.lang: v.text for v in u.variants if not wanted or _lang.base(v.lang) in wanted
            },
        }
        for u in units
    ]
