"""The term rules of one language: a term in a deprecated or unlisted form, a concept named
in several forms, an abbreviation used before it is introduced."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import regex

from tm.check.finder import CachedTerms
from tm.check.findings import Pair, make_finding
from tm.check.text import (
    ACRONYM,
    LETTER,
    ROMAN,
    UNDECLINED,
    clean,
    fold,
    is_abbreviation_hit,
    quote,
)
from tm.lang import base
from tm.models import Concept, Finding, Segment, TermHit

# --- the form of one term ---------------------------------------------------------------------


def _unverified(concept: Concept | None, lang: str) -> bool:
    """True when the glossary's own preferred form in ``lang`` is unverified: an unlisted form
    is then no proof of a departure from the official name."""
    term = concept.preferred(lang) if concept is not None else None
    return term is not None and term.confidence == "unverified"


def _split_name(hit: TermHit, text: str) -> bool:
    """True when the variant is the official name cut in two by an inserted word: the missing
    head stands just before it ("Convention de l'UNESCO | sur la protection ...")."""
    found, official = fold(hit.text), fold(hit.preferred)
    if not found or len(found) >= len(official) or not official.endswith(found):
        return False
    head = official[: -len(found)].strip()
    before = fold(text[max(0, hit.start - 60) : hit.start])
    return all(word[: max(3, len(word) - 3)] in before for word in regex.findall(r"\w+", head))


def _in_title_marks(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies inside a 《...》 pair (possibly a longer title)."""
    opening = text.rfind("《", 0, start + 1)
    if opening < 0 or "》" in text[opening:start]:
        return False
    closing = text.find("》", max(end - 1, start))
    return closing >= 0 and "《" not in text[end:closing]


# What may stand beside a title that is a heading of its own: numbering and punctuation.
_NUMBERING = regex.compile(r"[\s\p{P}\p{N}一二三四五六七八九十百〇零第章节部分附件]*")


def _standalone(text: str, start: int, end: int) -> bool:
    """True when the name is the whole text but for numbering and punctuation: a heading or
    title line, which Chinese does not put in 《》 ("一、公民权利和政治权利国际公约")."""
    return bool(_NUMBERING.fullmatch(text[:start])) and bool(_NUMBERING.fullmatch(text[end:]))


def form_finding(
    hit: TermHit, text: str, where: Pair | Segment, terms: CachedTerms
) -> Finding | None:
    """A finding when ``hit`` (found in ``text``) is not in an official form: deprecated,
    unlisted, wrong case, or a Chinese treaty title outside 《》 in running text."""
    found = hit.text.strip()
    expected = hit.preferred
    if hit.status == "deprecated":
        return make_finding(
            "deprecated-term",
            where,
            found,
            expected,
            f"{quote(found)} is not the official form; write {quote(expected)}.",
            concept=terms.concept(hit.concept),
            lang=hit.lang,
        )
    if hit.status == "variant":
        if _unverified(terms.concept(hit.concept), hit.lang) or _split_name(hit, text):
            return None
        return make_finding(
            "variant-term",
            where,
            found,
            expected,
            f"{quote(found)} departs from the official name {quote(expected)}.",
            concept=terms.concept(hit.concept),
            lang=hit.lang,
        )
    if (
        base(hit.lang) == "zh"
        and terms.category(hit.concept) == "instrument"
        and not is_abbreviation_hit(hit, terms.concept(hit.concept))
        and not _in_title_marks(text, hit.start, hit.end)
        and not _standalone(text, hit.start, hit.end)
    ):
        marked = f"《{clean(found)}》"
        return make_finding(
            "variant-term",
            where,
            found,
            marked,
            f"A treaty title in Chinese running text is written in 《》: {marked}.",
            concept=terms.concept(hit.concept),
            lang=hit.lang,
        )
    # A listed form found case-insensitively: the letters must match, except the first one
    # (sentence start) and in all-capital headings.
    surface, form = clean(found), clean(hit.form)
    if surface == form or surface.isupper():
        return None
    if surface.casefold() != form.casefold():
        return _misspelt(hit, surface, where, terms)
    if surface[1:] == form[1:] or is_abbreviation_hit(hit, terms.concept(hit.concept)):
        return None
    return make_finding(
        "variant-term",
        where,
        found,
        hit.form,
        f"Capitalisation differs from the official form {quote(hit.form)}.",
    )


def _misspelt(
    hit: TermHit, surface: str, where: Pair | Segment, terms: CachedTerms
) -> Finding | None:
    """A finding when a name the recogniser matched by its stems is spelt unlike every form."""
    concept = terms.concept(hit.concept)
    if base(hit.lang) not in UNDECLINED or concept is None:
        return None
    key = surface.casefold()
    for term in concept.terms:
        if (
            base(term.lang) == base(hit.lang)
            and term.status != "deprecated"
            and key in (clean(term.text).casefold(), clean(term.abbreviation or "").casefold())
        ):
            return None
    if _unverified(concept, hit.lang):
        return None
    return make_finding(
        "variant-term",
        where,
        hit.text.strip(),
        hit.form,
        f"{quote(hit.text.strip())} is spelt differently from the official name {quote(hit.form)}.",
    )


def mixed_forms(
    hits_by_segment: Sequence[tuple[Segment, list[TermHit]]], terms: CachedTerms
) -> list[Finding]:
    """Concepts named by several listed full forms: the document's most used form wins."""
    uses: dict[str, list[tuple[Segment, TermHit]]] = defaultdict(list)
    for seg, hits in hits_by_segment:
        for hit in hits:
            if hit.status in ("deprecated", "variant"):
                continue  # already reported on its own
            if is_abbreviation_hit(hit, terms.concept(hit.concept)):
                continue  # "ICCPR" after "... (ICCPR)" is not a second name
            uses[hit.concept].append((seg, hit))
    findings = []
    for occurrences in uses.values():
        forms = Counter(clean(hit.form).casefold() for _, hit in occurrences)
        if len(forms) < 2:
            continue
        preferred = {clean(hit.preferred).casefold() for _, hit in occurrences}

        def rank(
            form: str, preferred: set[str] = preferred, forms: Counter[str] = forms
        ) -> tuple[int, bool]:
            return (forms[form], form in preferred)

        main = max(forms, key=rank)
        main_form = next(hit.form for _, hit in occurrences if clean(hit.form).casefold() == main)
        for seg, hit in occurrences:
            if clean(hit.form).casefold() != main:
                findings.append(
                    make_finding(
                        "mixed-forms",
                        seg,
                        hit.text.strip(),
                        main_form,
                        f"Named {quote(hit.text.strip())} here but {quote(main_form)} "
                        f"elsewhere in the document; use one form.",
                        concept=terms.concept(hit.concept),
                        lang=hit.lang,
                    )
                )
    return findings


# Names UN editorial style writes in full, never abbreviated (so never "introduced" either).
_NEVER_ABBREVIATED = {
    "UN": "United Nations",
    "UNGA": "General Assembly",
    "UNSC": "Security Council",
    "UNSG": "Secretary-General",
}


def _never_abbreviated(seg: Segment, abbreviation: str) -> Finding:
    full = _NEVER_ABBREVIATED[abbreviation]
    return make_finding(
        "abbreviation-not-introduced",
        seg,
        abbreviation,
        full,
        f"UN style does not abbreviate {quote(full)}: write {quote(full)}, not "
        f"{quote(abbreviation)}.",
    )


def abbreviations(
    hits_by_segment: Sequence[tuple[Segment, list[TermHit]]], terms: CachedTerms
) -> list[Finding]:
    """The first use of each abbreviation that was not spelled out with it in parentheses, as
    UN style wants; for a name UN style never abbreviates ("United Nations"), the first use of
    an abbreviation at all. A name written in full is never a finding of this rule."""
    introduced: set[str] = set()
    reported: set[str] = set()
    findings = []
    for seg, hits in hits_by_segment:
        text = seg.text
        spans: list[tuple[int, int, str, str]] = []  # start, end, abbreviation, expected
        covered = [(hit.start, hit.end) for hit in hits]
        for hit in hits:
            concept = terms.concept(hit.concept)
            if is_abbreviation_hit(hit, concept):
                if concept is not None and concept.category == "body":
                    continue  # organisation acronyms (UNESCO, OHCHR) serve as names
                spans.append((hit.start, hit.end, clean(hit.text), hit.preferred))
        letters = LETTER.findall(text)
        shouting = sum(ch.isupper() for ch in letters) > 0.6 * len(letters)
        for match in () if shouting else ACRONYM.finditer(text):  # capitals, not acronyms
            if ROMAN.match(match.group()) or any(s <= match.start() < e for s, e in covered):
                continue
            spans.append((match.start(), match.end(), match.group(), ""))
        for start, end, abbreviation, expected in sorted(spans):
            if abbreviation in _NEVER_ABBREVIATED:
                if abbreviation not in reported:
                    reported.add(abbreviation)
                    findings.append(_never_abbreviated(seg, abbreviation))
                continue
            before = text[:start].rstrip()
            if before.endswith("(") and text[end:].lstrip().startswith(")"):
                introduced.add(abbreviation)  # "Full Name (ABBR)": this is the introduction
                continue
            if abbreviation in introduced or abbreviation in reported:
                continue
            reported.add(abbreviation)
            spelled = f"{expected or 'the full name'} ({abbreviation})"
            advice = (
                f"at first mention write {quote(spelled)}"
                if expected
                else f"spell it out at first mention, followed by ({abbreviation})"
            )
            findings.append(
                make_finding(
                    "abbreviation-not-introduced",
                    seg,
                    abbreviation,
                    spelled,
                    f"{quote(abbreviation)} is used before it is introduced; {advice}.",
                )
            )
    return findings
