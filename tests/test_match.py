"""tm/match.py and tm/tokens.py: scores, bands, placeables, context, index exactness."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.match import Matcher, MatchIndex
from tm.memory import Memory
from tm.models import Change, Segment, TermHit, Unit, Variant
from tm.placeables import substitute, word_diff
from tm.score import band, similarity
from tm.tokens import masked

FIXTURES = Path(__file__).parent / "fixtures" / "match"


def _unit(en: str, fr: str, *, doc: str | None = "d1", tuid: str | None = None) -> Unit:
    props = (("x-document", doc),) if doc else ()
    return Unit((Variant("en", en), Variant("fr", fr)), tuid=tuid, props=props)


def _letter_units(examples: Path, shared_data: Path) -> list[Unit]:
    """The letter as a memory: English and French sentences paired by the gold beads."""
    en = [line.split("\t")[2] for line in (examples / "en.sentences.tsv").read_text().splitlines()]
    fr_file = shared_data / "letter" / "fr" / "sentences.tsv"
    fr = [line.split("\t")[2] for line in fr_file.read_text().splitlines()]
    units = []
    for line in (shared_data / "letter" / "fr" / "gold.txt").read_text().splitlines():
        left, right = line.split(":")
        src = [int(i) for i in re.findall(r"\d+", left)]
        tgt = [int(i) for i in re.findall(r"\d+", right)]
        if src and tgt:
            tuid = f"letter-{src[0]}"
            units.append(
                _unit(" ".join(en[i] for i in src), " ".join(fr[i] for i in tgt), tuid=tuid)
            )
    return units


def _draft() -> list[tuple[str, str, str]]:
    rows = []
    for line in (FIXTURES / "draft.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            kind, source_id, text = line.split("\t")
            rows.append((kind, source_id, text))
    return rows


# --- tokens and scores ---------------------------------------------------------------------


def test_tokens_fold_case_and_class_placeables() -> None:
    assert masked("Article 26 of A/78/367, 12 September 2023") == [
        "article",
        "<num>",
        "of",
        "<sym>",
        ",",
        "<date>",
    ]
    assert masked("安全理事会") == ["安", "全", "理", "事", "会"]


def test_similarity_is_word_levenshtein_over_longest() -> None:
    # one substitution in five tokens: 100 * (1 - 1/5)
    assert similarity(["a", "b", "c", "d", "e"], ["a", "b", "x", "d", "e"]) == pytest.approx(80)
    # one deletion: distance 1 over the longer length 4
    assert similarity(["a", "b", "c", "d"], ["a", "b", "d"]) == pytest.approx(75)


@pytest.mark.parametrize(
    ("score", "name"),
    [
        (101, "100"),
        (100, "100"),
        (99, "95-99"),
        (95, "95-99"),
        (94, "85-94"),
        (85, "85-94"),
        (84, "75-84"),
        (75, "75-84"),
        (74, "50-74"),
        (50, "50-74"),
        (49, "<50"),
    ],
)
def test_bands(score: float, name: str) -> None:
    assert band(score) == name


def test_word_diff_marks_removed_and_added_words() -> None:
    diff = word_diff(
        "Armenia refuses to start a dialogue.", "Armenia refuses to open a dialogue now."
    )
    assert diff == "Armenia refuses to [-start-]{+open+} a dialogue {+now+}."


def test_substitute_changes_every_value_or_gives_up() -> None:
    assert substitute("Articles 6 et 9", [Change("6", "7", "num"), Change("9", "10", "num")]) == (
        "Articles 7 et 10"
    )
    # dates are changed number by number when the target writes the month its own way
    sept = Change("12 September 2023", "14 September 2023", "date")
    assert substitute("le 12 septembre 2023", [sept]) == "le 14 septembre 2023"
    assert substitute("article 5", [Change("26", "27", "num")]) is None
    # the month changed too: the French month cannot be guessed, so nothing is offered
    month = Change("10 August 2023", "12 September 2023", "date", month_changed=True)
    assert substitute("le 10 août 2023", [month]) is None


# --- matching --------------------------------------------------------------------------------


def test_placeable_only_difference_scores_99_and_substitutes() -> None:
    matcher = Matcher.from_units(
        [_unit("See Article 26 of the Covenant.", "Voir l'article 26 du Pacte.")]
    )
    (m,) = matcher.lookup("See Article 27 of the Covenant.")
    assert (m.score, m.kind, m.band) == (99, "placeable", "95-99")
    assert m.substituted == {"fr": "Voir l'article 27 du Pacte."}
    assert m.targets == {"fr": "Voir l'article 26 du Pacte."}


def test_format_only_difference_scores_99() -> None:
    matcher = Matcher.from_units([_unit("Right to return", "Droit au retour")])
    (m,) = matcher.lookup("right to return")
    assert (m.score, m.kind) == (99, "format")


def _context_memory() -> Matcher:
    """'Thank you.' twice: between 'First.' and 'Last.' in document a, alone in document b."""
    return Matcher.from_units(
        [
            _unit("First.", "Premier.", doc="a"),
            _unit("Thank you.", "Merci.", doc="a", tuid="ctx"),
            _unit("Last.", "Dernier.", doc="a"),
            _unit("Thank you.", "Je vous remercie.", doc="b", tuid="plain"),
        ]
    )


def test_in_context_exact_ranks_above_exact() -> None:
    matcher = _context_memory()
    found = matcher.lookup("Thank you.", previous="First.", following="Last.")
    assert [(m.tuid, m.score, m.kind) for m in found] == [
        ("ctx", 101, "context"),
        ("plain", 100, "exact"),
    ]
    # the draft starts where the memory's document starts
    # (a fuzzy "Last." sharing the full stop, 50 %, may follow)
    first = matcher.lookup("First.", following="Thank you.")[0]
    assert (first.source, first.kind) == ("First.", "context")
    # another neighbour: both are plain exact matches
    found = matcher.lookup("Thank you.", previous="Other.", following="Last.")
    assert [m.kind for m in found] == ["exact", "exact"]


def test_in_context_copy_found_among_many_exact_copies() -> None:
    # boilerplate stands many times in a memory; the copy in the draft's context comes last
    units = [_unit("Thank you.", f"Merci {i}.", doc=f"d{i}") for i in range(8)]
    units += [
        _unit("First.", "Premier.", doc="a"),
        _unit("Thank you.", "Merci.", doc="a", tuid="ctx"),
        _unit("Last.", "Dernier.", doc="a"),
    ]
    matcher = Matcher.from_units(units)
    found = matcher.lookup("Thank you.", previous="First.", following="Last.", top=1)
    assert [(m.tuid, m.score, m.kind) for m in found] == [("ctx", 101, "context")]
    found = matcher.lookup("Thank you.", previous="Other.", following="Last.", top=2)
    assert [(m.score, m.kind) for m in found] == [(100, "exact"), (100, "exact")]


def test_min_score_101_keeps_only_in_context_matches() -> None:
    # 101 is the in-context score (and the CLI's --min-score maximum): the search, whose
    # similarity stops at 100, must still find the row that becomes a 101
    matcher = _context_memory()
    found = matcher.lookup("Thank you.", previous="First.", following="Last.", min_score=101)
    assert [(m.tuid, m.score, m.kind) for m in found] == [("ctx", 101, "context")]
    assert matcher.lookup("Thank you.", previous="Other.", following="Last.", min_score=101) == []


def test_target_langs_filter_and_min_score() -> None:
    unit = Unit(
        (Variant("en", "Good morning."), Variant("fr", "Bonjour."), Variant("es", "Buenos días."))
    )
    matcher = Matcher.from_units([unit])
    (m,) = matcher.lookup("Good morning.", target_langs=["es"])
    assert m.targets == {"es": "Buenos días."}
    assert matcher.lookup("Good morning.", target_langs=["ru"]) == []
    assert matcher.lookup("Good evening, everyone.", min_score=75) == []


def test_letter_draft_edited_get_their_source_new_get_nothing(
    examples: Path, shared_data: Path
) -> None:
    units = _letter_units(examples, shared_data)
    matcher = Matcher.from_units(units)
    for kind, source_id, text in _draft():
        found = matcher.lookup(text, target_langs=["fr"], min_score=50)
        if kind == "new":
            assert all(m.score < 75 for m in found), (text, found[:1])
            continue
        assert found, text
        top = found[0]
        assert _sentence(examples, int(source_id)) in top.source, (text, top.source)
        expected = {"verbatim": ("exact", "context"), "placeable": ("placeable",)}
        if kind in expected:
            assert top.kind in expected[kind], (text, top.kind)
        else:
            assert top.kind == "fuzzy"
            assert 50 <= top.score < 99
            assert "[-" in top.diff or "{+" in top.diff


def test_a_memory_in_either_backend_matches_the_letter_draft(
    memory_target: str, examples: Path, shared_data: Path
) -> None:
    units = _letter_units(examples, shared_data)
    expected = Matcher.from_units(units)
    with Memory.open(memory_target) as memory:
        memory.add(units, origin="letter")
        matcher = Matcher(memory)
        for _, _, text in _draft():
            found = matcher.lookup(text, target_langs=["fr"], min_score=50)
            want = expected.lookup(text, target_langs=["fr"], min_score=50)
            assert [(m.source, m.score, m.kind) for m in found] == [
                (m.source, m.score, m.kind) for m in want
            ], text


def _sentence(examples: Path, sentence_id: int) -> str:
    lines = (examples / "en.sentences.tsv").read_text().splitlines()
    return lines[sentence_id].split("\t")[2]


def test_match_segments_equals_lookup_and_carries_terms() -> None:
    units = [_unit("The Security Council met.", "Le Conseil de sécurité s'est réuni.")]
    matcher = Matcher.from_units(units)

    class Glossary:
        def find(self, text: str, lang: str) -> list[TermHit]:
            start = text.find("Security Council")
            if start < 0:
                return []
            return [
                TermHit(
                    start,
                    start + 16,
                    "Security Council",
                    lang,
                    "un-sc",
                    "preferred",
                    "Security Council",
                    "Security Council",
                    {"fr": "Conseil de sécurité", "es": "Consejo de Seguridad"},
                )
            ]

    segs = [Segment(0, 0, "body", "The Security Council met today.")]
    (out,) = matcher.match_segments(segs, target_langs=["fr"], glossary=Glossary())  # type: ignore[arg-type]
    assert out.matches[0].score == matcher.lookup(segs[0].text)[0].score
    assert out.terms[0].equivalents == {"fr": "Conseil de sécurité"}


def test_matcher_over_memory_reads_the_index_its_writes_kept(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(
            [_unit("The meeting rose at noon.", "La séance est levée à midi.")], origin="a.tmx"
        )
        (m,) = Matcher(memory).lookup("The meeting rose at 1 p.m.", min_score=40)
        assert m.origin == "a.tmx"
        files = memory.connection.execute("SELECT seq FROM match_files").fetchall()
        memory.add([_unit("The meeting was suspended.", "La séance est suspendue.")])
        # the write added a delta file for its unit; the main file stayed
        later = memory.connection.execute("SELECT seq FROM match_files").fetchall()
        assert later[: len(files)] == files
        assert len(later) == len(files) + 1
        found = Matcher(memory).lookup("The meeting was suspended.")
        assert found[0].kind == "exact"


# --- the index is exact: hypothesis against exhaustive scoring -------------------------------

WORDS = st.sampled_from(["the", "council", "of", "rights", "human", "a", "7", "12", ",", "."])
SENTENCES = st.lists(WORDS, min_size=1, max_size=9).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(SENTENCES, min_size=1, max_size=25),
    SENTENCES,
    st.integers(min_value=1, max_value=30),  # 30 > rows: every row at the cutoff
    st.sampled_from([0, 30, 50, 75, 90]),
)
def test_index_finds_what_exhaustive_scoring_finds(
    sources: list[str], query: str, top: int, cutoff: int
) -> None:
    index = MatchIndex.build(enumerate(sources))
    found = index.search(query, top=top, min_score=cutoff, window=None)
    windowed = index.search(query, top=top, min_score=cutoff)
    tokens = masked(query)
    exhaustive = sorted((similarity(tokens, masked(s)) for s in sources), reverse=True)
    expected = [s for s in exhaustive if s >= cutoff - 1e-9 and s > 0][:top]
    assert [round(s, 6) for _, s in found] == [round(s, 6) for s in expected]
    # the default window: the best and every row within 10 points of it are certain
    near = [round(s, 6) for s in expected if s >= expected[0] - 10 - 1e-9] if expected else []
    assert [round(s, 6) for _, s in windowed][: len(near)] == near


@settings(max_examples=30, deadline=None)
@given(st.lists(SENTENCES, min_size=2, max_size=12), st.lists(SENTENCES, min_size=1, max_size=4))
def test_lookup_scores_equal_batch_scores(sources: list[str], draft: list[str]) -> None:
    matcher = Matcher.from_units([_unit(s, f"fr {i}") for i, s in enumerate(sources)])
    segments = [Segment(i, 0, "body", text) for i, text in enumerate(draft)]
    batch = matcher.match_segments(segments, top=2, min_score=30)
    for i, seg in enumerate(batch):
        alone = matcher.lookup(
            draft[i],
            top=2,
            min_score=30,
            previous=draft[i - 1] if i else None,
            following=draft[i + 1] if i + 1 < len(draft) else None,
        )
        assert [(m.score, m.kind) for m in seg.matches] == [(m.score, m.kind) for m in alone]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(SENTENCES, min_size=1, max_size=15),
    SENTENCES,
    st.integers(min_value=1, max_value=4),
    st.sampled_from([30, 50, 90]),
)
def test_lookup_stops_scoring_only_hits_that_cannot_change_the_result(
    sources: list[str], draft: str, top: int, cutoff: int
) -> None:
    # a lookup stops once its top matches outscore what the hits left can score: the same
    # matches as scoring every hit (repeated sources make ties and in-context copies)
    from unittest import mock

    units = [_unit(s, f"fr {i}") for i, s in enumerate(sources + sources[:3])]
    matcher = Matcher.from_units(units)
    args = {"top": top, "min_score": cutoff, "previous": sources[0], "following": None}
    quick = matcher.lookup(draft, **args)
    with mock.patch("tm.match._settled", return_value=False):
        every = matcher.lookup(draft, **args)
    assert quick == every


def test_chinese_matches_by_character() -> None:
    unit = Unit(
        (
            Variant("zh", "安全理事会第七十八年"),
            Variant("en", "Security Council Seventy-eighth year"),
        )
    )
    matcher = Matcher.from_units([unit], src_lang="zh")
    (m,) = matcher.lookup("安全理事会第七十九年", target_langs=["en"])
    assert m.score == 90  # one character of ten differs
    assert m.targets == {"en": "Security Council Seventy-eighth year"}


def test_stored_index_is_loaded_not_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add([_unit("The meeting rose at noon.", "La séance est levée à midi.")])
        Matcher(memory).index()
    with Memory.open(tmp_path / "tm.sqlite", create=False) as memory:

        def rebuild(*args: object, **kwargs: object) -> None:
            raise AssertionError("the stored index should have been used")

        monkeypatch.setattr(memory, "units_with_ids", rebuild)
        (m,) = Matcher(memory).lookup("The meeting rose at noon.")
        assert m.kind == "exact"


def test_sentence_of_a_multi_sentence_unit_is_a_partial_match() -> None:
    unit = Unit(
        (
            Variant("en", "Armenia refuses to start a dialogue. It ignores our calls."),
            Variant("fr", "L'Arménie refuse tout dialogue et ignore nos appels."),
        ),
        segtype="paragraph",
    )
    matcher = Matcher.from_units([unit])
    (m,) = matcher.lookup("Armenia refuses to start a dialogue.")
    assert (m.kind, m.score, m.band) == ("partial", 99, "95-99")
    assert m.source == "Armenia refuses to start a dialogue."
    assert m.targets == {"fr": "L'Arménie refuse tout dialogue et ignore nos appels."}


class _ReadOnly:
    """A connection that refuses writes, as SQLite does on a read-only file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.in_transaction = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.lstrip().split()[0].upper() in {"INSERT", "DELETE", "CREATE", "BEGIN", "UPDATE"}:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return self._conn.execute(sql, *args)

    def executescript(self, sql: str) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    def cursor(self) -> sqlite3.Cursor:
        return self._conn.cursor()


def test_read_only_memory_matches_without_saving_the_index(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add([_unit("The meeting rose at noon.", "La séance est levée à midi.")])
        # the memory was copied without its index directory, and cannot be written
        shutil.rmtree(tmp_path / "tm.sqlite-index")
        conn = memory.connection
        memory.connection = _ReadOnly(conn)  # type: ignore[assignment]
        (m,) = Matcher(memory).lookup("The meeting rose at noon.")
        assert m.kind == "exact"
        memory.connection = conn
        assert not (tmp_path / "tm.sqlite-index").exists()


def test_context_across_a_multi_sentence_neighbour() -> None:
    merged = Unit(
        (
            Variant("en", "It was late. They left."),
            Variant("fr", "Il était tard; ils sont partis."),
        ),
        props=(("x-document", "d1"),),
        segtype="paragraph",
    )
    units = [merged, _unit("The meeting rose.", "La séance est levée.")]
    matcher = Matcher.from_units(units)
    (m,) = matcher.lookup("The meeting rose.", previous="They left.")
    assert m.kind == "context"
    (m,) = matcher.lookup("The meeting rose.", previous="It was late.")
    assert m.kind == "exact"


def test_units_removed_after_the_index_was_loaded_are_left_out(
    memory_target: str, tmp_path: Path
) -> None:
    monday = "The meeting of the Security Council rose at noon on Monday."
    tuesday = "The meeting of the Security Council rose at noon on Tuesday."
    with Memory.open(memory_target) as memory:
        memory.add([_unit(monday, "Lundi.")], origin="a")
        memory.add([_unit(tuesday, "Mardi.")], origin="b")
        matcher = Matcher(memory)
        assert [m.source for m in matcher.lookup(monday)] == [monday, tuesday]
        memory.remove_origin("a")
        found = matcher.lookup(monday)
        assert [(m.source, m.kind, m.origin) for m in found] == [(tuesday, "fuzzy", "b")]


@pytest.mark.slow
def test_index_recall_on_real_sentences(shared_data: Path) -> None:
    """50k real sentences of the corpus pool, 100 edited queries: the index's best score is
    the exhaustive best every time (the benchmark does the same at up to 1M)."""
    import gzip
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    pool = shared_data / "corpus" / "opus-testsets-en-pool" / "pool.tsv.gz"
    with gzip.open(pool, "rt", encoding="utf-8") as handle:
        sources = [line.split("\t", 1)[0] for _, line in zip(range(50_000), handle, strict=False)]
    index = MatchIndex.build(enumerate(sources))
    codes = [index.row_codes(r) for r in range(len(index))]
    rng = random.Random(5)
    for _ in range(100):
        words = rng.choice(sources).split()
        words[rng.randrange(len(words))] = rng.choice(rng.choice(sources).split())
        query = " ".join(words)
        found = index.search(query, top=3, min_score=50)
        best = process.extractOne(
            index.encode(query), codes, scorer=Levenshtein.normalized_similarity
        )
        expected = 100 * best[1] if best[1] >= 0.5 else 0.0
        assert (found[0][1] if found else 0.0) == pytest.approx(expected), query


def test_pretranslate_never_fills_old_values_it_could_not_replace() -> None:
    """A date whose month changed cannot be substituted in French: the segment stays to do."""
    from tm.match import SegmentMatches
    from tm.pretranslate import pretranslate

    matcher = Matcher.from_units(
        [
            _unit("Letter dated 10 August 2023.", "Lettre datée du 10 août 2023."),
            _unit("See Article 26 of the Covenant.", "Voir l'article 26 du Pacte."),
        ]
    )
    drafts = ["Letter dated 14 October 2024.", "See Article 27 of the Covenant."]
    results = [
        SegmentMatches(i, 0, text, tuple(matcher.lookup(text))) for i, text in enumerate(drafts)
    ]
    assert results[0].matches[0].kind == "placeable"
    assert "fr" not in results[0].matches[0].substituted
    units, missing = pretranslate(results, src_lang="en", target_lang="fr")
    assert missing == 1
    assert [u.text("fr") for u in units] == ["Voir l'article 27 du Pacte."]


def _pretranslated(units: list[Unit], drafts: list[str]) -> tuple[list[Unit], int]:
    from tm.match import SegmentMatches
    from tm.pretranslate import pretranslate

    matcher = Matcher.from_units(units)
    results = []
    for i, text in enumerate(drafts):
        found = matcher.lookup(
            text,
            previous=drafts[i - 1] if i else None,
            following=drafts[i + 1] if i + 1 < len(drafts) else None,
        )
        results.append(SegmentMatches(i, 0, text, tuple(found)))
    return pretranslate(results, src_lang="en", target_lang="fr")


def test_pretranslate_splits_a_two_sentence_unit_by_sentence() -> None:
    unit = Unit(
        (
            Variant("en", "The Committee met on 3 May. It adopted 2 decisions."),
            Variant("fr", "Le Comité s'est réuni le 3 mai. Il a adopté 2 décisions."),
        ),
        segtype="paragraph",
    )
    drafts = ["The Committee met on 3 May.", "It adopted 2 decisions."]
    units, missing = _pretranslated([unit], drafts)
    assert missing == 0
    assert [u.text("fr") for u in units] == [
        "Le Comité s'est réuni le 3 mai.",
        "Il a adopté 2 décisions.",
    ]
    assert [dict(u.props)["x-match-sentence"] for u in units] == ["1", "2"]


def test_pretranslate_substitutes_in_the_split_sentence() -> None:
    unit = Unit(
        (
            Variant("en", "The Committee met on 3 May. It adopted 2 decisions."),
            Variant("fr", "Le Comité s'est réuni le 3 mai. Il a adopté 2 décisions."),
        ),
        segtype="paragraph",
    )
    units, missing = _pretranslated([unit], ["It adopted 5 decisions."])
    assert (missing, [u.text("fr") for u in units]) == (0, ["Il a adopté 5 décisions."])


def test_pretranslate_never_fills_two_segments_with_one_merged_target() -> None:
    """The French joins the two sentences into one: the first segment gets it, not both."""
    unit = Unit(
        (
            Variant("en", "Armenia refuses to start a dialogue. It ignores our calls."),
            Variant("fr", "L'Arménie refuse tout dialogue et ignore nos appels."),
        ),
        segtype="paragraph",
    )
    drafts = ["Armenia refuses to start a dialogue.", "It ignores our calls.", "Thank you."]
    units, missing = _pretranslated([unit, _unit("Thank you.", "Merci.")], drafts)
    assert [u.text("fr") for u in units] == [
        "L'Arménie refuse tout dialogue et ignore nos appels.",
        "Merci.",
    ]
    assert missing == 1
    assert [dict(u.props)["x-segment"] for u in units] == ["0", "2"]


def test_pretranslate_leaves_a_changed_month_and_marks_suspect_units() -> None:
    suspect = Unit(
        (Variant("en", "The report is annexed."), Variant("fr", "Le rapport est joint.")),
        props=(("x-align-suspect", "yes"),),
    )
    units, missing = _pretranslated(
        [_unit("Letter dated 12 September 2023.", "Lettre datée du 12 septembre 2023."), suspect],
        ["Letter dated 12 October 2023.", "The report is annexed."],
    )
    assert missing == 1
    (unit,) = units
    assert unit.text("fr") == "Le rapport est joint."
    assert dict(unit.props)["x-align-suspect"] == "yes"


def test_a_match_from_a_suspect_bead_says_so() -> None:
    suspect = Unit(
        (Variant("en", "The report is annexed."), Variant("fr", "Le rapport est joint.")),
        props=(("x-align-suspect", "yes"),),
    )
    (m,) = Matcher.from_units([suspect]).lookup("The report is annexed.")
    assert m.suspect
    (m,) = Matcher.from_units([_unit("The report is annexed.", "Joint.")]).lookup(
        "The report is annexed."
    )
    assert not m.suspect
