"""Glossaries shipped with untm, kept as readable TSV under ``glossaries/data/``.

``un_terms.tsv`` holds the UN treaties, organs, offices and General Assembly agenda-item titles
cited in UN letters, in the six official languages, one term a row with its status, abbreviation,
confidence and source (built from the reference glossary ``treaty_terms.tsv``).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from tm.terms import Glossary, concepts_from_rows

__all__ = ["SHIPPED", "load_shipped", "shipped_data"]

#: The data file of the shipped glossary, inside this package.
SHIPPED = "un_terms.tsv"


def shipped_data() -> bytes:
    """The shipped glossary file as it is stored (what a cache of the glossary depends on)."""
    return resources.files(__package__).joinpath("data", SHIPPED).read_bytes()


@cache
def load_shipped() -> Glossary:
    """The shipped UN glossary (parsed once per process).

    >>> load_shipped().get("INS-ICCPR").preferred("fr").text
    'Pacte international relatif aux droits civils et politiques'
    """
    data = shipped_data().decode("utf-8")
    lines = (line for line in io.StringIO(data) if not line.startswith("#"))
    rows = csv.DictReader(lines, delimiter="\t")
    return Glossary(concepts_from_rows(rows, origin=SHIPPED))
