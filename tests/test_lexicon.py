"""The learned lexicon (tm/lexicon.py), subwords (tm/subwords.py), what a memory keeps of them
(tm/learned.py) and ``untm lexicon show``.

The parallel texts here are our own synthetic sentences (not UN text): English words and
invented Cyrillic "translations" of the same length, so that every sentence of a document can
have the same length and no anchor (no number, no shared prefix): only the words can tell
which sentence translates which.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from tm.align import align, presegmented
from tm.learned import MAX_UNITS, MemoryLearner, lookup, stored_lexicon, update
from tm.lexicon import (
    _DENSE,
    Learner,
    Lexicon,
    _distinct,
    _model1,
    kept_words,
    learn,
    learned_keys,
)
from tm.memory import Memory
from tm.models import Unit, Variant
from tm.subwords import Subwords, train
from tm.translation_similarity import lexical_costs

runner = CliRunner()

WORDS = (
    *("apple", "river", "stone", "cloud", "bread", "chair", "dream", "eagle", "flame"),
    *("grape", "horse", "juice", "knife", "lemon", "mouse", "nurse", "ocean", "piano"),
    *("queen", "robot", "snake", "tiger", "uncle", "voice", "whale", "zebra", "beach"),
    *("candy", "daisy", "frost", "globe", "honey", "ivory", "jelly", "kiosk", "latch"),
    *("maple", "noble", "olive", "pearl"),
)
_CYRILLIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "абцдефгхийклмнопярстувшжыз", strict=True))


def _ru(word: str) -> str:
    """An invented Cyrillic word of the same length (spelt backwards: no shared pieces)."""
    return "".join(_CYRILLIC[ch] for ch in reversed(word))


def _sentence(words: Sequence[str], *, ru: bool) -> str:
    text = " ".join(_ru(w) if ru else w for w in words)
    return text[0].upper() + text[1:] + "."


def _corpus(n: int, *, seed: int, size: int = 6) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        words = rng.sample(WORDS, size if size else rng.randint(3, 12))
        pairs.append((_sentence(words, ru=False), _sentence(words, ru=True)))
    return pairs


class _Known(Learner):
    """A learner that knows the language pair from an earlier corpus (a memory's stand-in)."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.trained = {
            "en": train([s for s, _ in pairs], lang="en"),
            "ru": train([t for _, t in pairs], lang="ru"),
        }
        self.lexicon = learn(
            list(
                zip(
                    self.trained["en"].batch([s for s, _ in pairs]),
                    self.trained["ru"].batch([t for _, t in pairs]),
                    strict=True,
                )
            ),
            src_lang="en",
            tgt_lang="ru",
        )

    def known(self, lang: str, texts: Sequence[str]) -> Subwords:
        return self.trained[lang]

    def prior(self, src_lang: str, tgt_lang: str) -> Lexicon | None:
        return self.lexicon


@pytest.fixture(scope="module")
def known() -> _Known:
    return _Known(_corpus(400, seed=1))


def test_learns_the_obvious_pairs(known: _Known) -> None:
    """Every word of the synthetic vocabulary is linked to its own translation, and only."""
    links = known.lexicon.links()
    en, ru = known.trained["en"], known.trained["ru"]
    right = wrong = 0
    for word in WORDS:
        for s_piece in en.pieces(word):
            targets = {t for s, t in links if s == s_piece}
            if targets & set(ru.pieces(_ru(word))):
                right += 1
            wrong += len(targets - set(ru.pieces(_ru(word))))
    assert right >= 0.9 * len(WORDS)
    assert wrong <= 0.05 * right


def test_translations_rank_the_right_piece_first(known: _Known) -> None:
    piece = known.trained["en"].pieces("ocean")[-1]
    best, forward, backward = known.lexicon.translations(piece)[0]
    assert best in known.trained["ru"].pieces(_ru("ocean"))
    assert forward > 0.5
    assert backward > 0.5


@pytest.mark.parametrize("gap", [2, 5, 9])
@pytest.mark.parametrize("side", ["pivot", "other"])
def test_only_the_lexicon_can_place_a_missing_sentence(known: _Known, gap: int, side: str) -> None:
    """Sentences of equal length and no anchors: where one is missing only words tell (the
    aligner without the lexicon places none of these gaps; eight words a sentence give the
    lexical cost enough to outweigh a 2-1 bead's prior, six do not always)."""
    pairs = _corpus(12, seed=gap + 100, size=8)
    src = [s for s, _ in pairs]
    tgt = [t for _, t in pairs]
    if side == "pivot":
        del tgt[gap]
        expected = ((gap,), ())
    else:
        del src[gap]
        expected = ((), (gap,))
    result = align(
        presegmented(src), presegmented(tgt), src_lang="en", tgt_lang="ru", learner=known
    )
    beads = [(b.src, b.tgt) for b in result.beads]
    assert expected in beads
    assert len(beads) == 12


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("side", ["pivot", "other"])
def test_a_sentence_left_out_beside_a_merge_is_a_gap_not_part_of_it(
    known: _Known, seed: int, side: str
) -> None:
    """Two sentences merged in one version, and the next one missing from the other: length
    and priors prefer one 3-1 (or 2-2) bead; the lexicon sees that the left-out sentence
    translates nothing there."""
    pairs = _corpus(16, seed=300 + seed, size=0)
    src = [s for s, _ in pairs]
    tgt = [t for _, t in pairs]
    if side == "pivot":  # the translation joins 5 and 6 and leaves 7 out
        tgt = [*tgt[:5], tgt[5] + " " + tgt[6], *tgt[8:]]
        expected = [((5, 6), (5,)), ((7,), ())]
    else:  # the pivot joins 5 and 6; the translation adds 7
        src = [*src[:5], src[5] + " " + src[6], *src[8:]]
        expected = [((5,), (5, 6)), ((), (7,))]
    result = align(
        presegmented(src), presegmented(tgt), src_lang="en", tgt_lang="ru", learner=known
    )
    beads = [(b.src, b.tgt) for b in result.beads]
    assert all(bead in beads for bead in expected), beads


@pytest.mark.parametrize("seed", range(6))
def test_the_lexical_term_keeps_exact_alignments_exact(known: _Known, seed: int) -> None:
    """1-1 translations of varied lengths align one to one with the lexicon as without."""
    pairs = _corpus(40, seed=200 + seed, size=0)
    src = presegmented([s for s, _ in pairs])
    tgt = presegmented([t for _, t in pairs])
    identity = [((k,), (k,)) for k in range(40)]
    for learner in (known, None):
        result = align(src, tgt, src_lang="en", tgt_lang="ru", learner=learner)
        assert [(b.src, b.tgt) for b in result.beads] == identity


def test_a_short_document_without_memory_aligns_as_before() -> None:
    """Too little evidence for a lexicon: the lexical pass changes nothing."""
    pairs = _corpus(12, seed=7, size=0)
    src = presegmented([s for s, _ in pairs][:11])
    tgt = presegmented([t for _, t in pairs])
    with_lexicon = align(src, tgt, src_lang="en", tgt_lang="ru")
    without = align(src, tgt, src_lang="en", tgt_lang="ru", lexicon=False)
    assert with_lexicon.beads == without.beads


def test_chinese_pieces_are_characters_or_short_words() -> None:
    """Words repeated throughout (our own text) are still cut into pieces of at most two
    characters, which other documents share (unbounded, this text gives pieces of
    a dozen characters: runs of words that recur only here)."""
    rng = random.Random(1)
    words = ["安全理事会", "秘书长", "报告", "会议", "审议", "决议", "大会", "成员国", "和平"]
    zh = ["".join(rng.choice(words) for _ in range(6)) + "。" for _ in range(200)]
    model = train(zh, lang="zh")
    pieces = {p.lstrip("▁") for text in zh for p in model.pieces(text)}
    assert max(len(p) for p in pieces) <= 2
    assert "".join(model.pieces(zh[0])).lstrip("▁") == zh[0]


def test_a_model_trains_on_lines_longer_than_sentencepiece_takes() -> None:
    """sentencepiece leaves out lines of more than 4,192 bytes: they are cut, not lost."""
    rng = random.Random(2)
    long_lines = [" ".join(rng.choice(WORDS) for _ in range(1000)) for _ in range(3)]
    rus = ["".join(_ru(word) for word in line.split()) for line in long_lines]  # no spaces
    for lines, lang in ((long_lines, "en"), (rus, "ru")):
        text = lines[0][:300].strip()
        pieces = train(lines, lang=lang).pieces(text)
        assert "".join(pieces).lstrip("▁") == text.replace(" ", "▁")
        assert max(len(p.lstrip("▁")) for p in pieces) > 2  # learned from the lines' words


def test_models_trained_side_by_side_equal_those_trained_one_by_one() -> None:
    """Learner.models trains a pair's two models in threads: the same models."""
    pairs = _corpus(80, seed=9)
    src, tgt = [s for s, _ in pairs], [t for _, t in pairs]
    both = Learner().models([("en", src), ("ru", tgt)])
    assert [m.model for m in both] == [train(src, lang="en").model, train(tgt, lang="ru").model]
    learner = Learner()
    (first,) = learner.models([("en", src)])
    assert learner.models([("en", src), ("ru", tgt)])[0] is first  # known: not trained again


def test_nothing_is_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subwords and lexicon are learned with the network cut off."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    pairs = _corpus(60, seed=3)
    src = presegmented([s for s, _ in pairs])
    tgt = presegmented([t for _, t in pairs])
    result = align(src, tgt, src_lang="en", tgt_lang="ru")
    assert len(result.beads) == 60


def test_words_kept_across_scripts_are_found_on_both_sides_only() -> None:
    """A Latin name in Russian text found in the English is kept; one found on one side
    only is not; between two languages of one script, the anchors' cognates do the work."""
    src = ["Mike Trudell wrote on YouTube.", "The Lakers won."]
    tgt = ["Mike Trudell написал.", "Lakers выиграли на Wesbanco Arena."]
    src_kept, tgt_kept = kept_words(src, tgt, src_lang="en", tgt_lang="ru")
    assert src_kept == [["=mike", "=trudell"], ["=lakers"]]
    assert tgt_kept == [["=mike", "=trudell"], ["=lakers"]]
    assert kept_words(src, src, src_lang="en", tgt_lang="fr") == ([[], []], [[], []])


def test_a_kept_word_translates_itself_where_the_lexicon_never_saw_it(known: _Known) -> None:
    """Sentences the lexicon cannot read, which share only a name kept as it is, still find
    each other: the name is a link and its own translation."""
    rng = random.Random(11)
    names = [f"Zq{chr(97 + k)}{chr(97 + rng.randrange(26))}vor" for k in range(20)]
    src = [f"{_sentence(rng.sample(WORDS, 5), ru=False)[:-1]} {name}." for name in names]
    tgt = [f"Шщ {name} ыэ." for name in names]  # nothing the lexicon knows, but the name
    src_kept, tgt_kept = kept_words(src, tgt, src_lang="en", tgt_lang="ru")
    assert all(
        s == t == ["=" + n.casefold()] for s, t, n in zip(src_kept, tgt_kept, names, strict=True)
    )
    learned = learned_keys(
        src,
        tgt,
        [((i,), (i,), 1.0) for i in range(20)],
        learner=known,
        src_lang="en",
        tgt_lang="ru",
    )
    assert learned is not None
    for i, name in enumerate(names):
        key = "l:=" + name.casefold()
        assert learned.src_keys[i][key] == learned.tgt_keys[i][key] == 1
    costs = lexical_costs(
        learned.src_pieces,
        learned.tgt_pieces,
        learned.lexicon,
        [float(i) for i in range(21)],
    )
    assert costs is not None
    assert all(costs.cost(i, i, 1, 1) < costs.cost(i, i + 1, 1, 1) for i in range(1, 20))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=200), st.booleans())
def test_distinct_codes_equal_numpy_unique(codes: list[int], dense: bool) -> None:
    array = np.array(codes, np.int64)
    found, inverse = _distinct(array, 51 if dense else _DENSE + 1)  # marked, or sorted
    expected, expected_inverse = np.unique(array, return_inverse=True)
    assert found.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()


def _naive_model1(
    pairs: list[tuple[list[str], list[str]]], iterations: int
) -> dict[tuple[str, str], float]:
    """IBM Model 1 with the empty word, over each sentence's distinct pieces, in plain Python:
    the expected counts of every pair of pieces."""
    distinct = [(["\0", *dict.fromkeys(s)], list(dict.fromkeys(t))) for s, t in pairs]
    prob: dict[tuple[str, str], float] = {(a, b): 1.0 for s, t in distinct for a in s for b in t}
    counts: dict[tuple[str, str], float] = {}
    for _ in range(iterations):
        counts = dict.fromkeys(prob, 0.0)
        for s, t in distinct:
            for b in t:
                norm = sum(prob[(a, b)] for a in s)
                for a in s:
                    counts[(a, b)] += prob[(a, b)] / norm
        totals: dict[str, float] = {}
        for (a, _), c in counts.items():
            totals[a] = totals.get(a, 0.0) + c
        prob = {(a, b): c / totals[a] for (a, b), c in counts.items()}
    return counts


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from("abcdef"), min_size=1, max_size=5),
            st.lists(st.sampled_from("uvwxyz"), min_size=1, max_size=5),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_model1_equals_a_plain_computation(pairs: list[tuple[list[str], list[str]]]) -> None:
    found = _model1(pairs, prior={}, iterations=3)
    expected = _naive_model1(pairs, 3)
    assert all(found[key] == pytest.approx(expected[key]) for key in found)
    kept = {key for key, c in expected.items() if c >= 0.5 + 1e-9 and key[0] != "\0"}
    assert kept <= found.keys()  # counts below 0.5 are not kept, nor the empty word's


# --- what a memory keeps --------------------------------------------------------------------


def _memory(path: str | Path, pairs: Sequence[tuple[str, str]]) -> Memory:
    memory = Memory.open(path)
    memory.add(
        [Unit((Variant("en", s), Variant("ru", t))) for s, t in pairs], origin="synthetic.en.md"
    )
    return memory


def test_update_stores_a_lexicon_that_reads_back_equal(memory_target: str, tmp_path: Path) -> None:
    with _memory(memory_target, _corpus(300, seed=4)) as memory:
        (learned,) = update(memory, "en", ["ru"])
        stored = stored_lexicon(memory, "en", "ru")
        assert stored == learned
        assert stored_lexicon(memory, "ru", "en") == learned.reversed()
        assert learned.pairs == 300
        assert memory.learned("subwords:en") is not None
    with Memory.open(memory_target, create=False) as memory:  # a new connection
        assert stored_lexicon(memory, "en", "ru") == learned


def test_update_learns_from_the_latest_units_it_is_given(memory_target: str) -> None:
    """By default a lexicon learns from the latest MAX_UNITS units of the pair; ``units``
    sets another bound (the bench learns from a whole memory with it)."""
    with _memory(memory_target, _corpus(300, seed=4)) as memory:
        (few,) = update(memory, "en", ["ru"], units=120)
        assert few.pairs == 120
        (every,) = update(memory, "en", ["ru"])
        assert every.pairs == min(300, MAX_UNITS)
        assert stored_lexicon(memory, "en", "ru") == every


def test_subword_models_are_cached_and_retrained_as_the_memory_grows(
    memory_target: str, tmp_path: Path
) -> None:
    with _memory(memory_target, _corpus(50, seed=5)) as memory:
        learner = MemoryLearner(memory)
        (first,) = learner.models([("en", ["An apple."])])
        (again,) = MemoryLearner(memory).models([("en", ["A pearl."])])
        assert again.model == first.model
        memory.add(
            [Unit((Variant("en", s), Variant("ru", t))) for s, t in _corpus(300, seed=6)],
            origin="more.en.md",
        )
        (retrained,) = MemoryLearner(memory).models([("en", ["A pearl."])])
        assert retrained.model != first.model


def test_a_retrained_model_sets_the_old_lexicon_aside(memory_target: str, tmp_path: Path) -> None:
    with _memory(memory_target, _corpus(50, seed=8)) as memory:
        update(memory, "en", ["ru"])
        assert stored_lexicon(memory, "en", "ru") is not None
        memory.store_learned("subwords:en", train(["Other text."] * 3, lang="en").model, units=0)
        assert stored_lexicon(memory, "en", "ru") is None


def test_lookup_cuts_the_word_and_lists_translations(memory_target: str, tmp_path: Path) -> None:
    with _memory(memory_target, _corpus(300, seed=9)) as memory:
        update(memory, "en", ["ru"])
        found = lookup(memory, "en", "ru", "tiger")
    pieces = [piece for piece, _ in found]
    assert "".join(pieces).replace("▁", "") == "tiger"
    best = found[-1][1][0][0]
    assert best.lstrip("▁") in _ru("tiger")


# --- untm lexicon show -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lexicon_memory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lexicon") / "m.sqlite"
    with _memory(path, _corpus(300, seed=10)) as memory:
        update(memory, "en", ["ru"])
    return path


def test_cli_lexicon_show(lexicon_memory: Path) -> None:
    result = runner.invoke(app, ["lexicon", "show", "en", "ru", "whale", "-m", str(lexicon_memory)])
    assert result.exit_code == 0, result.output
    assert "P(t|s)" in result.stdout
    json_result = runner.invoke(
        app, ["lexicon", "show", "en", "ru", "whale", "-m", str(lexicon_memory), "--json"]
    )
    assert json_result.exit_code == 0, json_result.output
    assert '"translations"' in json_result.stdout


def test_cli_lexicon_show_other_way_round(lexicon_memory: Path) -> None:
    result = runner.invoke(
        app, ["lexicon", "show", "ru", "en", _ru("whale"), "-m", str(lexicon_memory)]
    )
    assert result.exit_code == 0, result.output


def test_cli_lexicon_show_without_a_lexicon_is_bad_input(
    memory_target: str, tmp_path: Path
) -> None:
    with _memory(memory_target, _corpus(5, seed=11)):
        pass
    result = runner.invoke(app, ["lexicon", "show", "en", "fr", "whale", "-m", str(memory_target)])
    assert result.exit_code == 2
    assert "no en-fr lexicon" in result.output


def test_cli_lexicon_show_a_missing_memory(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["lexicon", "show", "en", "ru", "whale", "-m", str(tmp_path / "no")]
    )
    assert result.exit_code == 2  # no memory there: bad input
