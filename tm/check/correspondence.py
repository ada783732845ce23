"""The bilingual rules on terms and numbers: a source term whose equivalent is missing, a
term of another concept in its place, numbers that differ."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

from tm import numbers
from tm.check.finder import CachedTerms
from tm.check.findings import Pair, make_finding
from tm.check.text import mentions, quote
from tm.models import Finding, TermHit


def group_key(pair: Pair, position: int) -> tuple[str, int]:
    """The paragraph a pair's totals are kept in: its group, else the pair alone."""
    return ("group", pair.group) if pair.group is not None else ("pair", position)


def term_correspondence(
    pair: Pair,
    src_hits: Sequence[TermHit],
    tgt_hits: Sequence[TermHit],
    group_src: Counter[str],
    group_tgt: Counter[str],
    *,
    tgt_lang: str,
    terms: CachedTerms,
) -> list[Finding]:
    """Missing equivalents and terms of another concept in their place."""
    src_count = Counter(hit.concept for hit in src_hits)
    tgt_count = Counter(hit.concept for hit in tgt_hits)
    # Unbalanced in this pair and in its paragraph, so not a merge or split moving a term.
    missing = [
        concept
        for concept in src_count
        if src_count[concept] > tgt_count[concept] and group_src[concept] > group_tgt[concept]
    ]
    extra = [
        concept
        for concept in tgt_count
        if tgt_count[concept] > src_count[concept] and group_tgt[concept] > group_src[concept]
    ]
    first_src = {hit.concept: hit for hit in reversed(src_hits)}
    first_tgt = {hit.concept: hit for hit in reversed(tgt_hits)}
    findings = []
    for concept in missing:
        hit = first_src[concept]
        expected = hit.equivalents.get(tgt_lang) or hit.preferred
        if tgt_count[concept] == 0 and mentions(
            pair.target, terms.concept(concept), tgt_lang, expected
        ):
            continue
        category = terms.category(concept)
        rival = next(
            (other for other in extra if terms.category(other) == category),
            None,
        )
        if rival is not None:
            extra.remove(rival)
            found = first_tgt[rival].text.strip()
            findings.append(
                make_finding(
                    "wrong-term",
                    pair,
                    found,
                    expected,
                    f"The source cites {quote(hit.text.strip())}, but the translation names "
                    f"{quote(found)}; write {quote(expected)}.",
                    concept=terms.concept(concept),
                    lang=tgt_lang,
                )
            )
        elif tgt_count[concept] == 0:
            findings.append(
                make_finding(
                    "missing-term",
                    pair,
                    "",
                    expected,
                    f"The source cites {quote(hit.text.strip())}; its official equivalent "
                    f"{quote(expected)} is not in the translation.",
                    concept=terms.concept(concept),
                    lang=tgt_lang,
                )
            )
    return findings


def number_correspondence(
    pair: Pair,
    src: Counter[str],
    tgt: Counter[str],
    group_src: Counter[str],
    group_tgt: Counter[str],
) -> list[Finding]:
    """Numbers cited on one side only, in the pair and in its paragraph."""
    missing = (src - tgt) & (group_src - group_tgt)
    extra = (tgt - src) & (group_tgt - group_src)
    if not missing and not extra:
        return []
    lost = ", ".join(sorted(missing.elements(), key=numbers.by_value))
    added = ", ".join(sorted(extra.elements(), key=numbers.by_value))
    said_lost = _spoken(missing, pair.source)
    said_added = _spoken(extra, pair.target)
    if lost and added:
        message = f"The source has {said_lost} where the translation has {said_added}."
    elif lost:
        message = f"The source cites {said_lost}, which the translation does not."
    else:
        message = f"The translation cites {said_added}, which the source does not."
    return [
        make_finding(
            "number-mismatch",
            pair,
            added,
            lost,
            message,
        )
    ]


def _spoken(values: Counter[str], text: str) -> str:
    """The values for a message; a month written as a name is named: "8 (August)"."""
    months = {n.value for n in numbers.extract(text) if n.kind == "month"}
    out = []
    for value in sorted(values.elements(), key=numbers.by_value):
        if value in months:
            out.append(f"{value} ({_month_name(int(value))})")
        else:
            out.append(value)
    return ", ".join(out)


@cache
def _month_name(month: int) -> str:
    from babel import Locale

    return str(Locale.parse("en").months["format"]["wide"][month])


# The commonest words of the Latin-script UN languages, which tell them apart in one sentence
