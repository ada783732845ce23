"""The safe lxml parser settings, in the core so that tm/ (SRX rules) and tmx/ share them.

No DTD loading, no entity expansion, no network: a file from a stranger cannot read local files
(XXE) or blow up memory (billion laughs).
"""

from __future__ import annotations

from lxml import etree

__all__ = ["SAFE_OPTIONS", "safe_parser"]

#: Keyword arguments for ``etree.XMLParser`` and ``etree.iterparse`` alike.
SAFE_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


def safe_parser() -> etree.XMLParser:
    """An lxml parser that refuses entities, DTD loading and network access."""
    return etree.XMLParser(dtd_validation=False, remove_blank_text=False, **SAFE_OPTIONS)
