"""Subwords: a sentencepiece unigram model per language, trained in-process on our own text.

The learned lexicon (tm/lexicon.py) pairs units of meaning across languages; words are the
wrong units for that in Chinese (no spaces), Arabic (clitics: و, ال, ب glued to the word) and
Russian (inflection). A unigram model trained on the texts at hand cuts all of them into
frequent pieces (``▁council``, ``理事会``, ``▁ال`` + ``جمعية``) that recur across sentences.

Models are trained from sentences in memory (never downloaded), in well under a second on the
bounded sample :func:`train` takes, and serialised as bytes so that a memory can cache them.

>>> model = train(["The Council met.", "The Council adopted the report."], lang="en")
>>> "".join(model.pieces("The  Council")).replace("▁", " ")
' the council'
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import sentencepiece as spm

from tm.errors import InputError

__all__ = ["MAX_SENTENCES", "Subwords", "train"]

#: Sentences a model is trained on at most (an even sample of longer inputs): training time
#: grows with the text, and a thousand sentences already give the frequent pieces.
MAX_SENTENCES = 1000
_VOCAB = 4000  # pieces beside the characters (a soft limit: small texts get fewer)
_HAN = frozenset({"zh", "ja", "ko"})
#: Longest piece of Han text: the words of a memory's text run long (海啸预警, "tsunami
#: warning") and recur in no other document, so the lexicon learned with them says nothing
#: there; single characters and two-character words recur. On FLORES/NTREX en-zh with a memory
#: of the other corpus, strict F1 with 10% deleted .965/.926 -> .968/.928, merges only
#: .992/.980 -> .993/.986. (Arabic pieces of at most 5 or 6 characters, cutting the clitics
#: off, gained on some lines and lost on others: left at the default, 16.)
_HAN_PIECE = 2


#: sentencepiece leaves out of training any line longer than this many bytes (and fails when
#: it is left with none): a longer text is cut into runs of at most _MAX_CHARS characters (a
#: character is 4 bytes at most), at a space where there is one.
_MAX_BYTES = 4192
_MAX_CHARS = 1000


def _chunks(text: str) -> list[str]:
    """``text``, cut if sentencepiece would leave it out (:data:`_MAX_BYTES`)."""
    if len(text.encode("utf-8")) <= _MAX_BYTES:
        return [text]
    out = []
    while len(text) > _MAX_CHARS:
        cut = text.rfind(" ", 1, _MAX_CHARS + 1)
        cut = cut if cut > 0 else _MAX_CHARS
        out.append(text[:cut])
        text = text[cut:].lstrip()
    return [*out, text] if text else out


@dataclass(frozen=True, slots=True)
class Subwords:
    """A trained model (``model``: its serialised bytes) and the language it cuts."""

    lang: str
    model: bytes = field(repr=False)
    _sp: spm.SentencePieceProcessor = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        processor = spm.SentencePieceProcessor()
        try:
            processor.LoadFromSerializedProto(self.model)
        except RuntimeError as err:
            raise InputError(f"not a sentencepiece model for {self.lang} ({err})") from err
        object.__setattr__(self, "_sp", processor)

    def pieces(self, text: str) -> list[str]:
        """The pieces of ``text`` (case-folded, NFKC-normalised)."""
        return list(self._sp.encode(text, out_type=str))

    def batch(self, texts: Sequence[str]) -> list[list[str]]:
        """:meth:`pieces` of many texts in one call (sentencepiece's C++ loop)."""
        return [list(p) for p in self._sp.encode(list(texts), out_type=str)]


def train(sentences: Sequence[str], *, lang: str) -> Subwords:
    """Train a unigram model for ``lang`` on ``sentences`` (an even sample of at most
    :data:`MAX_SENTENCES`).

    Raises:
        InputError: if there is no text to train on.
    """
    texts = [s.strip() for s in sentences if s.strip()]
    if not texts:
        raise InputError(f"no {lang} text to learn subwords from")
    if len(texts) > MAX_SENTENCES:
        step = len(texts) / MAX_SENTENCES
        texts = [texts[int(k * step)] for k in range(MAX_SENTENCES)]
    texts = [chunk for text in texts for chunk in _chunks(text)]
    # every character is a piece of its own; Chinese needs its characters plus its words
    characters = len(set("".join(texts)))
    words = len({w for t in texts for w in t.casefold().split()})
    vocab = characters + min(_VOCAB, 3 * words + 20 if lang not in _HAN else _VOCAB) + 8
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=out,
        model_type="unigram",
        vocab_size=vocab,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="nmt_nfkc_cf",
        split_digits=True,
        bos_id=-1,
        eos_id=-1,
        seed_sentencepiece_size=10 * vocab,
        num_sub_iterations=1,
        shrinking_factor=0.5,
        num_threads=1,
        minloglevel=2,
        max_sentencepiece_length=_HAN_PIECE if lang in _HAN else 16,
    )
    return Subwords(lang, out.getvalue())
