"""A glossary term's source in a few words, for tables: ``untm query`` shows each term's.

Sources in the glossary are references separated by ``;``: links, often long (an OHCHR
document store query, a web archive's copy of a page), or words ("no source seen in this
session (own knowledge) [...]"). ``--json`` and ``untm glossary show`` give them whole.
"""

from __future__ import annotations

import re

__all__ = ["compact_source"]

_URL = re.compile(r"https?://([^/\s]+)(\S*)")
_ARCHIVES = ("web.archive.org", "archive.org")
_REFERENCES = re.compile(r"\s*;\s+")


def compact_source(source: str | None) -> str:
    """A term's source in a few words, for a table: the site of its first reference (the
    site a web archive copied, marked ``(archived)``), or the words of a reference that is
    not a link up to its first bracket, and ``+N`` for the other references.

    >>> compact_source("http://www.un.org/french/law/4.htm ; https://news.un.org/fr/story")
    'un.org +1'
    >>> compact_source("https://docstore.ohchr.org/SelfServices/FilesHandler.ashx?enc=6QkG1d")
    'ohchr.org'
    >>> compact_source("http://web.archive.org./web/2017/http://www.ohchr.org/EN/x.aspx (OHCHR)")
    'ohchr.org (archived)'
    >>> compact_source("no source seen in this session (own knowledge) [missing accent]")
    'no source seen in this session'
    """
    parts = [part for part in _REFERENCES.split((source or "").strip()) if part]
    if not parts:
        return ""
    first = parts[0]
    link = _URL.match(first)
    if link is not None:
        site = _site(link.group(1))
        copied = _URL.search(link.group(2))
        if site in _ARCHIVES and copied is not None:
            site = f"{_site(copied.group(1))} (archived)"
    else:
        words = re.split(r"\s[(\[]", first, maxsplit=1)[0].split()
        site = " ".join(words[:6]) + (" …" if len(words) > 6 else "")
    return site + (f" +{len(parts) - 1}" if len(parts) > 1 else "")


def _site(host: str) -> str:
    """The site of a host name, as people name it: its last two labels, three where the
    second to last is a short second level (``hchr.org.mx``, ``un.org.cn``); no port."""
    labels = host.split("@")[-1].split(":")[0].rstrip(".").lower().split(".")
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])
