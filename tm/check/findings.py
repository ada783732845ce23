"""Findings of the checks: the rules, their severities and order, and the pairs checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tm.anchors import Recogniser
from tm.check.text import quote
from tm.models import Concept, Finding, Segment, Severity

#: Every rule, with its severity and what it means, in report order.
RULES: dict[str, tuple[Severity, str]] = {
    "deprecated-term": ("error", "a glossary term in a form the glossary marks as wrong"),
    "variant-term": ("warning", "a glossary term in an unlisted spelling, wording or case"),
    "mixed-forms": ("warning", "one concept named in several forms in the same document"),
    "abbreviation-not-introduced": (
        "warning",
        "an abbreviation used before it is spelled out, or of a name UN style never abbreviates",
    ),
    "missing-term": ("error", "a source term whose official equivalent is not in the target"),
    "wrong-term": ("error", "a target term of another concept than the source term"),
    "number-mismatch": ("error", "numbers, article references or dates that differ"),
    "untranslated": ("error", "a target segment left in the source language"),
    "inconsistent-translation": ("warning", "the same source sentence translated differently"),
    "identical-translation": ("warning", "different source sentences translated identically"),
}
_ORDER = {rule: i for i, rule in enumerate(RULES)}


class TermFinder(Recogniser, Protocol):
    """What the checks need from a glossary (``tm.terms.Glossary`` has all of it): the
    aligner's ``find``, and the concepts behind the terms found."""

    def get(self, concept_id: str) -> Concept:
        """The concept with this id."""
        ...

    @property
    def concepts(self) -> Sequence[Concept]:
        """All concepts (for the names the recogniser does not find, see ``CachedTerms``)."""
        ...


@dataclass(frozen=True, slots=True)
class Pair:
    """A source text and its translation, as one checkable unit.

    ``segment`` is the number reported to the user (the first source segment of a bead, or a
    unit's position); ``group`` gathers the pairs of one paragraph, so that a term or a number
    moved to a neighbouring sentence by a merge or split is not reported as missing.
    """

    segment: int
    source: str
    target: str
    group: int | None = None
    kind: str = "body"


def make_finding(
    rule: str,
    where: Pair | Segment,
    found: str,
    expected: str,
    message: str,
    *,
    severity: Severity | None = None,
    concept: Concept | None = None,
    lang: str | None = None,
) -> Finding:
    """A finding of ``rule`` (at its usual severity unless told) in a pair or a draft segment.

    With the ``concept`` at issue and the ``lang`` of the expected form, the finding carries
    the confidence and source of that form; where the glossary's preferred form in ``lang`` is
    ``unverified`` (no source seen), the finding is a warning whatever its rule, and says so.
    """
    severity = severity or RULES[rule][0]
    reference = concept.preferred(lang) if concept is not None and lang is not None else None
    if reference is not None and reference.confidence == "unverified":
        severity = "warning"
        message += (
            f" The glossary's {quote(reference.text)} is unverified (no source seen): "
            "confirm it before changing the text."
        )
    if isinstance(where, Pair):
        number, source, target = where.segment, where.source, where.target
    else:
        number, source, target = where.index, where.text, None
    return Finding(
        rule,
        severity,
        number,
        source,
        target,
        found,
        expected,
        message,
        concept=concept.id if concept is not None else None,
        confidence=reference.confidence if reference is not None else None,
        glossary_source=reference.source if reference is not None else None,
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.segment, _ORDER.get(f.rule, 99)))
