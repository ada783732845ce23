"""What a memory has learned for alignment: subword models per language, lexicons per pair.

Both are derived from the memory's own units and stored in it (``Memory.learned``), so that
aligning the next document starts from what the memory knows:

- a subword model (tm/subwords.py) per language, trained on the documents at hand and a
  bounded sample of the memory's text in that language, kept until the memory has grown to
  twice the units it was trained on;
- a lexicon (tm/lexicon.py) per pair of languages, learned on :func:`update` (after a build)
  from a bounded sample of the pair's units; the aligner starts its own learning from it.

A lexicon records the subword models it was learned with: once a model is retrained, the
lexicon is set aside until the next :func:`update` learns it again.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from functools import partial

from tm.collector import paused
from tm.errors import InputError, StoreError
from tm.lang import base, normalize
from tm.lexicon import Entry, Learner, Lexicon, learn
from tm.memory import Memory
from tm.subwords import MAX_SENTENCES, Subwords

__all__ = ["MAX_UNITS", "MemoryLearner", "lookup", "stored_lexicon", "update"]

#: Units of a pair a lexicon is learned from at most (the latest ones).
MAX_UNITS = 3000
_GROWTH = 2.0  # retrain a subword model once the memory holds this many times its units
_MIN_GROWTH = 200  # ... and at least this many more


def _subwords_key(lang: str) -> str:
    return f"subwords:{lang}"


def _lexicon_key(src_lang: str, tgt_lang: str) -> str:
    return f"lexicon:{src_lang}-{tgt_lang}"


def _digest(model: bytes) -> str:
    """What a lexicon records of a subword model it was learned with (its serialised bytes)."""
    return hashlib.sha256(model).hexdigest()[:16]


def _units_in(memory: Memory, lang: str) -> int:
    return sum(n for tag, n in memory.languages().items() if base(tag) == lang)


class MemoryLearner(Learner):
    """The aligner's learner over a memory: subword models cached in it, its lexicons as
    priors."""

    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self.memory = memory
        self._by_lang: dict[str, Subwords] = {}
        self._priors: dict[tuple[str, str], Lexicon | None] = {}

    def known(self, lang: str, texts: Sequence[str]) -> Subwords | Sequence[str]:
        """The memory's model for ``lang`` (read once per learner), or when it has none or has
        grown since, the sentences to train one on: ``texts`` and a sample of the memory."""
        lang = base(lang)
        if lang in self._by_lang:
            return self._by_lang[lang]
        stored = self.memory.learned(_subwords_key(lang))
        if stored is not None:
            units = _units_in(self.memory, lang)
            if units < max(_GROWTH * stored[1], stored[1] + _MIN_GROWTH):
                self._by_lang[lang] = Subwords(lang, stored[0])
                return self._by_lang[lang]
        sample = [
            v.text
            for unit in self.memory.recent(langs=[lang], limit=MAX_SENTENCES)
            for v in unit.variants
        ]
        return [*texts, *sample]

    def keep(self, lang: str, texts: Sequence[str], model: Subwords) -> None:
        """Store ``model`` in the memory, with the count of units it knows."""
        lang = base(lang)
        self.memory.store_learned(
            _subwords_key(lang), model.model, units=_units_in(self.memory, lang)
        )
        self._by_lang[lang] = model

    def prior(self, src_lang: str, tgt_lang: str) -> Lexicon | None:
        """The memory's lexicon of the pair, if it was learned with the current models."""
        pair = base(src_lang), base(tgt_lang)
        if pair not in self._priors:
            self._priors[pair] = stored_lexicon(self.memory, *pair)
        return self._priors[pair]

    def prior_reader(self, src_lang: str, tgt_lang: str) -> Callable[[], Lexicon | None]:
        """:meth:`prior`, its lexicon read from the memory now and decoded by the call."""
        pair = base(src_lang), base(tgt_lang)
        if pair in self._priors:
            return super().prior_reader(*pair)
        return _stored_reader(self.memory, *pair)


def stored_lexicon(memory: Memory, src_lang: str, tgt_lang: str) -> Lexicon | None:
    """The lexicon stored for the pair (either way round), or None when there is none or its
    subword models have been retrained since.

    Raises:
        StoreError: if the stored lexicon cannot be read.
    """
    return _stored_reader(memory, src_lang, tgt_lang)()


def _stored_reader(memory: Memory, src_lang: str, tgt_lang: str) -> Callable[[], Lexicon | None]:
    """:func:`stored_lexicon`'s reads of the memory, made now; the call returned decodes
    the lexicon and checks its models."""
    for first, second, flip in ((src_lang, tgt_lang, False), (tgt_lang, src_lang, True)):
        stored = memory.learned(_lexicon_key(first, second))
        if stored is None:
            continue
        digests = {}
        for lang in (first, second):
            model = memory.learned(_subwords_key(lang))
            digests[lang] = None if model is None else _digest(model[0])
        return partial(_decoded, stored[0], first, second, digests, flip=flip, name=memory.name)
    return lambda: None


@paused()  # tens of thousands of entries (tm/collector.py)
def _decoded(
    blob: bytes, first: str, second: str, digests: dict[str, str | None], *, flip: bool, name: str
) -> Lexicon | None:
    """The lexicon of ``first`` and ``second`` stored as ``blob`` (seen the other way round
    with ``flip``), or None if it was not learned with the models of ``digests``."""
    try:
        data = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError) as err:
        raise StoreError(f"{name}: the stored {first}-{second} lexicon is damaged") from err
    if any(digests[lang] is None or digests[lang] != data["models"][lang] for lang in digests):
        return None
    lexicon = Lexicon(first, second, int(data["pairs"]), tuple(map(Entry._make, data["entries"])))
    return lexicon.reversed() if flip else lexicon


@paused()
def update(
    memory: Memory, pivot: str, others: Sequence[str], *, units: int = MAX_UNITS
) -> list[Lexicon]:
    """Learn again the lexicons of ``pivot`` with each of ``others`` from the memory's latest
    ``units`` units of the pair (retraining subword models that the memory has outgrown), and
    store them: what a build does after storing its units.

    Raises:
        StoreError: if the memory cannot be written.
    """
    learner = MemoryLearner(memory)
    pivot = base(pivot)
    lexicons = []
    for other in (base(lang) for lang in others):
        texts: dict[str, list[str]] = {pivot: [], other: []}
        for unit in memory.recent(langs=[pivot, other], limit=units):
            found = {base(v.lang): v.text for v in unit.variants}
            if pivot in found and other in found:
                texts[pivot].append(found[pivot])
                texts[other].append(found[other])
        if not texts[pivot]:
            continue
        src_model, tgt_model = learner.models([(pivot, []), (other, [])])
        pairs = list(zip(src_model.batch(texts[pivot]), tgt_model.batch(texts[other]), strict=True))
        lexicon = learn(pairs, src_lang=pivot, tgt_lang=other)
        data = {
            "pairs": lexicon.pairs,
            "models": {pivot: _digest(src_model.model), other: _digest(tgt_model.model)},
            "entries": [[e.src, e.tgt, e.forward, e.backward] for e in lexicon.entries],
        }
        blob = zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"))
        memory.store_learned(_lexicon_key(pivot, other), blob, units=len(pairs))
        lexicons.append(lexicon)
    return lexicons


def lookup(
    memory: Memory, src_lang: str, tgt_lang: str, text: str, *, limit: int = 5
) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """The pieces of ``text`` (cut by the memory's ``src_lang`` model) and for each its
    likeliest translations (:meth:`Lexicon.translations`).

    Raises:
        InputError: if ``text`` is empty or the memory has learned no lexicon of the pair.
    """
    src_lang, tgt_lang = base(normalize(src_lang)), base(normalize(tgt_lang))
    if not text.strip():
        raise InputError("give a word to look up")
    lexicon = stored_lexicon(memory, src_lang, tgt_lang)
    model = memory.learned(_subwords_key(src_lang))
    if lexicon is None or model is None:
        raise InputError(
            f"{memory.name} has no {src_lang}-{tgt_lang} lexicon: untm build learns one "
            "from the documents it aligns"
        )
    pieces = Subwords(src_lang, model[0]).pieces(text)
    return [(piece, lexicon.translations(piece, limit=limit)) for piece in pieces]
