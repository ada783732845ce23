"""Safe XML reading for every reader in tmx/ (settings from :mod:`tm._xml`).

No DTD loading, no entity expansion, no network: a TMX or TBX from a stranger cannot read local
files (XXE) or blow up memory (billion laughs). Large files go through :func:`iterparse`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from tm._xml import ENTITIES_REFUSED, SAFE_OPTIONS, declares_entities, safe_parser, syntax_error
from tm.errors import FormatError

__all__ = ["XML_LANG", "iterparse", "parse", "safe_parser"]

#: the ``xml:lang`` attribute as lxml names it
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(source: str | Path | IO[bytes]) -> etree._ElementTree:
    """Parse a whole (small) XML file safely; malformed XML, and a file that declares
    entities, raise :class:`FormatError`."""
    name = _name(source)
    if isinstance(source, str | Path):
        # reading a named file, lxml reports bytes invalid in its encoding as an OSError
        source = io.BytesIO(Path(source).read_bytes())
    try:
        tree = etree.parse(source, safe_parser())
    except etree.XMLSyntaxError as err:
        message, line = syntax_error(err)
        raise FormatError(f"not well-formed XML: {message}", path=name, line=line) from err
    if declares_entities(tree):
        raise FormatError(ENTITIES_REFUSED, path=name, line=1)
    return tree


def iterparse(
    source: str | Path | IO[bytes], *, events: tuple[str, ...] = ("end",), tag: Any = None
) -> Iterator[tuple[str, Any]]:
    """Stream ``(event, element)`` pairs with the safe settings; errors name the line."""
    context = etree.iterparse(
        source,
        events=events,
        tag=tag,
        remove_comments=True,
        **SAFE_OPTIONS,
    )
    try:
        yield from context
    except etree.XMLSyntaxError as err:
        message, line = syntax_error(err)
        raise FormatError(f"not well-formed XML: {message}", path=_name(source), line=line) from err


def _name(source: object) -> str | None:
    if isinstance(source, str | Path):
        return str(source)
    return getattr(source, "name", None)
