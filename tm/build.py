"""The main job: documents -> segments -> alignment -> translation memory.

:func:`build_memory` reads an English document and its versions, aligns each version with the
English, and stores one unit per multilingual row as the rows of one document of the memory
(identified by its UN symbol, or its file name and text: :mod:`tm.documents`); a rebuild
replaces the languages given and keeps the others. Units carry the props CAT tools and
revisers use: ``x-document`` (the document id), ``x-paragraph``, ``x-align-score``, and
``x-align-suspect``
on rows whose alignment is too weak to trust without review. A row that holds more than one
sentence in some language is marked ``segtype="paragraph"``, since it cannot claim to be a
sentence (a CAT tool re-segments such units or leaves them to fuzzy matching).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tm.documents import DocumentChange, DocumentStore, document_title, identify, tuid_prefix
from tm.errors import InputError
from tm.memory import Memory, language_tag
from tm.models import MultiBead, Segment, Unit, Variant

if TYPE_CHECKING:
    from tm.reference import ReferenceGlossary
    from tm.terms import Glossary

__all__ = ["BuildReport", "build_memory", "units_from_rows"]

#: Called with (step name, steps done, steps in all) as the build advances.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build stored: rows, units per language, suspect and multi-sentence rows, and
    what it did to the document in the memory (added, replaced, kept).

    ``reference`` is the document's reference glossary when the build was asked for one.
    """

    rows: int
    languages: dict[str, int]
    suspect: int
    multi_sentence: int
    stored: DocumentChange
    reference: ReferenceGlossary | None = field(default=None, repr=False)


def build_memory(
    pivot: str | Path,
    others: Sequence[str | Path],
    memory: Memory,
    *,
    srx: str | Path | None = None,
    glossary: Glossary | None = None,
    reference: bool = False,
    progress: Progress | None = None,
    document: str | None = None,
) -> BuildReport:
    """Align ``pivot`` (the English document) with each of ``others`` and store the rows as
    the document ``document`` (default: the symbol in its header, else its file name and a
    hash of its text).

    Rebuilding a document replaces its rows' variants in the languages given, in one
    transaction, and keeps its other languages; other documents are never touched. Alignment
    starts from what the memory learned (tm/learned.py), which is learned again once the
    units are stored; on several cores, the versions are aligned side by side
    (:func:`tm.align.align_pairs`). With ``reference`` (and a ``glossary``) the report carries the
    document's reference glossary: the names it cites, official and as its versions write them
    (:func:`tm.reference.document_glossary`).

    Raises:
        InputError: no other document, a language given twice, unreadable documents.
        AlignmentError: a document that cannot be aligned (e.g. empty).
    """
    from tm.align import align_pairs, multilingual
    from tm.document import read_document
    from tm.learned import MemoryLearner, update
    from tm.segment import segment_document

    if not others:
        raise InputError("give the English document and at least one translation of it")
    total = 2 + 2 * len(others)
    step = _stepper(progress, total)
    pivot_doc = read_document(pivot)
    src = segment_document(pivot_doc, srx=srx)
    step(f"read {Path(pivot).name}")
    seen = {language_tag(pivot_doc.lang).split("-")[0]: Path(pivot).name}
    versions: list[tuple[list[Segment], str]] = []
    for path in others:
        doc = read_document(path)
        base = language_tag(doc.lang).split("-")[0]
        if base in seen:
            raise InputError(f"{path}: {seen[base]} is already in language {base!r}")
        seen[base] = Path(path).name
        versions.append((segment_document(doc, srx=srx), doc.lang))
        step(f"read {Path(path).name}")
    alignments = align_pairs(  # side by side on several cores
        src,
        versions,
        src_lang=pivot_doc.lang,
        glossary=glossary,
        learner=MemoryLearner(memory),
        done=lambda k: step(f"aligned {pivot_doc.lang}-{versions[k][1]}"),
    )
    rows = multilingual(alignments)
    doc_id = identify(pivot_doc, pivot, symbol=document)
    cited = None
    if reference and glossary is not None:
        from tm.reference import document_glossary

        segments = {al.tgt_lang: al.tgt for al in alignments}
        cited = document_glossary(
            pivot_doc, glossary, document=doc_id, rows=rows, segments=segments
        )
    units = units_from_rows(rows, document=doc_id)
    stored = DocumentStore(memory).store(
        doc_id,
        units,
        langs=list(seen),
        pivot=pivot_doc.lang,
        title=document_title(pivot_doc),
        files=list(seen.values()),
    )
    update(memory, pivot_doc.lang, [al.tgt_lang for al in alignments])  # the learned lexicons
    step("stored")
    languages: dict[str, int] = {}
    for unit in units:
        for variant in unit.variants:
            languages[variant.lang] = languages.get(variant.lang, 0) + 1
    return BuildReport(
        rows=len(units),
        languages=languages,
        suspect=sum(1 for row in rows if row.suspect),
        multi_sentence=sum(1 for u in units if u.segtype == "paragraph"),
        stored=stored,
        reference=cited,
    )


def units_from_rows(
    rows: Sequence[MultiBead], *, document: str, when: datetime | None = None
) -> list[Unit]:
    """One unit per multilingual row of ``document`` (its id), with tuid ``<prefix>-<row
    number>`` (:func:`tm.documents.tuid_prefix`) and props."""
    date = (when or datetime.now(UTC)).replace(microsecond=0)
    stem = tuid_prefix(document)
    units = []
    for number, row in enumerate(rows, 1):
        variants = []
        several = any(len(found) > 1 for found in row.segments.values())
        for lang, text in row.texts.items():
            if text.strip():
                variants.append(Variant(language_tag(lang), text.strip()))
        if not variants:
            continue
        props = [
            ("x-document", document),
            ("x-paragraph", str(row.paragraph)),
            ("x-align-score", f"{row.score:.3f}"),
        ]
        if row.suspect:
            props.append(("x-align-suspect", "yes"))
        units.append(
            Unit(
                tuple(variants),
                tuid=f"{stem}-{number:04d}",
                props=tuple(props),
                creation_date=date,
                creation_id="untm",
                segtype="paragraph" if several else None,
            )
        )
    return units


def _stepper(progress: Progress | None, total: int) -> Callable[[str], None]:
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(name, done, total)

    return step
