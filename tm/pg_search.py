"""Concordance on a PostgreSQL memory: a prefilter in SQL, so that Python checks few texts.

:func:`tm.fold.contains` decides whether a text holds a query (case, apostrophes, quotes and
spaces folded); running it on every unit would send the whole memory to Python. The prefilter
asks PostgreSQL for the units holding the query's longest run of letters and digits in any of
its case forms (a regular expression a trigram index serves, when ``pg_trgm`` is there), plus
the few *unusual* units whose raw text such a search could miss (a partial index lists them);
:class:`tm.postgres.PgBackend` then checks those exactly, in id order.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

import psycopg

from tm import pg_schema

__all__ = ["create_indexes", "prefilter"]


def create_indexes(raw: psycopg.Connection[Any]) -> None:
    """The indexes concordance's prefilter uses (in the creating transaction): the units
    it always takes, and a trigram index when the database can have ``pg_trgm``."""
    raw.execute(f"CREATE INDEX units_unusual ON units (id) WHERE {_folds()[1]}")
    raw.execute("SAVEPOINT untm_trgm")
    try:
        for statement in pg_schema.SEARCH:
            raw.execute(statement)
    except psycopg.Error:
        raw.execute("ROLLBACK TO SAVEPOINT untm_trgm")  # no pg_trgm here: scans stay in SQL
    raw.execute("RELEASE SAVEPOINT untm_trgm")


#: units concordance always checks, since a search of the raw text for the needle's letters
#: could miss the needle in them: texts holding a character whose case folding is several
#: characters (``ß``: ``ss``), and texts that NFKC changes where letters, digits or marks are
#: concerned (ligatures, full-width letters, decomposed accents). A text that NFKC changes only
#: in spaces or punctuation (no-break spaces, full-width commas: most French and Chinese texts)
#: is not among them: the letters the prefilter looks for never span those.
_UNUSUAL = "(variants ~ '[{folds}]' OR (variants IS NOT NFKC NORMALIZED AND variants ~ '[{nfkc}]'))"


@cache
def _folds() -> tuple[dict[str, str], str]:
    """For each case-folded character, every character that folds to it alone; and the SQL
    condition naming the units concordance always checks (:data:`_UNUSUAL`). Scans Unicode
    once."""
    into: dict[str, set[str]] = {}
    several: list[int] = []
    changed: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul jamo
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = char.casefold()
        if len(folded) == 1 and folded != char:
            into.setdefault(folded, {folded}).add(char)
        elif len(folded) > 1 and unicodedata.is_normalized("NFKC", char):
            several.append(code)
        image = unicodedata.normalize("NFKC", char)
        if unicodedata.combining(char) or (
            image != char and any(c.isalnum() or unicodedata.category(c)[0] == "M" for c in image)
        ):
            changed.add(code)
        parts = unicodedata.decomposition(char).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            changed.add(int(parts[1], 16))  # composes with what precedes it
    condition = _UNUSUAL.format(folds=_ranges(several), nfkc=_ranges(sorted(changed)))
    return {k: "".join(sorted(v)) for k, v in into.items()}, condition


def _ranges(codes: Sequence[int]) -> str:
    """Sorted non-ASCII code points as the inside of a bracket expression (``a-z`` runs)."""
    out: list[str] = []
    start = prev = -2
    for code in [*codes, -1]:
        if code == prev + 1:
            prev = code
            continue
        if start >= 0:
            out.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
        start = prev = code
    return "".join(out)


def prefilter(needle: str) -> list[tuple[str, tuple[Any, ...]]]:
    """SQL conditions, one of which every unit holding the folded ``needle`` meets, and few
    others do: its runs of letters and digits (which folding leaves in place, :func:`tm.
    fold.contains`), each as a regular expression with each character's case forms (the
    longest, and every other of three characters or more: a trigram index serves them all, so
    "human rights" reads the texts holding both words, not every text holding "rights"); or
    being one of the units :data:`_UNUSUAL` names. A needle without letters or digits takes
    every unit."""
    runs = sorted({run for run in re.split(r"[\W_]+", needle) if run}, key=lambda r: (-len(r), r))
    if not runs:
        return [("TRUE", ())]
    forms, unusual = _folds()
    patterns = tuple(
        "".join(f"[{forms[c]}]" if len(forms.get(c, c)) > 1 else re.escape(c) for c in run)
        for run in runs[:1] + [run for run in runs[1:] if len(run) >= 3]
    )
    return [(" AND ".join(["variants ~ ?"] * len(patterns)), patterns), (unusual, ())]
