"""TMX export profiles for CAT tools (OmegaT, Trados, memoQ, Phrase), and the prop types
they write: the Trados field type on ``x-`` props, written by the ``trados`` profile and taken
off again when any TMX is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tm.errors import InputError

__all__ = ["PROFILES", "Profile", "find_profile", "read_prop_type", "written_prop_type"]


@dataclass(frozen=True, slots=True)
class Profile:
    """How to shape a TMX for one CAT tool.

    Attributes:
        name: the profile's name.
        regions: give every language a region (CLDR's likely region: ``fr`` -> ``fr-FR``).
        per_pair: write one bilingual file per source/target pair (tools that import
            bilingual memories only, and OmegaT, which takes any non-source variant as the
            translation when the project's target language is missing).
        segtype: the header's segtype. ``"paragraph"`` makes OmegaT re-segment each unit
            with the project's rules, so units that hold several sentences still match.
        prop_suffix: appended to ``x-`` prop types (Trados field types, e.g. ``:SingleString``).
        max_units: split into numbered files of at most this many units.
        max_bytes: split into numbered files below this size (the tool's import limit).
    """

    name: str
    regions: bool = False
    per_pair: bool = False
    segtype: str = "sentence"
    prop_suffix: str = ""
    max_units: int | None = None
    max_bytes: int | None = None


#: 1 GB: the TMX import limit stated by Phrase TMS ("File size is limited to 1 GB for
#: exporting and importing") and by Trados Cloud ("each file you import has a maximum size
#: of 1 GB").
_ONE_GB = 1_000_000_000

#: Export profiles by name. ``tmx`` is the plain multilingual TMX 1.4b.
PROFILES: dict[str, Profile] = {
    "tmx": Profile("tmx"),
    "omegat": Profile("omegat", per_pair=True, segtype="paragraph"),
    "trados": Profile(
        "trados", regions=True, per_pair=True, prop_suffix=":SingleString", max_bytes=_ONE_GB
    ),
    "memoq": Profile("memoq", per_pair=True),
    "phrase": Profile("phrase", regions=True, max_bytes=_ONE_GB),
}


def find_profile(profile: str | Profile) -> Profile:
    """``profile`` itself, or the profile of that name in :data:`PROFILES`.

    Raises:
        InputError: an unknown name, with the known ones.
    """
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise InputError(
            f"unknown export profile {profile!r} (choose from {', '.join(sorted(PROFILES))})"
        ) from None


def written_prop_type(kind: str, prof: Profile) -> str:
    """The written ``type`` of a prop: the profile's suffix on ``x-`` types that have none."""
    return kind + prof.prop_suffix if kind.startswith("x-") and ":" not in kind else kind


#: The field types Trados appends to the names of ``x-`` props (``x-Client:SingleString``).
_TRADOS_TYPES = frozenset(
    {"SingleString", "MultipleString", "DateTime", "Integer", "SinglePicklist", "MultiplePicklist"}
)


@lru_cache(maxsize=1024)
def read_prop_type(kind: str) -> str:
    """A prop type as stored: without the Trados field type of an ``x-`` prop, which the
    ``trados`` profile writes back (:func:`written_prop_type`), so that a Trados export imported
    again merges into its units with the props they had."""
    name, colon, field = kind.rpartition(":")
    return name if colon and field in _TRADOS_TYPES and name.startswith("x-") else kind
