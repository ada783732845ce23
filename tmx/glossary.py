"""Glossary files users bring or take away: CSV/TSV tables, OmegaT glossaries, and TBX.

:func:`load` picks the reader from the extension and the content:

- ``.tbx`` (or XML content): TBX v3 or v2, see :mod:`tmx.tbx`;
- ``.csv`` / ``.tsv`` with a header: either one term a row (``id, lang, term`` and optionally
  ``category, abbreviation, status, confidence, source, note, concept_note`` -- the layout of
  the shipped glossary) or one concept a row with one column per language (``en, fr, ...``,
  optionally ``id, category, note``);
- OmegaT's tab-separated glossary (``.txt``, ``.tab``, ``.utf8``, or a table without header):
  ``source<TAB>target<TAB>comment`` lines, ``#`` comments; the two languages must be given.

:func:`write_table` writes one term a row (round-trips through :func:`load`);
:func:`write_omegat` writes OmegaT's format for one language pair. User glossaries imported
with :func:`import_user` are kept as TSV in the per-user data directory (:func:`user_dir`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from tm.document import decode_text
from tm.errors import FormatError, GlossaryError, InputError, LanguageError, quoted
from tm.lang import base, normalize
from tm.models import Concept, Term
from tm.terms import Glossary, concepts_from_rows, is_abbreviation
from tmx.cells import defuse, restore
from tmx.output import atomic_paths

if TYPE_CHECKING:
    from tm.memory import Memory
    from tm.memory_reader import MemoryReader

__all__ = [
    "COLUMNS",
    "OMEGAT_SUFFIXES",
    "import_user",
    "clean_terms",
    "load",
    "read_omegat",
    "remove_user",
    "read_table",
    "table_rows",
    "user_dir",
    "user_glossaries",
    "with_user_glossaries",
    "write_omegat",
    "write_table",
]

#: Columns of the one-term-a-row layout, in the order they are written.
COLUMNS = (
    "id",
    "category",
    "lang",
    "term",
    "abbreviation",
    "status",
    "confidence",
    "source",
    "note",
    "concept_note",
)
#: Extensions OmegaT reads as tab-separated glossaries (it ignores ``*.tsv``).
OMEGAT_SUFFIXES = (".txt", ".tab", ".utf8")
_TABLE_SUFFIXES = (".csv", ".tsv")


def load(path: str | Path, *, src_lang: str | None = None, tgt_lang: str | None = None) -> Glossary:
    """Read a user glossary, choosing the reader by extension and content.

    ``src_lang`` and ``tgt_lang`` are needed only for OmegaT files (two languages, no header).

    Raises:
        GlossaryError: the file is not a glossary untm can read (the message says why).
        OSError: the file cannot be read.
    """
    return clean_terms(_load_as_is(Path(path), src_lang=src_lang, tgt_lang=tgt_lang))[0]


def _load_as_is(path: Path, *, src_lang: str | None, tgt_lang: str | None) -> Glossary:
    """The glossary in ``path`` as its reader gives it, control characters and all."""
    data = path.read_bytes()
    if not data.strip():
        raise GlossaryError(f"{path}: the file is empty")
    if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GlossaryError(f"{path}: this is a binary file, not a glossary")
    try:
        return _read(path, data, src_lang=src_lang, tgt_lang=tgt_lang)
    except GlossaryError as err:
        if str(err).startswith(str(path)):
            raise
        raise GlossaryError(f"{path}: {err}") from err


def _read(path: Path, data: bytes, *, src_lang: str | None, tgt_lang: str | None) -> Glossary:
    """The reader chosen by :func:`load` for ``path``, whose bytes are ``data``."""
    suffix = path.suffix.lower()
    if suffix == ".tbx" or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        from tmx.tbx import read_tbx

        return read_tbx(path)
    text = _decode(data, path)
    if suffix in OMEGAT_SUFFIXES:
        return read_omegat(text, src_lang=src_lang, tgt_lang=tgt_lang, origin=path)
    if suffix in _TABLE_SUFFIXES or suffix == "":
        return read_table(
            text,
            delimiter="," if suffix == ".csv" else "\t",
            origin=path,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
        )
    raise GlossaryError(
        f"{path}: unknown glossary format {suffix!r} "
        "(expected .tbx, .csv, .tsv, or OmegaT .txt/.tab/.utf8)"
    )


def _decode(data: bytes, path: Path) -> str:
    """The text of a table or OmegaT file, decoded as documents are (UTF-8, or UTF-16 with BOM)."""
    try:
        return decode_text(data, path)
    except InputError as err:
        raise GlossaryError(str(err)) from err


def read_table(
    text: str,
    *,
    delimiter: str = "\t",
    origin: str | Path | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> Glossary:
    """A CSV/TSV glossary: one term a row, one concept a row, or OmegaT pairs without header."""
    lines = [line for line in io.StringIO(text) if not line.startswith("#") and line.strip()]
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        rows = [[restore(cell) for cell in row] for row in reader]
    except csv.Error as err:  # a CR inside a cell, a cell over the csv module's limit
        why = "a line break inside a cell" if "new-line" in str(err) else str(err)
        raise GlossaryError(
            f"{_where(origin)}not a readable table (row {reader.line_num}: {why})"
        ) from err
    if not rows:
        raise GlossaryError(f"{_where(origin)}the table has no rows")
    header = [cell.strip().lower() for cell in rows[0]]
    name = Path(str(origin)).stem if origin else "user"
    if {"id", "lang", "term"} <= set(header):
        records = (dict(zip(header, row, strict=False)) for row in rows[1:])
        return Glossary(concepts_from_rows(records, origin=str(origin) if origin else None))
    langs = [_lang_column(cell) for cell in header]
    if sum(lang is not None for lang in langs) >= 2:
        return Glossary(_wide(rows, header, langs, name, origin))
    return read_omegat(
        text, src_lang=src_lang, tgt_lang=tgt_lang, origin=origin, delimiter=delimiter
    )


def _where(origin: str | Path | None) -> str:
    """``"<file>: "`` to start a message about ``origin``; nothing for text without a file."""
    return f"{origin}: " if origin else ""


def _lang_column(cell: str) -> str | None:
    if cell in ("id", "category", "note", "source", "status"):
        return None
    try:
        return normalize(cell) if len(cell) <= 8 else None
    except LanguageError:
        return None


def _wide(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    langs: Sequence[str | None],
    name: str,
    origin: str | Path | None,
) -> list[Concept]:
    concepts = []
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        terms = tuple(
            Term(lang, cell.strip())
            for lang, cell in zip(langs, row, strict=False)
            if lang is not None and cell.strip()
        )
        if not terms:
            continue
        concepts.append(
            Concept(
                cells.get("id", "").strip() or f"{name}-{number - 1}",
                cells.get("category", "").strip() or "term",
                terms,
                cells.get("note", "").strip() or None,
            )
        )
    if not concepts:
        raise GlossaryError(f"{_where(origin)}the table has language columns but no terms")
    return concepts


def read_omegat(
    text: str,
    *,
    src_lang: str | None,
    tgt_lang: str | None,
    origin: str | Path | None = None,
    delimiter: str = "\t",
) -> Glossary:
    """OmegaT's glossary: ``source<TAB>target[<TAB>comment]`` lines; ``#`` starts a comment.

    Raises:
        GlossaryError: when the languages are not given or a line has no target.
    """
    if not src_lang or not tgt_lang:
        raise GlossaryError(
            f"{_where(origin)}an OmegaT glossary does not say its languages; give them",
            parameter="languages",
        )
    src, tgt = normalize(src_lang), normalize(tgt_lang)
    name = Path(str(origin)).stem if origin else "omegat"
    concepts = []
    for number, line in enumerate(io.StringIO(text), start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split(delimiter)
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise GlossaryError(
                f"{_where(origin)}line {number}: "
                f"expected source{delimiter!r}target[{delimiter!r}comment]"
            )
        note = cells[2].strip() if len(cells) > 2 and cells[2].strip() else None
        terms = (Term(src, cells[0].strip()), Term(tgt, cells[1].strip(), note=note))
        concepts.append(Concept(f"{name}-{number}", "term", terms))
    if not concepts:
        raise GlossaryError(f"{_where(origin)}the file has no glossary lines")
    return Glossary(concepts)


# --- writing ----------------------------------------------------------------------------------


def table_rows(concept: Concept) -> Iterator[list[str]]:
    """The rows of ``concept`` in the one-term-a-row layout (:data:`COLUMNS`), term by term."""
    for term in concept.terms:
        yield [
            concept.id,
            concept.category,
            term.lang,
            term.text,
            term.abbreviation or "",
            term.status,
            term.confidence or "",
            term.source or "",
            term.note or "",
            concept.note or "",
        ]


def write_table(glossary: Glossary, path: str | Path, *, raw: bool = False) -> int:
    """Write one term a row (``.csv`` comma-separated, otherwise tab-separated), atomically.
    Cells a spreadsheet would run as formulas are written as text (see :mod:`tmx.cells`)
    unless ``raw``.

    Returns the number of rows written.
    """
    delimiter = "," if Path(path).suffix.lower() == ".csv" else "\t"
    text, count = table_text(glossary, delimiter=delimiter, raw=raw)
    with atomic_paths() as tmp:
        Path(tmp(path)).write_text(text, encoding="utf-8")
    return count


def table_text(glossary: Glossary, *, delimiter: str = "\t", raw: bool = False) -> tuple[str, int]:
    """The table :func:`write_table` writes, as text, and its number of rows."""
    cell = str if raw else defuse
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for concept in glossary.concepts:
        for row in table_rows(concept):
            writer.writerow(map(cell, row))
            count += 1
    return buffer.getvalue(), count


def write_omegat(
    glossary: Glossary,
    path: str | Path,
    *,
    src_lang: str,
    tgt_lang: str,
    comments: Mapping[str, str] | None = None,
) -> int:
    """Write OmegaT's glossary for one pair: every source form -> the preferred target form.

    The comment says the concept, the source form's status and, for a form to avoid, the
    preferred source form, then ``comments[concept id]`` where given. Returns the number of
    lines written.

    Raises:
        InputError: for a ``.tsv`` name (OmegaT ignores such files).
    """
    if Path(path).suffix.lower() == ".tsv":
        raise InputError(f"{path}: OmegaT ignores *.tsv glossaries; name the file .txt or .utf8")
    src, tgt = base(src_lang), base(tgt_lang)
    lines = [f"# untm glossary export: {src} -> {tgt}; source<TAB>target<TAB>comment"]
    for concept in glossary.concepts:
        target = concept.preferred(tgt)
        preferred = concept.preferred(src)
        if target is None or preferred is None:
            continue
        for term in concept.terms:
            if base(term.lang) != src:
                continue
            comment = f"{concept.id}; {term.status}"
            if term.status == "deprecated":
                comment += f"; use: {preferred.text}"
            if comments and concept.id in comments:
                comment += f"; {comments[concept.id]}"
            text = target.text
            if is_abbreviation(term) and not is_abbreviation(target):
                short = next(
                    (t for t in concept.terms if base(t.lang) == tgt and is_abbreviation(t)), None
                )
                text = short.text if short else target.text
            lines.append("\t".join(_one_line(x) for x in (term.text, text, comment)))
    with atomic_paths() as tmp:
        Path(tmp(path)).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


# --- the user's glossaries --------------------------------------------------------------------


def user_dir() -> Path:
    """untm's per-user data directory: ``$UNTM_HOME``, else ``$XDG_DATA_HOME/untm``, else
    ``~/.local/share/untm``."""
    home = os.environ.get("UNTM_HOME")
    if home:
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME")
    return (Path(data).expanduser() if data else Path.home() / ".local" / "share") / "untm"


def user_glossaries() -> list[Path]:
    """The user glossaries imported so far (TSV files in ``user_dir()/glossaries``)."""
    folder = user_dir() / "glossaries"
    return sorted(folder.glob("*.tsv")) if folder.is_dir() else []


def import_user(
    path: str | Path, *, src_lang: str | None = None, tgt_lang: str | None = None
) -> tuple[Path, Glossary, bool, list[str]]:
    """Read ``path`` (any format :func:`load` reads) and keep it as a user glossary.

    Returns where it is stored, what was read, whether it replaced an earlier import (a file
    of the same name imported again, an updated version, replaces the earlier one), and the
    concepts whose text had control characters (see :func:`clean_terms`).
    """
    glossary, cleaned = clean_terms(_load_as_is(Path(path), src_lang=src_lang, tgt_lang=tgt_lang))
    folder = user_dir() / "glossaries"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the glossary folder {folder}: {err.strerror}") from err
    target = folder / f"{Path(path).stem}.tsv"
    replaced = target.exists()
    write_table(glossary, target, raw=True)
    return target, glossary, replaced, cleaned


def remove_user(name: str) -> Path:
    """Remove the imported glossary ``name`` (as ``glossary import`` named it, ``.tsv`` or not).

    Raises:
        GlossaryError: there is no imported glossary of that name (the message lists them).
    """
    stored = {path.stem: path for path in user_glossaries()}
    stem = name[:-4] if name.lower().endswith(".tsv") else name
    path = stored.get(stem)
    if path is None:
        known = ", ".join(sorted(stored)) or "none"
        raise GlossaryError(f"no imported glossary named {quoted(name)} (yours: {known})")
    path.unlink()
    return path


def with_user_glossaries(base_glossary: Glossary, paths: Sequence[str | Path] = ()) -> Glossary:
    """``base_glossary`` (the shipped one) merged with the imported user glossaries and then
    with ``paths`` (files given on the command line), later ones adding to earlier ones.

    Raises:
        GlossaryError: a glossary cannot be read; for an imported one the message says how to
            remove it, since every command reads it.
    """
    merged = base_glossary
    imported = user_glossaries()
    for path in (*imported, *paths):
        try:
            read = load(path)
        except (GlossaryError, FormatError, OSError) as err:
            if path not in imported:
                raise
            reason = (err.strerror or str(err)) if isinstance(err, OSError) else str(err)
            raise GlossaryError(
                f"your imported glossary {path.stem!r} cannot be read ({reason[:200]}); "
                f"remove it with: untm glossary remove {path.stem}"
            ) from err
        try:
            merged = merged.merged(read)
        except GlossaryError as err:
            if str(err).startswith(str(path)):
                raise
            raise GlossaryError(f"{path}: with the glossaries before it, {err}") from err
    return merged


# --- the glossaries stored with a memory (a team's) -----------------------------------------


def import_into_memory(
    path: str | Path,
    memory: Memory,
    *,
    base: Glossary | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> tuple[str, Glossary, bool, list[str]]:
    """Read ``path`` (any format :func:`load` reads) and keep it with ``memory`` under its
    file's stem: every command and server using the memory reads it (a team's terminology).
    With ``base`` (the glossary it joins), one that cannot merge into it is refused first.

    Returns the name, what was read, whether it replaced a glossary of that name, and the
    concepts whose text had control characters (see :func:`clean_terms`).

    Raises:
        GlossaryError: the file is not a glossary, or does not merge into ``base``.
    """
    glossary, cleaned = clean_terms(_load_as_is(Path(path), src_lang=src_lang, tgt_lang=tgt_lang))
    if base is not None:
        try:
            base.merged(glossary)
        except GlossaryError as err:
            raise GlossaryError(f"{path}: with the glossaries before it, {err}") from err
    name = Path(path).stem
    text, _ = table_text(glossary, raw=True)
    replaced = memory.store_glossary(name, text, concepts=len(glossary.concepts))
    return name, glossary, replaced, cleaned


def with_memory_glossaries(base_glossary: Glossary, memory: MemoryReader) -> Glossary:
    """``base_glossary`` merged with the glossaries stored with ``memory``, by name.

    Raises:
        GlossaryError: a stored glossary cannot be read or merged (the message says how to
            remove it).
    """
    merged = base_glossary
    for name, text in memory.glossaries():
        origin = Path(f"{name}.tsv")
        try:
            merged = merged.merged(read_table(text, delimiter="\t", origin=origin))
        except (GlossaryError, FormatError) as err:
            raise GlossaryError(
                f"the glossary {name!r} stored with the memory cannot be used "
                f"({str(err)[:200]}); remove it from the memory and import it corrected"
            ) from err
    return merged


# --- cleaning ---------------------------------------------------------------------------------

# C0 and C1 controls (tab, CR and LF included), DEL, and the noncharacters U+FFFE and U+FFFF:
# none belongs in a term, and each breaks a format the glossary is written to (CR a TSV row,
# most of them XML).
_CONTROL = regex.compile(r"[\p{Cc}\uFFFE\uFFFF]")


def clean_terms(glossary: Glossary) -> tuple[Glossary, list[str]]:
    """``glossary`` with control characters in its text replaced by spaces, and the ids of the
    concepts that had some. Runs of spaces in a term become one; a term left empty is dropped,
    and so is a concept left without terms.
    """
    changed: list[str] = []
    concepts: list[Concept] = []
    for concept in glossary.concepts:
        fields = [concept.id, concept.category, concept.note or ""]
        fields.extend(f or "" for t in concept.terms for f in _term_fields(t))
        if not _CONTROL.search("".join(fields)):
            concepts.append(concept)
            continue
        terms = tuple(
            term for term in (_clean_term(t) for t in concept.terms) if term.text and term.lang
        )
        clean = Concept(
            _clean_text(concept.id),
            _clean_text(concept.category) or "term",
            terms,
            _clean_note(concept.note),
        )
        if clean != concept:
            changed.append(clean.id)
        if terms:
            concepts.append(clean)
    return (Glossary(concepts) if changed else glossary), changed


def _term_fields(term: Term) -> tuple[str | None, ...]:
    return (term.lang, term.text, term.abbreviation, term.source, term.confidence, term.note)


def _clean_text(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split()) if _CONTROL.search(text) else text


def _clean_note(text: str | None) -> str | None:
    return None if text is None else _clean_text(text) or None


def _clean_term(term: Term) -> Term:
    return Term(
        _clean_text(term.lang),
        _clean_text(term.text),
        term.status,
        _clean_note(term.abbreviation),
        _clean_note(term.source),
        _clean_note(term.confidence),
        _clean_note(term.note),
    )
