"""What the glossary commands print (``query``, ``terms``, ``glossary``): a concept in six
languages with status and source, concept lists, terms found in a document, extracted
candidates and a document's reference glossary (through :mod:`cli.render`'s console)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cli.render import console, escape, print_table, print_tables, table
from cli.sources import compact_source

if TYPE_CHECKING:
    from pathlib import Path

    from tm.extract import Candidate
    from tm.models import Concept, TermHit
    from tm.reference import ReferenceGlossary


def reference_data(reference: ReferenceGlossary, files: Sequence[Path]) -> dict[str, object]:
    """A reference glossary in JSON: files, concepts, departures and names not found (0-based
    places)."""

    def uses(unfound: bool) -> list[dict[str, object]]:
        return [
            {
                "concept": entry.concept.id,
                "lang": use.lang,
                "status": use.status,
                "text": use.text,
                "segment": use.segment,
                "paragraph": use.paragraph,
            }
            for entry in reference.entries
            for use in entry.uses
            if (use.unfound if unfound else use.departs)
        ]

    return {
        "files": [str(path) for path in files],
        "concepts": len(reference.entries),
        "proposed": sum(entry.proposed for entry in reference.entries),
        "flagged": uses(unfound=False),
        "not_found": uses(unfound=True),
    }


def reference_summary(reference: ReferenceGlossary, files: Sequence[Path]) -> None:
    """What a reference glossary holds, its departures and names not found (counted from 1)."""
    proposed = sum(entry.proposed for entry in reference.entries)
    out = console()
    out.print(
        f"Reference glossary: {len(reference.entries) - proposed} concept(s) cited, "
        f"{proposed} proposed for review, {reference.flagged} use(s) departing from the "
        f"official form, {reference.unfound} aligned segment(s) where the name is not found."
    )
    places: dict[tuple[str, str, str, str], list[str]] = {}
    for entry in reference.entries:
        for use in entry.uses:
            if use.departs or use.unfound:
                status = "not found" if use.unfound else use.status
                key = (entry.concept.id, use.lang, status, use.text or "-")
                where = f"¶{use.paragraph + 1}"
                if use.segment is not None:
                    where = f"s{use.segment + 1}"
                places.setdefault(key, []).append(where)
    if places:
        table(
            "For review (s: segment of the version, ¶: paragraph of the English)",
            ("concept", "lang", "as", "form", "where"),
            [(*key, ", ".join(where)) for key, where in places.items()],
        )
    for path in files:
        out.print(f"Wrote {escape(str(path))}")


_STATUS_STYLE = {"preferred": "green", "admitted": "cyan", "deprecated": "red", "variant": "yellow"}


def concept_view(concept: Concept, *, full_sources: bool = False) -> None:
    """One concept in every language (:func:`concept_views`)."""
    concept_views([(concept, None)], full_sources=full_sources)


def concept_views(
    found: Sequence[tuple[Concept, float | None]], *, full_sources: bool = False
) -> None:
    """Concepts in every language, each with its match score when it has one: their terms
    with status, abbreviation, confidence and source (whole with ``full_sources``, else as
    :func:`compact_source` shortens it), all in one layout with the same column widths."""
    columns = ["lang", "term", "status", "abbr.", "confidence", "source"]
    source = (lambda text: text or "") if full_sources else compact_source
    tables: list[tuple[str | None, Sequence[Sequence[str]]]] = []
    for concept, score in found:
        title = f"{concept.id}  ({concept.category})"
        if score is not None:
            title += f"  match {score:g}"
        rows = [
            [
                term.lang,
                escape(term.text),
                f"[{_STATUS_STYLE.get(term.status, 'white')}]{term.status}[/]",
                escape(term.abbreviation or ""),
                escape(term.confidence or ""),
                escape(source(term.source)),
            ]
            for term in concept.terms
        ]
        tables.append((escape(title), rows))
    print_tables(console(), columns, tables)


def concept_list(concepts: Sequence[Concept], *, lang: str = "en") -> None:
    """One line per concept: id, category, its preferred form in ``lang``, languages."""
    rows = []
    for concept in concepts:
        term = concept.preferred(lang) or (concept.terms[0] if concept.terms else None)
        langs = " ".join(dict.fromkeys(t.lang for t in concept.terms))
        rows.append((concept.id, concept.category, term.text if term else "", langs))
    table(f"{len(concepts)} concepts", ("id", "category", f"term ({lang})", "languages"), rows)


def term_hits(found: Sequence[tuple[int, TermHit]], *, source: str) -> None:
    """Glossary terms found in a document: one row per mention, then a count per concept."""
    out = console()
    if not found:
        out.print(f"No glossary terms found in {escape(source)}.")
        return
    rows = []
    for paragraph, hit in found:
        colour = _STATUS_STYLE.get(hit.status, "white")
        preferred = "" if hit.status == "preferred" else hit.preferred
        rows.append(
            [
                str(paragraph + 1),
                escape(" ".join(hit.text.split())),
                f"[{colour}]{hit.status}[/]",
                escape(hit.concept),
                escape(preferred),
            ]
        )
    columns = ("¶", "found", "status", "concept", "preferred")
    print_table(out, escape(f"Glossary terms in {source} (¶: paragraph)"), columns, rows)
    concepts = len({hit.concept for _, hit in found})
    flagged = sum(1 for _, hit in found if hit.status != "preferred")
    out.print(
        f"{len(found)} mention(s) of {concepts} concept(s); {flagged} not in the preferred form."
    )


def candidates_table(candidates: Sequence[Candidate]) -> None:
    """Names proposed by ``glossary extract`` with their best equivalents per language."""
    if not candidates:
        console().print("No new instrument or organ names found.")
        return
    rows = []
    for cand in candidates:
        lines = [
            f"{lang}: " + " | ".join(f"{escape(text)} ({score:.2f})" for text, score in options)
            for lang, options in cand.equivalents.items()
            if options
        ]
        rows.append([escape(cand.text), str(cand.count), "\n".join(lines)])
    columns = ("name", "units", "candidate equivalents")
    print_table(console(), "Candidate glossary entries (for review)", columns, rows)
