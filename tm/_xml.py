"""The safe lxml parser settings, in the core so that tm/ (SRX rules) and tmx/ share them.

No DTD loading, no entity expansion, no network: a file from a stranger cannot read local files
(XXE) or blow up memory (billion laughs).
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = [
    "ENTITIES_REFUSED",
    "NOT_XML",
    "SAFE_OPTIONS",
    "declares_entities",
    "safe_parser",
    "syntax_error",
    "xml_safe",
]

#: characters XML 1.0 cannot hold (lxml refuses them in text and attributes): C0 controls
#: but tab and newlines, lone surrogates, U+FFFE and U+FFFF
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Keyword arguments for ``etree.XMLParser`` and ``etree.iterparse`` alike.
SAFE_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


#: Why a file that declares entities is refused, whatever its format (TMX, TBX, SRX): the
#: parser expands none, so such a file would be read with its entities silently missing.
ENTITIES_REFUSED = (
    "the file declares XML entities; untm refuses them because they can read local files or "
    "exhaust memory (remove the <!ENTITY> declarations)"
)


def declares_entities(tree: etree._ElementTree) -> bool:
    """True when the document's internal DTD subset declares an entity (``<!ENTITY ...>``)."""
    dtd = tree.docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


def safe_parser() -> etree.XMLParser:
    """An lxml parser that refuses entities, DTD loading and network access."""
    return etree.XMLParser(dtd_validation=False, remove_blank_text=False, **SAFE_OPTIONS)


def syntax_error(err: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """The message and line of a parse error, for one line on a terminal.

    lxml's message may come without a line ("no element found", line 0, after an undefined
    entity): then the last error of the log with a line says what went wrong, and where.
    Messages are cut to their first line and 200 characters.
    """
    message, line = err.msg, err.lineno
    if not line or line < 0:
        entries = [entry for entry in err.error_log if entry.line > 0]
        if entries:
            message, line = entries[-1].message, entries[-1].line
    lines = (message or "").strip().splitlines() or ["malformed XML"]
    return lines[0][:200], line if line and line > 0 else None


def xml_safe(text: str) -> tuple[str, str]:
    r"""``text`` without the characters XML cannot hold, and those removed as ``U+0000, ...``
    (empty when there were none): readers of PO and CSV files clean their texts with it and
    warn, so that one bad cell cannot block the TMX export of a whole memory.

    >>> xml_safe("Peace\x00 and\x0b security")
    ('Peace and security', 'U+0000, U+000B')
    """
    found = NOT_XML.findall(text)
    if not found:
        return text, ""
    names = ", ".join(sorted({f"U+{ord(char):04X}" for char in found}))
    return NOT_XML.sub("", text), names
