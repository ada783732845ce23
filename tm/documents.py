"""Documents in a memory: what identifies one, and how a rebuild merges into its units.

A memory holds documents (built by ``untm build``) beside imported units. A document is
identified by its UN symbol (read from its header by :func:`tm.document.document_symbol`, or
given with ``untm build --document``); a document without a symbol by its file name *and* a
hash of its text (``letter.en.md#3f2a1b9c0d11``), so that another file that happens to share
its name is another document. Never by file name alone.

A document's units are its multilingual rows, in order. Rebuilding it with some languages
(say ``fr``) replaces only those languages' variants and keeps the others (``es``, ``ru`` ...):
:func:`plan_rebuild` pairs the stored rows with the new ones by their pivot (English) text, in
order (a longest-common-subsequence diff, so repeated sentences pair in turn):

- a paired row takes the new pivot and ``fr`` texts and keeps the stored row's other languages;
- a stored row with no new partner keeps its other languages (its ``fr`` goes), and is dropped
  when nothing but its pivot would be left;
- a new row with no stored partner is added.

Where two builds grouped sentences differently (one stored row ``S1 S2``, as ``es`` needed,
and two new rows ``S1`` and ``S2`` in ``fr``), the rows are regrouped as a build with both
languages would group them: one row ``S1 S2`` with the ``fr`` of both; other differences keep
the stored row (for its other languages) beside the new ones: nothing is lost.
:meth:`DocumentStore.store` stores the plan in one transaction; removing a
language (``untm remove --lang``) is the same plan with no new rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from difflib import SequenceMatcher
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.encoding import decode_variants, language_tag, primary
from tm.errors import InputError
from tm.lang import base, script_for
from tm.models import Document, Unit, Variant

if TYPE_CHECKING:
    from tm.memory import Memory

__all__ = [
    "DocumentChange",
    "DocumentRecord",
    "DocumentStore",
    "RebuildPlan",
    "document_title",
    "identify",
    "plan_rebuild",
    "tuid_prefix",
]

#: headings that open a section of a report ("I. Introduction", "A. Mandate", "1. Scope")
_SECTION = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,3})\.\s")
_TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document held by a memory: its id (symbol, or file name # text hash), title,
    pivot language, languages, units, when it was last built and from which files."""

    id: str
    title: str | None
    pivot: str
    languages: tuple[str, ...]
    units: int
    built: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentChange:
    """What storing or removing (languages of) a document did to the memory.

    ``added``: rows only in the new build; ``replaced``: stored rows whose given languages
    the build replaced; ``kept``: stored rows the build did not pair, kept for their other
    languages; ``dropped``: rows with nothing left but the pivot. ``units_removed``: how
    many units the memory lost (a unit another document shares stays; a unit replaced by
    its new version is not counted); ``variants_removed``: the texts a removal took away
    (``untm remove --lang``: the document's texts in those languages); ``languages``: the
    languages the build or removal was given (primary, the pivot's included for a build);
    ``kept_languages``:
    the document's languages the change left as they were; ``others``: units of the memory
    outside this document, untouched.
    """

    document: str
    new: bool
    added: int = 0
    replaced: int = 0
    kept: int = 0
    dropped: int = 0
    units: int = 0
    units_removed: int = 0
    variants_removed: int = 0
    languages: tuple[str, ...] = ()
    kept_languages: tuple[str, ...] = ()
    others: int = 0
    revision: int = 0
    #: other documents built from a file of the same name (never replaced by this one)
    namesakes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RebuildPlan:
    """The document's rows after a rebuild (:func:`plan_rebuild`) and how they came about."""

    units: tuple[Unit, ...]
    added: int
    replaced: int
    kept: int
    dropped: int


def identify(doc: Document, path: str | Path, *, symbol: str | None = None) -> str:
    """The id of the document ``doc`` read from ``path``: ``symbol`` when given, else the UN
    symbol in its header, else its file name and a hash of its text."""
    from tm.document import document_symbol

    if symbol is not None and symbol.strip():
        return symbol.strip()
    found = document_symbol(doc)
    if found is not None:
        return found
    text = "\n\n".join(p.text for p in doc.paragraphs)
    digest = blake2b(text.encode(), digest_size=6).hexdigest()
    return f"{Path(path).name}#{digest}"


def tuid_prefix(document: str) -> str:
    """The start of the tuids of a document's units: its symbol, or its file stem and hash
    (``letter-3f2a1b9c0d11``), so that two documents never share a tuid."""
    name, _, digest = document.partition("#")
    if not digest:
        return document
    return f"{name.split('.')[0]}-{digest}"


def document_title(doc: Document) -> str | None:
    """The title of a UN document: the last heading before its first body paragraph that
    does not open a numbered section ("Letter dated ... from ...", "Transforming our world:
    ..."); failing that, the first heading; None for a document without headings."""
    headings = []
    for paragraph in doc.paragraphs:
        if paragraph.kind not in ("header", "heading"):
            break
        if paragraph.kind == "heading":
            headings.append(paragraph.text)
    titles = [h for h in headings if not _SECTION.match(h)] or headings
    if not titles:
        return None
    return " ".join(titles[-1].split())[:_TITLE_MAX]


def plan_rebuild(
    stored: Sequence[Unit],
    new: Sequence[Unit],
    *,
    langs: Collection[str],
    pivot: str,
) -> RebuildPlan:
    """Merge the ``new`` rows of a build in ``langs`` (primary languages, pivot included or
    not) into the ``stored`` rows of the same document (see the module docstring). The
    units keep the new rows' tuids and props where paired; the caller renumbers tuids."""
    replaced_langs = {base(lang) for lang in langs} | {base(pivot)}
    pivot = base(pivot)
    matcher = SequenceMatcher(
        None,
        [_pivot_text(u, pivot) for u in stored],
        [_pivot_text(u, pivot) for u in new],
        autojunk=False,
    )
    out: list[Unit] = []
    added = replaced = kept = dropped = 0

    def keep(old: Unit) -> None:
        nonlocal kept, dropped
        left = tuple(v for v in old.variants if base(v.lang) not in replaced_langs - {pivot})
        if all(base(v.lang) == pivot for v in left):
            dropped += 1
        else:
            kept += 1
            out.append(replace(old, variants=left))

    def pair(olds: Sequence[Unit], fresh: Sequence[Unit]) -> None:
        nonlocal replaced
        replaced += len(olds)
        # the row with the pivot that spans both sides; the other languages' texts joined
        unit = fresh[0] if len(fresh) == 1 else olds[0]
        variants = [
            *_joined(fresh, lambda lang: lang in replaced_langs),
            *_joined(olds, lambda lang: lang not in replaced_langs),
        ]
        out.append(replace(unit, variants=tuple(variants)))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for old, fresh in zip(stored[i1:i2], new[j1:j2], strict=True):
                pair([old], [fresh])
            continue
        i, j = i1, j1
        while i < i2 and j < j2:
            span = _regroup(stored[i:i2], new[j:j2], pivot)
            if span is None:
                break
            pair(stored[i : i + span[0]], new[j : j + span[1]])
            i, j = i + span[0], j + span[1]
        for old in stored[i:i2]:
            keep(old)
        out.extend(new[j:j2])
        added += j2 - j
    return RebuildPlan(tuple(out), added=added, replaced=replaced, kept=kept, dropped=dropped)


def _regroup(old: Sequence[Unit], new: Sequence[Unit], pivot: str) -> tuple[int, int] | None:
    """(stored rows, new rows) at the start of ``old`` and ``new`` whose pivot texts are the
    same text grouped differently (one row against several), or None."""
    first_old, first_new = _words(old[0], pivot), _words(new[0], pivot)
    if first_old == first_new:
        return 1, 1
    for one, many, flip in ((first_old, new, False), (first_new, old, True)):
        words: list[str] = []
        for k, unit in enumerate(many, 1):
            words += _words(unit, pivot)
            if len(words) >= len(one):
                if words == one and k > 1:
                    return (k, 1) if flip else (1, k)
                break
    return None


def _words(unit: Unit, pivot: str) -> list[str]:
    return _pivot_text(unit, pivot).split()


def _joined(units: Sequence[Unit], wanted: Callable[[str], bool]) -> list[Variant]:
    """The variants of ``units`` in the languages ``wanted`` (primary), one per language,
    texts joined in order (without spaces in Chinese) as the aligner joins a row's."""
    texts: dict[str, list[Variant]] = {}
    for unit in units:
        for variant in unit.variants:
            if wanted(base(variant.lang)):
                texts.setdefault(variant.lang, []).append(variant)
    out = []
    for lang, found in texts.items():
        if len(found) == 1:
            out.append(found[0])
            continue
        space = "" if script_for(lang) == "HAN" else " "
        out.append(Variant(lang, space.join(v.text for v in found)))
    return out


def _pivot_text(unit: Unit, pivot: str) -> str:
    """What pairs rows: the pivot text, or for a row without one, all its texts (a row that
    only one language has pairs only with the same row)."""
    for variant in unit.variants:
        if base(variant.lang) == pivot:
            return variant.text
    return "\x00" + "\x00".join(v.text for v in unit.variants)


class DocumentStore:
    """The documents of one memory: its tables ``documents`` (id, title, pivot, date built,
    file names) and ``document_units`` (each document's rows in order, each naming its unit;
    a unit two documents share is linked by both). Units change only through the memory's
    unit methods (:meth:`tm.memory.Memory.store_units`, :meth:`~tm.memory.Memory.delete_units`),
    inside one :meth:`~tm.memory.Memory.transaction` per change."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def store(
        self,
        document: str,
        units: Sequence[Unit],
        *,
        langs: Collection[str],
        pivot: str,
        title: str | None = None,
        files: Sequence[str] = (),
    ) -> DocumentChange:
        """Store a build of ``document`` in ``langs`` (its rows as ``units``), in one
        transaction: its stored rows' variants in ``langs`` are replaced and its other
        languages kept (:func:`tm.documents.plan_rebuild`); other documents are untouched."""
        with self.memory.transaction():
            known = self._row(document)
            stored = self.rows(document)
            plan = plan_rebuild([u for _, u in stored], units, langs=langs, pivot=pivot)
            self._relink(document, [uid for uid, _ in stored], plan.units)
            names = tuple(dict.fromkeys([*(known[2] if known else ()), *files]))
            self.memory.connection.execute(
                "INSERT INTO documents (id, title, pivot, built, files) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET title = coalesce(excluded.title, documents.title), "
                "pivot = excluded.pivot, built = excluded.built, files = excluded.files",
                (document, title, language_tag(pivot), _now(), json.dumps(list(names))),
            )
            namesakes = tuple(
                other.id
                for other in self.records()
                if other.id != document and files and files[0] in other.files
            )
            given = {primary(lang) for lang in langs} | {primary(language_tag(pivot))}
            return self._change(
                document,
                known is None,
                added=plan.added,
                replaced=plan.replaced,
                kept=plan.kept,
                dropped=plan.dropped,
                given=given,
                namesakes=namesakes,
            )

    def remove(self, document: str, *, langs: Collection[str] | None = None) -> DocumentChange:
        """Remove ``document`` (or only its variants in ``langs``) in one transaction. Its
        units go, but for units another document shares or an import stored first.

        Raises:
            InputError: no such document, or ``langs`` names its pivot language.
        """
        with self.memory.transaction():
            record = self.find(document)
            stored = self.rows(record.id)
            given = {primary(language_tag(lang)) for lang in langs or ()}
            if primary(record.pivot) in given:
                raise InputError(
                    f"{record.pivot} is the pivot of {record.id}: it goes only with the "
                    "whole document",
                    parameter="langs",
                )
            plan = plan_rebuild([u for _, u in stored], [], langs=given, pivot=record.pivot)
            kept = plan.units if langs else ()
            before = self.memory.count()
            self._relink(record.id, [uid for uid, _ in stored], kept)
            if not kept:
                self.memory.connection.execute("DELETE FROM documents WHERE id = ?", (record.id,))
            return self._change(
                record.id,
                False,
                kept=len(kept),
                dropped=len(stored) - len(kept),
                units_removed=before - self.memory.count(),
                variants_removed=sum(
                    1 for _, u in stored for v in u.variants if primary(v.lang) in given
                )
                if langs
                else sum(len(u.variants) for _, u in stored),
                given=given or {primary(t) for t in record.languages},
            )

    def _relink(self, document: str, old: Sequence[int], units: Sequence[Unit]) -> None:
        """Make ``units`` the rows of ``document`` (tuids renumbered), in place of the units
        ``old``; remove the old units no document links any more that this document stored
        (a unit an import stored first stays; one another document shares becomes theirs)."""
        conn = self.memory.connection
        prefix = tuid_prefix(document)
        numbered = [replace(u, tuid=f"{prefix}-{n:04d}") for n, u in enumerate(units, 1)]
        conn.execute("DELETE FROM document_units WHERE document = ?", (document,))
        ids = self.memory.store_units(numbered, origin=document, own=True)
        conn.executemany(
            "INSERT INTO document_units (document, row, unit) VALUES (?, ?, ?)",
            [(document, row, uid) for row, uid in enumerate(ids, 1)],
        )
        gone = []
        linked = set(ids)
        for uid in dict.fromkeys(old):
            if uid in linked:
                continue
            origin, other = conn.execute(
                "SELECT origin, (SELECT document FROM document_units WHERE unit = ?1 LIMIT 1) "
                "FROM units WHERE id = ?1",
                (uid,),
            ).fetchone()
            if origin != document:
                continue  # an import stored it, or another document: theirs to keep
            if other is None:
                gone.append(uid)
            else:  # another document shares it: it is theirs now, without this one's tuid
                conn.execute("UPDATE units SET origin = ?, tuid = NULL WHERE id = ?", (other, uid))
        self.memory.delete_units(gone)

    def _change(
        self, document: str, new: bool, *, given: set[str], **counts: Any
    ) -> DocumentChange:
        """The :class:`DocumentChange` of a change to ``document`` (bumps the revision)."""
        record = self._row(document)
        units, languages, _ = record or (0, (), ())
        return DocumentChange(
            document,
            new,
            units=units,
            languages=tuple(sorted(given)),
            kept_languages=tuple(t for t in languages if primary(t) not in given),
            others=self.memory.count() - units,
            revision=self.memory.bump(),
            **counts,
        )

    def records(self) -> list[DocumentRecord]:
        """The documents the memory holds, by id."""
        rows = self.memory.connection.execute("SELECT id FROM documents ORDER BY id").fetchall()
        return [self.find(doc_id) for (doc_id,) in rows]

    def find(self, name: str) -> DocumentRecord:
        """The document with id ``name``, or the one document whose id starts with it or
        that was built from a file named ``name``.

        Raises:
            InputError: no document, or several, answer to ``name``.
        """
        conn = self.memory.connection
        found = [name] if self._row(name) else []
        if not found:
            for doc_id, files in conn.execute("SELECT id, files FROM documents ORDER BY id"):
                if doc_id.startswith(name) or name in json.loads(files):
                    found.append(doc_id)
        if len(found) != 1:
            listed = ", ".join(found) or "none"
            what = "several documents" if found else "no document"
            raise InputError(f"{self.memory.name}: {what} named {name!r} (documents: {listed})")
        row = conn.execute(
            "SELECT id, title, pivot, built FROM documents WHERE id = ?", (found[0],)
        ).fetchone()
        units, languages, files = self._row(found[0]) or (0, (), ())
        return DocumentRecord(row[0], row[1], row[2], languages, units, row[3], files)

    def _row(self, document: str) -> tuple[int, tuple[str, ...], tuple[str, ...]] | None:
        """(units, languages, files) of ``document``, or None when there is none."""
        conn = self.memory.connection
        row = conn.execute("SELECT files FROM documents WHERE id = ?", (document,)).fetchone()
        if row is None:
            return None
        units = conn.execute(
            "SELECT count(DISTINCT unit) FROM document_units WHERE document = ?", (document,)
        ).fetchone()[0]
        tags: set[str] = set()
        for (data,) in conn.execute(
            "SELECT variants FROM units WHERE id IN "
            "(SELECT unit FROM document_units WHERE document = ?)",
            (document,),
        ):
            tags.update(v[0] for v in decode_variants(data))
        return units, tuple(sorted(tags)), tuple(json.loads(row[0]))

    def rows(self, document: str) -> list[tuple[int, Unit]]:
        """The rows of ``document`` in order: (unit id, unit)."""
        rows = self.memory.connection.execute(
            "SELECT unit FROM document_units WHERE document = ? ORDER BY row", (document,)
        ).fetchall()
        ids = [uid for (uid,) in rows]
        units = dict(
            zip(dict.fromkeys(ids), self.memory.get(list(dict.fromkeys(ids))), strict=True)
        )
        return [(uid, units[uid]) for uid in ids]


def _now() -> str:
    """The current time in UTC as ``YYYY-MM-DDThh:mm:ssZ``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
