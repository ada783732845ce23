"""The library calls behind the HTTP API: the same ones the CLI makes, over one shared memory.

Requests run in a thread pool; a connection (SQLite's, PostgreSQL's) belongs to one thread, so
each thread opens the memory once and keeps it. Each match reads one snapshot of the memory and
its match index, so a document built through any process is matched from the next request on. The
glossary (UN + the user's imported ones) is loaded once per process.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from glossaries import load_shipped
from tm.backend import is_url
from tm.build import BuildReport, build_memory
from tm.check import check_draft, check_translation
from tm.document import parse_text, read_document
from tm.documents import DocumentChange, DocumentRecord, DocumentStore
from tm.errors import InputError, LanguageError
from tm.lang import base, normalize
from tm.match import SegmentMatches, match_document
from tm.memory import Memory, MemoryStats
from tm.models import Concept, Document, Finding, Unit
from tm.segment import segment_document
from tm.terms import Glossary
from tmx.glossary import with_memory_glossaries, with_user_glossaries
from tmx.interchange import export_memory

__all__ = ["Limits", "Service"]

#: Lowest fuzzy score of a term look-up shown (as ``untm query``).
_MIN_TERM_SCORE = 60.0


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one request may ask, so that no client can exhaust the server."""

    body_bytes: int = 2 * 1024 * 1024
    upload_bytes: int = 32 * 1024 * 1024
    text_chars: int = 200_000
    results: int = 200
    #: requests doing heavy work (export, build) at once in one server process; more wait
    #: their turn, while look-ups go on beside them
    heavy_requests: int = 2
    #: processes of each server process that match and check drafts (server.work_pool)
    work_processes: int = 2
    #: concordance searches running at once in each server process (each in a process of its
    #: own); more wait their turn, so that searches, which keep the database busy for tens of
    #: milliseconds each, cannot take every core from look-ups and matches
    searches: int = 1


@dataclass(slots=True)
class _Local:
    memory: Memory | None = None


class Service:
    """One memory (a path), the glossary, and the calls the endpoints make."""

    def __init__(
        self, memory: str | Path, *, glossaries: Sequence[Path] = (), limits: Limits | None = None
    ) -> None:
        #: the memory: a file, or a PostgreSQL URL (tm.postgres)
        self.target: str | Path = str(memory) if is_url(memory) else Path(memory)
        #: what downloads are named after: the file's stem, or the database's name
        self.stem = (
            urlsplit(str(memory)).path.rsplit("/", 1)[-1] if is_url(memory) else Path(memory).stem
        ) or "memory"
        self.limits = limits or Limits()
        self._glossary_paths = tuple(glossaries)
        self._glossary: Glossary | None = None
        #: the UN glossary with the user's and the ``--glossary`` files (read once)
        self._base: Glossary | None = None
        #: the memory's stored glossaries that ``_glossary`` holds (name -> when stored)
        self._stamps: dict[str, str] | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        Memory.open(self.target, create=False).close()  # fail at start, not at the first request

    # --- state --------------------------------------------------------------------------------

    @property
    def glossary(self) -> Glossary:
        """The UN glossary with the user's imported glossaries (and ``--glossary`` files), and
        the glossaries stored with the memory as they are now (a team's: one imported through
        any server or command is used from the next request on)."""
        stamps = self.memory().glossary_stamps() or {}
        with self._lock:
            if self._base is None:
                self._base = with_user_glossaries(load_shipped(), self._glossary_paths)
            if self._glossary is None or stamps != self._stamps:
                self._glossary = with_memory_glossaries(self._base, self.memory())
                self._stamps = stamps
            return self._glossary

    def _state(self) -> _Local:
        state: _Local | None = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _Local()
        return state

    def memory(self) -> Memory:
        """This thread's connection to the memory (opened again when the database server
        dropped the last one: a restart of PostgreSQL costs the requests it interrupted, not
        every request until the server restarts too)."""
        local = self._state()
        if local.memory is not None and not local.memory.backend.connected:
            local.memory.close()
            local.memory = None
        if local.memory is None:
            local.memory = Memory.open(self.target, create=False)
        return local.memory

    def warm(self) -> None:
        """Open this thread's connection and make what a first request would otherwise wait
        for (the glossary and its look-up tables, the memory's search tables): a server's
        first requests are served as fast as the others."""
        self.memory().backend.warm()
        self.glossary.lookup("United Nations", limit=1)

    def _text(self, text: str, what: str) -> str:
        if not text.strip():
            raise InputError(f"the {what} is empty")
        if len(text) > self.limits.text_chars:
            raise InputError(
                f"the {what} has {len(text):,} characters; at most "
                f"{self.limits.text_chars:,} are taken in one request"
            )
        return text

    def _limit(self, value: int) -> int:
        if not 1 <= value <= self.limits.results:
            raise InputError(f"limit must be between 1 and {self.limits.results}")
        return value

    # --- look-ups -----------------------------------------------------------------------------

    def terms(self, query: str, *, lang: str | None, limit: int) -> list[tuple[Concept, float]]:
        """``untm query``: the concepts that best match ``query``."""
        found = self.glossary.lookup(
            self._text(query, "query"), lang=lang, limit=self._limit(limit)
        )
        return [(concept, score) for concept, score in found if score >= _MIN_TERM_SCORE]

    def concordance(self, query: str, *, lang: str | None, limit: int) -> list[Unit]:
        """``untm concordance``: units holding ``query``."""
        return self.memory().concordance(
            self._text(query, "query"), langs=[lang] if lang else [], limit=self._limit(limit)
        )

    def stats(self) -> MemoryStats:
        """``untm stats``."""
        return self.memory().stats()

    # --- drafts -------------------------------------------------------------------------------

    def draft(self, text: str, lang: str, *, name: str = "draft") -> Document:
        """A pasted draft as a document (Markdown or plain text)."""
        return parse_text(self._text(text, "text"), normalize(lang), source=name)

    def upload(self, data: bytes, filename: str, lang: str | None) -> Document:
        """An uploaded .md/.txt/.docx/.pdf draft, read as ``untm match FILE`` reads it."""
        if len(data) > self.limits.upload_bytes:
            raise InputError(f"{filename}: the file is larger than the server takes")
        suffix = Path(filename).suffix.lower()
        with tempfile.TemporaryDirectory(prefix="untm-upload-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            document = read_document(path, lang=lang or _lang_of(filename))
        return Document(document.lang, document.paragraphs, source=filename)

    def match(
        self,
        document: Document,
        *,
        target_langs: Sequence[str] | None,
        min_score: float,
        top: int,
    ) -> list[SegmentMatches]:
        """``untm match``: each segment's best earlier translations and its glossary names,
        in one read snapshot of the memory (the mapped index makes a matcher cheap)."""
        if not 0 <= min_score <= 101:
            raise InputError("min_score must be between 0 and 101")
        return match_document(
            segment_document(document),
            self.memory(),
            src_lang=document.lang,
            target_langs=target_langs,
            top=self._limit(top),
            min_score=min_score,
            glossary=self.glossary,
        )

    def check(self, source: Document, translation: Document | None) -> list[Finding]:
        """``untm check``: a draft alone, or a translation against its source."""
        if translation is None:
            return check_draft(source, glossary=self.glossary)
        if base(translation.lang) == base(source.lang):
            raise LanguageError("the translation is in the source's language; give target_lang")
        return check_translation(source, translation, glossary=self.glossary)

    # --- documents ----------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        """``untm documents``: the documents the memory holds."""
        return DocumentStore(self.memory()).records()

    def build(self, uploads: Sequence[tuple[str, bytes]], *, document: str | None) -> BuildReport:
        """``untm build``: the first upload is the English document, the others its versions
        (languages from the ``.xx.`` in their names), stored as ``document`` if given."""
        if len(uploads) < 2:
            raise InputError("send the English document and at least one version of it")
        total = sum(len(data) for _, data in uploads)
        if total > self.limits.upload_bytes:
            raise InputError("the files are larger than the server takes in one build")
        with tempfile.TemporaryDirectory(prefix="untm-build-") as folder:
            paths: list[Path] = []
            for name, data in uploads:
                safe = Path(name).name
                if not safe or safe in {p.name for p in paths}:
                    raise InputError(f"give each file its own name ({name!r})")
                path = Path(folder) / safe
                path.write_bytes(data)
                paths.append(path)
            return build_memory(
                paths[0], paths[1:], self.memory(), glossary=self.glossary, document=document
            )

    def remove(self, document: str, *, langs: Sequence[str] | None) -> DocumentChange:
        """``untm remove``: a document, or its versions in ``langs``."""
        return DocumentStore(self.memory()).remove(document, langs=langs or None)

    # --- export -------------------------------------------------------------------------------

    def export(
        self, folder: Path, *, fmt: str, langs: Sequence[str] | None, profile: str | None
    ) -> list[Path]:
        """``untm export`` into ``folder``; returns the files written."""
        stem = self.stem
        if langs:  # a download named for what it holds: letter.en-fr.tmx
            stem += "." + "-".join(base(lang) for lang in langs)
        report = export_memory(
            self.memory(), folder / f"{stem}.{fmt}", fmt=fmt, langs=langs, profile=profile
        )
        return [Path(name) for name, _ in report.files]


def _lang_of(filename: str) -> str:
    from tm.lang import from_filename

    found = from_filename(Path(filename))
    if found is None:
        raise LanguageError(f"{filename}: give lang (or name the file like draft.fr.docx)")
    return found
