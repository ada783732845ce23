"""Limits checked before a Word or PDF file reaches its parser, so that a hostile file gives
one clear error instead of filling the memory, running for hours or printing a traceback.

- A ``.docx`` is a zip archive: its table of contents is read first (no member is decompressed)
  and an archive of too many members, too many bytes unpacked, or a member that unpacks to a
  hundred times its size and more (a zip bomb: 444 KB became 865 MB) is refused. The sizes a
  zip declares bound what :mod:`zipfile` will unpack, so checking them is enough.
- A PDF: pypdf stops at its own limits (75 MB a stream) with an error of its own, which is
  turned into a :class:`FormatError`; an encrypted PDF is opened with the empty password many
  "protected" PDFs use, and otherwise refused; pypdf's warnings about repaired damage stay off
  the terminal; too many pages or too much text is refused.
"""

from __future__ import annotations

import logging
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tm.errors import FormatError, quoted

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

__all__ = [
    "UNPACKING_ERRORS",
    "MAX_DOCX_MEMBERS",
    "MAX_DOCX_RATIO",
    "MAX_DOCX_UNPACKED",
    "MAX_PDF_PAGES",
    "MAX_PDF_TEXT",
    "check_docx",
    "first_line",
    "pdf_pages",
]

#: Members of a Word archive (a long report has a few dozen).
MAX_DOCX_MEMBERS = 5_000
#: Bytes a Word archive may unpack to, all members together.
MAX_DOCX_UNPACKED = 300_000_000
#: Unpacked size over packed size of one member of more than a megabyte (text XML: ~10-30).
MAX_DOCX_RATIO = 100
#: Pages of a PDF document.
MAX_PDF_PAGES = 20_000
#: Characters of text in a PDF document, all pages together.
MAX_PDF_TEXT = 100_000_000
_MB = 1 << 20
#: What reading a damaged zip archive raises besides ``BadZipFile``: a member's offset before
#: the start (OSError), a broken deflate stream, an encrypted member, an unknown compression.
UNPACKING_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


def check_docx(path: Path) -> None:
    """Refuse a Word file whose archive is not one, or would unpack to too much.

    Raises:
        FormatError: the file is not a zip archive, or is beyond the limits above.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except UNPACKING_ERRORS + (ValueError,) as err:
        raise FormatError(f"not a readable Word document ({first_line(err)})", path=path) from err
    if len(members) > MAX_DOCX_MEMBERS:
        raise FormatError(
            f"the Word archive holds {len(members):,} files (at most {MAX_DOCX_MEMBERS:,}): "
            "not a document untm reads",
            path=path,
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_DOCX_UNPACKED:
        raise FormatError(
            f"the Word archive would unpack to {unpacked // _MB:,} MB "
            f"(at most {MAX_DOCX_UNPACKED // _MB:,} MB): a zip bomb?",
            path=path,
        )
    for member in members:
        if member.file_size > _MB and member.file_size > MAX_DOCX_RATIO * member.compress_size:
            raise FormatError(
                f"{quoted(member.filename)} in the Word archive unpacks "
                f"{member.file_size // max(member.compress_size, 1):,} times its size: "
                "a zip bomb?",
                path=path,
            )


def pdf_pages(path: Path, page_text: Callable[[PageObject], str]) -> list[str]:
    """The text of each page of a PDF file as ``page_text`` reads it, within the limits above.

    Raises:
        FormatError: the file is not a readable PDF, is encrypted with a password, or is beyond
            the limits.
    """
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    try:
        with _quiet_pypdf():
            reader = _open_pdf(path)
            count = len(reader.pages)
            if count > MAX_PDF_PAGES:
                raise FormatError(
                    f"the PDF has {count:,} pages (at most {MAX_PDF_PAGES:,})", path=path
                )
            pages: list[str] = []
            total = 0
            for page in reader.pages:
                pages.append(page_text(page))
                total += len(pages[-1])
                if total > MAX_PDF_TEXT:
                    raise FormatError(
                        f"the PDF holds over {MAX_PDF_TEXT:,} characters of text", path=path
                    )
    except FileNotDecryptedError as err:
        raise FormatError(
            "the PDF is encrypted with a password; save an unprotected copy", path=path
        ) from err
    except DependencyError as err:
        raise FormatError(
            f"the PDF is encrypted in a way untm cannot open ({first_line(err)})", path=path
        ) from err
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as err:
        raise FormatError(f"not a readable PDF file ({first_line(err)})", path=path) from err
    except (RecursionError, MemoryError) as err:
        raise FormatError("the PDF is built too deep or too large to read", path=path) from err
    return pages


def _open_pdf(path: Path) -> PdfReader:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")  # a wrong password leaves it locked: pages then raise
    return reader


def first_line(err: BaseException) -> str:
    """The first line of an error's message (or its name), cut to 200 characters."""
    lines = str(err).strip().splitlines() or [type(err).__name__]
    return lines[0][:200]


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about the damage it repairs: keep that off the user's terminal."""
    logger = logging.getLogger("pypdf")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
