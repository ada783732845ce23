"""untm core library: documents, segmentation, alignment, memory, glossary, matching, checks.

Names load lazily (a string map, as sacrebleu does for tokenizers), so importing :mod:`tm` for
one function does not pull in every dependency.

>>> from tm import Segmenter
>>> Segmenter("en").split("See A/78/367, para. 4. It was adopted.")
['See A/78/367, para. 4.', 'It was adopted.']

Functions named like their module (``tm.segment.segment``, ``tm.align.align``) are not
re-exported here: ``import tm.segment`` binds the module to that name.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_NAMES: dict[str, str] = {
    # documents and segments
    "read_document": "tm.document",
    "parse_text": "tm.document",
    "Segmenter": "tm.segment",
    "segment_document": "tm.segment",
    "segment_file": "tm.segment",
    # alignment
    "align_documents": "tm.align",
    "align_files": "tm.align",
    "align_pairs": "tm.align",
    "multilingual": "tm.align",
    # memory
    "Memory": "tm.memory",
    "ImportReport": "tm.memory",
    "build_memory": "tm.build",
    "BuildReport": "tm.build",
    # glossary
    "Glossary": "tm.terms",
    "recognize": "tm.terms",
    "extract_candidates": "tm.extract",
    # matching and checking
    "Matcher": "tm.match",
    "match_document": "tm.match",
    "similarity": "tm.score",
    "check_draft": "tm.check",
    "check_translation": "tm.check",
    "check_units": "tm.check",
    # values and errors
    **dict.fromkeys(
        (
            "Alignment",
            "Bead",
            "Concept",
            "Document",
            "Finding",
            "Match",
            "Change",
            "MultiBead",
            "Paragraph",
            "Segment",
            "Term",
            "TermHit",
            "Unit",
            "Variant",
        ),
        "tm.models",
    ),
    **dict.fromkeys(
        (
            "UntmError",
            "InputError",
            "FormatError",
            "LanguageError",
            "RulesError",
            "GlossaryError",
            "AlignmentError",
            "StoreError",
        ),
        "tm.errors",
    ),
}

__all__ = ["__version__", *sorted(_NAMES)]


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        msg = f"module 'tm' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
