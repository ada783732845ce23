"""TMX 1.4b in and out of a memory: one noun a module.

- :mod:`tmx.tmx.reader`: the streaming reader (:func:`read_tmx`, :class:`TmxReader`);
- :mod:`tmx.tmx.writer`: the streaming, atomic writer (:func:`write_tmx`);
- :mod:`tmx.tmx.profiles`: the export profiles for CAT tools (:data:`PROFILES`);
- :mod:`tmx.tmx.dates`: the TMX date format, read and written.
"""

from __future__ import annotations

from tmx.tmx.profiles import PROFILES, Profile
from tmx.tmx.reader import TmxHeader, TmxReader, read_tmx
from tmx.tmx.writer import write_tmx

__all__ = [
    "PROFILES",
    "Profile",
    "TmxHeader",
    "TmxReader",
    "read_tmx",
    "write_tmx",
]
