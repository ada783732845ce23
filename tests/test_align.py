"""The sentence aligner (tm/align.py), its anchors (tm/anchors.py), its scorer (bench)."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tm.align as al
import tm.align_levels as levels
import tm.bead_costs as bead_costs
import tm.bead_search as bs
from tm.align import align, bead_lines, multilingual, presegmented, read_presegmented
from tm.anchors import Anchorer
from tm.bead_costs import (
    BEADS,
    CLOSED_MERGE,
    GAP,
    LEXICAL,
    SHARES,
    TYPICAL_LINKS,
    Costs,
    Item,
    KeyMemo,
    bead_shares,
    gap_share,
    lexical_weight,
)
from tm.errors import AlignmentError, InputError, LanguageError
from tm.models import Alignment, Bead, Segment
from tm.translation_similarity import LexicalCosts

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import align_eval  # noqa: E402

LETTER_LANGS = ("ar", "es", "fr", "ru", "zh")


def _column(path: Path) -> list[str]:
    return [line.split("\t")[2] for line in path.read_text(encoding="utf-8").splitlines()]


def _pairs(alignment: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in alignment.beads]


def _assert_covers(alignment: Alignment) -> None:
    """Every segment of both sides in exactly one bead, in order."""
    src = [i for b in alignment.beads for i in b.src]
    tgt = [j for b in alignment.beads for j in b.tgt]
    assert src == list(range(len(alignment.src)))
    assert tgt == list(range(len(alignment.tgt)))
    assert all(b.src or b.tgt for b in alignment.beads)
    assert all(0.0 <= b.score <= 1.0 for b in alignment.beads)


# --- the letter ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "zh"])
def test_letter_presegmented_meets_gold(shared_data: Path, tmp_path: Path, lang: str) -> None:
    letter = shared_data / "letter"
    en_file = tmp_path / "letter.en.txt"
    xx_file = tmp_path / f"letter.{lang}.txt"
    en_file.write_text("\n".join(_column(letter / "en.sentences.tsv")) + "\n", encoding="utf-8")
    # blank lines are ignored in pre-segmented files
    xx_file.write_text(
        "\n\n".join(_column(letter / lang / "sentences.tsv")) + "\n", encoding="utf-8"
    )
    result = align(
        read_presegmented(en_file), read_presegmented(xx_file), src_lang="en", tgt_lang=lang
    )
    _assert_covers(result)
    gold = align_eval.read_beads(letter / lang / "gold.txt")
    scores = align_eval.score(gold, align_eval.parse_beads(bead_lines(result)))
    assert scores.strict_f1 >= 0.97, scores.line()
    assert scores.lax_f1 >= 0.99, scores.line()


def test_letter_documents_align_paragraph_to_paragraph(shared_data: Path) -> None:
    pytest.importorskip("tm.document")
    from tm.document import read_document

    letter = shared_data / "letter"
    pivot = read_document(letter / "letter.en.md")
    others = [read_document(letter / lang / f"letter.{lang}.md") for lang in LETTER_LANGS]
    for result in al.align_documents(pivot, others):
        _assert_covers(result)
        for bead in result.beads:
            assert bead.src, f"{result.tgt_lang}: segment {bead.tgt} has no English counterpart"
            assert bead.tgt, f"{result.tgt_lang}: English segment {bead.src} has no counterpart"
            src_paras = {result.src[i].paragraph for i in bead.src}
            tgt_paras = {result.tgt[j].paragraph for j in bead.tgt}
            assert src_paras == tgt_paras, (result.tgt_lang, bead)
        rows = multilingual([result])
        assert all(row.texts["en"] and row.texts[result.tgt_lang] for row in rows)


# --- UDHR: beads stay inside their article ------------------------------------------------------


def _udhr(path: Path, lang: str) -> tuple[list[Segment], list[str]]:
    """Sentences of a UDHR XML file (paragraph = one <title> or <para>) and each one's article."""
    from tm.segment import segment
    from tmx._xml import parse

    root = parse(path).getroot()
    segments: list[Segment] = []
    articles: list[str] = []
    paragraph = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.tag.rsplit("}", 1)[-1]
        if name not in ("title", "para"):
            continue
        section = element.getparent()
        article = section.get("number", section.tag.rsplit("}", 1)[-1])
        text = " ".join("".join(element.itertext()).split())
        kind = "heading" if name == "title" else "body"
        for sentence in segment(text, lang):
            segments.append(Segment(len(segments), paragraph, kind, sentence))
            articles.append(article)
        paragraph += 1
    return segments, articles


@pytest.mark.parametrize(
    ("lang", "name"),
    [("ar", "arb"), ("es", "spa"), ("fr", "fra"), ("ru", "rus"), ("zh", "cmn_hans")],
)
def test_udhr_beads_fall_inside_their_article(shared_data: Path, lang: str, name: str) -> None:
    en, en_articles = _udhr(shared_data / "udhr" / "udhr_eng.xml", "en")
    other, other_articles = _udhr(shared_data / "udhr" / f"udhr_{name}.xml", lang)
    result = align(en, other, src_lang="en", tgt_lang=lang)
    _assert_covers(result)
    both = [b for b in result.beads if b.src and b.tgt]
    inside = sum(
        1
        for b in both
        if {en_articles[i] for i in b.src} == {other_articles[j] for j in b.tgt}
        and len({en_articles[i] for i in b.src}) == 1
    )
    assert inside / len(both) >= 0.99, f"{inside}/{len(both)} beads inside their article"


# --- bad input ----------------------------------------------------------------------------------


def test_empty_side_is_an_error() -> None:
    with pytest.raises(AlignmentError, match="empty"):
        align(presegmented(["One sentence."]), [], src_lang="en", tgt_lang="fr")


def test_wrong_script_is_a_language_error() -> None:
    en = presegmented(["The Committee met on 3 May.", "It adopted the report."])
    with pytest.raises(LanguageError, match="Latin"):
        align(en, en, src_lang="en", tgt_lang="zh")


def test_read_presegmented_refuses_binary_and_empty(tmp_path: Path) -> None:
    binary = tmp_path / "a.en.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        read_presegmented(binary)
    empty = tmp_path / "b.en.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(AlignmentError, match="no sentence"):
        read_presegmented(empty)


def test_read_presegmented_reads_utf16_like_documents(tmp_path: Path) -> None:
    # A UTF-16 file (Notepad's "Unicode") was refused as binary, though documents accept it.
    path = tmp_path / "a.fr.txt"
    path.write_bytes("Première phrase.\n\nDeuxième phrase.\n".encode("utf-16"))
    assert [s.text for s in read_presegmented(path)] == ["Première phrase.", "Deuxième phrase."]


def test_missing_paragraphs_are_reported_as_warnings() -> None:
    texts = [
        f"Paragraph {k} of the report deals with item {k + 10} of the agenda." for k in range(12)
    ]
    src = [Segment(k, k, "body", text) for k, text in enumerate(texts)]
    fr_texts = [
        f"Le paragraphe {k} du rapport porte sur le point {k + 10} de l'ordre du jour."
        for k in range(12)
    ]
    tgt = [Segment(n, n, "body", fr_texts[k]) for n, k in enumerate([0, 1, 2, 9, 10, 11])]
    result = align(src, tgt, src_lang="en", tgt_lang="fr")
    _assert_covers(result)
    assert any("12 paragraphs and the fr text 6" in w for w in result.warnings)
    assert any(
        re.match(r"en paragraphs [\d-]+ have no counterpart in fr", w) for w in result.warnings
    )
    # the missing English paragraphs (0-based 3 to 8) all lie in suspect beads, the rest not
    suspect = {i for b in result.beads if b.suspect for i in b.src}
    assert set(range(3, 9)) <= suspect
    assert not suspect & {0, 1, 10, 11}


def test_presegmented_version_with_far_fewer_sentences_is_warned_about() -> None:
    en = presegmented([f"Item {k} was adopted on {k + 1} May {2000 + k}." for k in range(10)])
    fr = presegmented([f"Le point {k} a été adopté le {k + 1} mai {2000 + k}." for k in range(4)])
    result = align(en, fr, src_lang="en", tgt_lang="fr")
    _assert_covers(result)
    assert "the en text has 10 sentences and the fr text 4" in result.warnings[0]
    assert [(b.src, b.tgt) for b in result.beads[:3]] == [((k,), (k,)) for k in range(3)]
    suspect = {i for b in result.beads if b.suspect for i in b.src}
    assert set(range(4, 10)) <= suspect


# --- properties: coverage, and the banded search equals an exhaustive one ------------------------

_WORDS = st.text(alphabet="abcdefghij 0123456789", min_size=1, max_size=60).map(str.strip)
_TEXTS = st.lists(_WORDS.filter(bool), min_size=1, max_size=14)


@settings(max_examples=60, deadline=None)
@given(_TEXTS, _TEXTS)
def test_beads_cover_both_sides_in_order(src: list[str], tgt: list[str]) -> None:
    _assert_covers(align(presegmented(src), presegmented(tgt), src_lang="en", tgt_lang="fr"))


def _exhaustive(costs: Costs) -> float:
    """The textbook DP over the whole matrix, for comparison."""
    n, m = costs.n, costs.m
    best = [[math.inf] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for k, (di, dj) in enumerate(BEADS):
                if i >= di and j >= dj and best[i - di][j - dj] < math.inf:
                    cand = best[i - di][j - dj] + costs.cost(i, j, k)
                    best[i][j] = min(best[i][j], cand)
    return best[n][m]


def _costs(src: Sequence[str], tgt: Sequence[str]) -> Costs:
    anchorer = Anchorer("en")
    src_items = levels.items(src, "en", anchorer)
    tgt_items = levels.items(tgt, "fr", anchorer)
    ratio = sum(i.length for i in tgt_items) / max(sum(i.length for i in src_items), 1.0) or 1.0
    return Costs(src_items, tgt_items, ratio=ratio, variance=6.8, floor=20.0)


@settings(max_examples=80, deadline=None)
@given(_TEXTS, _TEXTS)
def test_banded_search_equals_exhaustive_dp(src: list[str], tgt: list[str]) -> None:
    costs = _costs(src, tgt)
    centre = bs.anchor_centre(costs_items(src), costs_items(tgt))
    total, path = bs.search(costs, centre)
    assert total == pytest.approx(_exhaustive(costs))
    assert path[-1][:2] == (len(src), len(tgt))


def costs_items(texts: Sequence[str]) -> list[Item]:
    return levels.items(texts, "en", Anchorer("en"))


@settings(max_examples=60, deadline=None)
@given(_TEXTS, _TEXTS, st.integers(min_value=1, max_value=3))
def test_band_finds_any_path_lying_inside_it(src: list[str], tgt: list[str], width: int) -> None:
    costs = _costs(src, tgt)
    centre = [i * len(tgt) / len(src) for i in range(len(src) + 1)]
    lo, hi = bs.band(centre, len(tgt), width)
    total, _, _, _ = bs.forward(costs, lo, hi)
    full_total, full_path, _, _ = bs.forward(
        costs, [0] * (len(src) + 1), [len(tgt)] * (len(src) + 1)
    )
    if all(lo[i] <= j <= hi[i] for i, j, _ in full_path):
        assert total == pytest.approx(full_total)
    assert total >= full_total - 1e-9


# --- multilingual rows --------------------------------------------------------------------------


def test_multilingual_rows_hold_every_segment_once() -> None:
    en = presegmented(["A one.", "B two.", "C three.", "D four."])
    fr = presegmented(["A un.", "B deux. C trois.", "D quatre.", "E ajout."])
    es = presegmented(["A uno.", "B dos.", "C tres.", "D cuatro."])
    fr_al = Alignment(
        "en",
        "fr",
        tuple(en),
        tuple(fr),
        (
            Bead((0,), (0,), 0.9),
            Bead((1, 2), (1,), 0.8),
            Bead((3,), (2,), 0.9),
            Bead((), (3,), 0.2, True),
        ),
    )
    es_al = Alignment(
        "en", "es", tuple(en), tuple(es), tuple(Bead((i,), (i,), 0.7) for i in range(4))
    )
    rows = multilingual([fr_al, es_al])
    assert [row.texts for row in rows] == [
        {"en": "A one.", "fr": "A un.", "es": "A uno."},
        {"en": "B two. C three.", "fr": "B deux. C trois.", "es": "B dos. C tres."},
        {"en": "D four.", "fr": "D quatre.", "es": "D cuatro."},
        {"en": "", "fr": "E ajout.", "es": ""},
    ]
    assert [row.score for row in rows] == [0.7, 0.7, 0.7, 0.2]
    assert rows[-1].suspect


def test_multilingual_needs_one_pivot() -> None:
    a = align(presegmented(["One."]), presegmented(["Un."]), src_lang="en", tgt_lang="fr")
    b = align(presegmented(["Two."]), presegmented(["Dos."]), src_lang="en", tgt_lang="es")
    with pytest.raises(AlignmentError, match="pivot"):
        multilingual([a, b])


# --- anchors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Article 26 of the Covenant (Armenia), 10 September 2023"),
        ("fr", "l'article 26 du Pacte (Arménie), 10 septembre 2023"),
        ("es", "el artículo 26 del Pacto (Armenia), 10 de septiembre de 2023"),
        ("ru", "статья 26 Пакта (Армении), 10 сентября 2023 года"),
        ("ar", "المادة 26 من العهد (أرمينيا)، 10 أيلول/سبتمبر 2023"),
        ("zh", "《公约》第二十六条（亚美尼亚），2023年9月10日"),
    ],
)
def test_the_same_anchors_in_six_languages(lang: str, text: str) -> None:
    found = Anchorer(lang).anchors(text)
    assert {"a:26", "n:26", "c:AM", "m:9", "n:10", "n:2023"} <= found.strong
    assert "p:(" in found.weak


def test_numbers_are_read_whatever_the_digits_and_grouping() -> None:
    en = Anchorer("en").anchors("3,500 people in 1987-91 (see A/78/367)").strong
    fr = Anchorer("fr").anchors("3 500 personnes de 1987 à 1991 (voir A/78/367)").strong
    ar = Anchorer("ar").anchors("٣٥٠٠ شخص").strong
    assert {"n:3500", "n:1987", "n:1991", "s:A/78/367"} <= en & fr
    assert "n:3500" in ar


def test_anchor_numbers_are_the_checkers_numbers() -> None:
    # one reader (tm/numbers.py): a thin space groups thousands, 1950-53年 is a year range
    assert {"n:330000", "n:1950", "n:1953"} <= Anchorer("fr").anchors(
        "330\u2009000 ; 1950-53"
    ).strong
    assert {"n:1950", "n:1953"} <= Anchorer("zh").anchors("1950-53年朝鲜战争").strong


def test_punctuation_signatures_match_across_scripts() -> None:
    en = Anchorer("en").anchors('"Why?" he asked... -- (see below): no!').weak
    zh = Anchorer("zh").anchors("“为什么？”他问……——（见下文）：不！").weak
    assert {'p:"', "p:?", "p:…", "p:—", "p:(", "p::", "p:!"} <= en & zh


# --- the scorer (Vecalign/Bertalign definitions) --------------------------------------------------


def test_eval_strict_and_lax() -> None:
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    scores = align_eval.score(gold, test)
    # strict: 2 of 4 test beads are gold; 2 of 3 gold beads are in the test
    assert scores.strict_precision == pytest.approx(0.5)
    assert scores.strict_recall == pytest.approx(2 / 3)
    # lax: ([1],[1]) overlaps gold ([1,2],[1]); ([2],[]) links nothing
    assert scores.lax_precision == pytest.approx(0.75)
    assert scores.lax_recall == pytest.approx(1.0)


def test_eval_reads_the_bead_format() -> None:
    assert align_eval.parse_beads(["[24, 25]:[24]", "", "[]:[3]"]) == [
        ((24, 25), (24,)),
        ((), (3,)),
    ]
    with pytest.raises(ValueError, match="line 1"):
        align_eval.parse_beads(["24:25"])


def test_eval_script_prints_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n[1, 2]:[1]\n", encoding="utf-8")
    test = tmp_path / "test.txt"
    test.write_text("[0]:[0]\n[1]:[1]\n[2]:[]\n", encoding="utf-8")
    assert align_eval.main([str(gold), str(test)]) == 0
    assert "strict P 0.3333 R 0.5000 F1 0.4000" in capsys.readouterr().out


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 400), st.integers(1, 2000))
def test_a_documents_gaps_raise_the_gap_share_and_nothing_lowers_it(gaps: int, beads: int) -> None:
    """Counted gaps move the share of each gap type towards the document's own rate (half
    of its gaps per bead), never below Gale and Church's."""
    gaps = min(gaps, beads)
    share = gap_share(gaps, beads)
    assert share >= GAP
    assert share >= gap_share(max(gaps - 1, 0), beads)
    if gaps / 2 / beads > GAP:
        assert GAP < share < gaps / 2 / beads
    assert gap_share(0, beads) == GAP


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(BEADS), min_size=1, max_size=300))
def test_a_documents_merges_and_gaps_raise_their_shares_and_only_1_1_gives_way(
    found: list[tuple[int, int]],
) -> None:
    """Where its gaps are more than Gale and Church's share, 2-1 and 1-2 beads move their
    shares towards the document's own rate as gaps do, never below theirs; where not, they
    keep theirs; the rarer types are never counted; 1-1 beads give up what the others gain,
    so the shares still add up; a document like theirs changes nothing."""
    shares = dict(zip(BEADS, bead_shares(found), strict=True))
    before = dict(zip(BEADS, SHARES, strict=True))
    gaps = shares[(1, 0)] > GAP
    for bead in ((2, 1), (1, 2)):
        rate = found.count(bead) / len(found)
        assert shares[bead] >= before[bead]
        if gaps and rate > before[bead]:
            assert shares[bead] < rate
        if not gaps:
            assert shares[bead] == before[bead]
        elif rate <= before[bead]:
            assert shares[bead] == pytest.approx(before[bead])
    assert (
        shares[(1, 0)] == shares[(0, 1)] == gap_share(sum(1 for b in found if 0 in b), len(found))
    )
    for bead in ((2, 2), (3, 1), (1, 3)):
        assert shares[bead] == before[bead]
    assert sum(shares.values()) == pytest.approx(sum(SHARES))
    assert bead_shares([(1, 1)] * len(found)) == SHARES


# --- the corpora (slow) ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", LETTER_LANGS)
@pytest.mark.parametrize("corpus", ["flores200-devtest-un6", "ntrex128-un6"])
def test_corpus_strict_f1(shared_data: Path, corpus: str, lang: str) -> None:
    import align_bench

    scores = align_bench.corpus_scores(corpus, lang)
    assert scores.strict_f1 >= 0.95, scores.line()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_a_long_document_that_leaves_out_sentences(
    shared_data: Path, tmp_path: Path, lang: str
) -> None:
    """All FLORES lines as one document, with merges and one sentence in ten left out, aligned
    with a memory of NTREX: a long pair whose links the lexicon missed is not cut in two gaps."""
    import align_bench

    from tm.learned import MemoryLearner

    with align_bench.memory_of("ntrex128-un6", lang, tmp_path) as memory:
        scores = align_bench.long_document_scores(
            "flores200-devtest-un6", lang, MemoryLearner(memory)
        )
    assert scores.strict_f1 >= 0.95, scores.line()


def test_multilingual_rows_join_as_each_language_writes_and_keep_indices() -> None:
    """Two Chinese sentences in one row keep no space after 。; the row says which they are."""
    from tm.models import Alignment, Bead, Segment

    en = (Segment(0, 0, "body", "One long sentence."),)
    zh = (Segment(0, 0, "body", "第一句。"), Segment(1, 0, "body", "第二句。"))
    fr = (Segment(0, 0, "body", "Une phrase."), Segment(1, 0, "body", "Deux."))
    rows = al.multilingual(
        [
            Alignment("en", "zh", en, zh, (Bead((0,), (0, 1), 0.9),)),
            Alignment("en", "fr", en, fr, (Bead((0,), (0, 1), 0.9),)),
        ]
    )
    assert [row.texts for row in rows] == [
        {"en": "One long sentence.", "zh": "第一句。第二句。", "fr": "Une phrase. Deux."}
    ]
    assert rows[0].segments == {"en": (0,), "zh": (0, 1), "fr": (0, 1)}


# --- the band's costs, all at once, are the costs one at a time --------------------------------

_KEYS = st.dictionaries(st.sampled_from("abcdef"), st.integers(min_value=1, max_value=3))
_ITEMS = st.lists(
    st.builds(
        Item,
        st.floats(min_value=0.0, max_value=300.0),
        _KEYS,
        _KEYS,
        st.booleans(),
        _KEYS,
    ),
    min_size=1,
    max_size=9,
)


@settings(max_examples=80, deadline=None)
@given(_ITEMS, _ITEMS, st.integers(min_value=0, max_value=3), st.integers(0, 2**32 - 1))
def test_band_costs_equal_the_costs_of_each_cell(
    src: list[Item], tgt: list[Item], width: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n, m = len(src), len(tgt)
    tables = {(di, dj): rng.normal(size=(n, 4)) for di in (1, 2, 3) for dj in (1, 2, 3)}
    translation = LexicalCosts(rng.integers(-2, m, size=n), 4, tables, weight=1.0)
    costs = Costs(
        src,
        tgt,
        ratio=1.3,
        variance=6.8,
        floor=20.0,
        merge=CLOSED_MERGE,
        lexical=LEXICAL,
        translation=translation,
    )
    lo, hi = bs.band([i * m / n for i in range(n + 1)], m, width)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bead_costs, "_NUMPY_CELLS", 0)  # numpy, however small the band
        band = costs.band(lo, hi)
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            for k, (di, dj) in enumerate(BEADS):
                got = band[i][k][j - lo[i]]
                if i < di or j < dj:
                    assert got == math.inf
                else:
                    assert got == pytest.approx(costs.cost(i, j, k), abs=1e-9)


def test_missed_links_cost_at_most_a_bound_per_sentence() -> None:
    # a lexicon misses many translations: a long pair whose links all missed costs no more
    # than the bound, and each sentence a bead merges raises it (a hidden sentence pays)
    def links(prefix: str, count: int) -> dict[str, int]:
        return {f"l:{prefix}{k}": 1 for k in range(count)}

    def lexical_part(src: list[dict[str, int]], tgt: list[dict[str, int]], k: int) -> float:
        def side(keys: list[dict[str, int]], lexical: bool) -> list[Item]:
            return [Item(40.0, {}, {}, lexical=found if lexical else None) for found in keys]

        with_links, without = (
            Costs(
                side(src, on), side(tgt, on), ratio=1.0, variance=6.8, floor=20.0, lexical=LEXICAL
            )
            for on in (True, False)
        )
        return with_links.cost(len(src), len(tgt), k) - without.cost(len(src), len(tgt), k)

    one_one, two_one = BEADS.index((1, 1)), BEADS.index((2, 1))
    bound = bead_costs._MAX_LINKS
    assert lexical_part([links("a", 2)], [links("b", 1)], one_one) == pytest.approx(3 * LEXICAL)
    assert lexical_part([links("a", 20)], [links("b", 20)], one_one) == pytest.approx(
        bound * LEXICAL
    )
    assert lexical_part([links("a", 20), links("c", 20)], [links("b", 20)], two_one) == (
        pytest.approx(2 * bound * LEXICAL)
    )
    shared = {"l:s": 4}  # links found on both sides earn their reward as before
    assert lexical_part([links("a", 2) | shared], [links("b", 1) | shared], one_one) == (
        pytest.approx(-LEXICAL)
    )


def test_a_lexicon_linking_more_pieces_weighs_each_link_less() -> None:
    """Up to TYPICAL_LINKS links in a typical sentence (the median), a link costs LEXICAL
    times the lexicon's weight; beyond, less in proportion, so that a bead's lexical cost keeps
    its scale where a long document taught the lexicon many of its words."""

    def keys(count: int) -> dict[str, int]:
        return {f"l:{k}": 1 for k in range(count)}

    few = [keys(1), keys(int(TYPICAL_LINKS)), keys(50)]
    assert lexical_weight(0.5, few) == pytest.approx(0.5 * LEXICAL)
    many = [keys(1), keys(4 * int(TYPICAL_LINKS)), keys(4 * int(TYPICAL_LINKS)), keys(99)]
    assert lexical_weight(1.0, many) == pytest.approx(LEXICAL / 4)
    assert lexical_weight(1.0, [{}, {}]) == pytest.approx(LEXICAL)  # no links: nothing to scale
    assert lexical_weight(1.0, []) == pytest.approx(LEXICAL)


def test_a_memo_that_forgot_the_lexical_keys_gives_the_costs_of_new_ones() -> None:
    """The lexicon learns again between passes: a memo shared with the passes before keeps
    their anchors and takes the new lexical keys, as costs made without any memo would."""
    rng = np.random.default_rng(7)

    def keys(letters: str) -> dict[str, int]:
        return {str(k): 1 for k in rng.choice(list(letters), size=3)}

    def side(lexical: list[dict[str, int]], anchors: list[dict[str, int]]) -> list[Item]:
        return [Item(40.0, a, {}, lexical=k) for a, k in zip(anchors, lexical, strict=True)]

    anchors = [keys("abcdef") for _ in range(24)]
    first, second = ([keys("uvwxyz") for _ in range(24)] for _ in range(2))
    memo = KeyMemo()
    lo, hi = bs.band([float(i) for i in range(13)], 12, 2)

    def band(lexical: list[dict[str, int]], memo: KeyMemo | None) -> list[list[list[float]]]:
        costs = Costs(
            side(lexical[:12], anchors[:12]),
            side(lexical[12:], anchors[12:]),
            ratio=1.0,
            variance=6.8,
            floor=20.0,
            lexical=LEXICAL,
            memo=memo,
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bead_costs, "_NUMPY_CELLS", 0)  # numpy: the memo's rows and bands
            numpy_band = costs.band(lo, hi)
        return [*numpy_band, [[costs.cost(12, 12, k)] for k in range(len(BEADS))]]

    assert band(first, memo) == band(first, None)
    memo.forget_lexical()
    assert band(second, memo) == band(second, None) != band(first, None)
