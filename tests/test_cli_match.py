"""``untm match`` and ``untm pretranslate`` end to end on the letter's memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli._errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_STORE
from cli.main import app
from tmx.tmx import read_tmx

DRAFT = Path(__file__).resolve().parent / "fixtures" / "match" / "draft.en.md"
SEGMENT_KEYS = {"index", "paragraph", "text", "matches", "terms"}
MATCH_KEYS = {"score", "band", "source", "targets", "diff", "tuid"}
TERM_KEYS = {"start", "end", "text", "concept", "status", "preferred", "equivalents"}

runner = CliRunner()


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The letter (English, French, Spanish) built into a memory with ``untm build``."""
    root = Path(__file__).resolve().parent.parent / "examples" / "letter"
    path = tmp_path_factory.mktemp("match") / "letter.sqlite"
    files = [root / f"letter.{lang}.md" for lang in ("en", "fr", "es")]
    result = runner.invoke(app, ["build", *map(str, files), "--memory", str(path)])
    assert result.exit_code == EXIT_OK, result.output
    return path


def _json(*args: str | Path) -> list[dict]:
    result = runner.invoke(app, ["match", *map(str, args), "--json"])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"segments"}
    for seg in data["segments"]:
        assert set(seg) >= SEGMENT_KEYS
        for m in seg["matches"]:
            assert set(m) >= MATCH_KEYS
        for t in seg["terms"]:
            assert set(t) >= TERM_KEYS
    return data["segments"]


def _segment(segments: list[dict], start: str) -> dict:
    return next(s for s in segments if s["text"].startswith(start))


def test_match_json_verbatim_placeable_edited_new(memory: Path) -> None:
    segments = _json(DRAFT, "--memory", memory, "--target-lang", "fr")
    verbatim = _segment(segments, "We eagerly await")["matches"][0]
    assert verbatim["score"] >= 100
    assert verbatim["band"] == "100"
    assert set(verbatim["targets"]) == {"fr"}

    placeable = _segment(segments, "Armenia's actions clearly contravene Article 27")["matches"][0]
    assert (placeable["score"], placeable["kind"]) == (99, "placeable")
    assert "article 27" in placeable["substituted"]["fr"]
    assert "[-26-]{+27+}" in placeable["diff"]

    edited = _segment(segments, "As a result of ethnic cleansing")["matches"][0]
    assert 75 <= edited["score"] < 99
    assert "Armenia's ethnic cleansing" in edited["source"]

    new = _segment(segments, "The Committee adopted")
    assert all(m["score"] < 75 for m in new["matches"])

    terms = _segment(segments, "The Secretary-General will submit")["terms"]
    assert any(t["concept"] and t["equivalents"] == {"fr": "Secrétaire général"} for t in terms), (
        terms
    )


def test_match_all_languages_top_and_min_score(memory: Path) -> None:
    segments = _json(DRAFT, "-m", memory, "--top", "1", "--min-score", "75")
    assert all(len(s["matches"]) <= 1 for s in segments)
    assert all(m["score"] >= 75 for s in segments for m in s["matches"])
    top = _segment(segments, "We eagerly await")["matches"][0]
    assert {"fr", "es"} <= set(top["targets"])


def test_match_report_is_readable(memory: Path) -> None:
    result = runner.invoke(app, ["match", str(DRAFT), "-m", str(memory), "-t", "fr"])
    assert result.exit_code == EXIT_OK, result.output
    assert "99% 95-99 placeable" in result.stdout
    assert "no match: 4" in result.stdout  # the analysis line: the draft's four new sentences
    assert "{+27+}" in result.stdout
    assert "no match" in result.stdout


def test_pretranslate_writes_bilingual_tmx(memory: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.fr.tmx"
    result = runner.invoke(
        app, ["pretranslate", str(DRAFT), "-m", str(memory), "-t", "fr", "-o", str(out)]
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "left to translate" in result.stdout
    units = list(read_tmx(out))
    assert units
    for unit in units:
        assert unit.text("en")
        assert unit.text("fr")
        assert float(dict(unit.props)["x-match-score"]) >= 95
    texts = [unit.text("fr") or "" for unit in units]
    assert any("article 27" in text for text in texts)  # placeable substituted


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["match", "missing.en.md", "-m", "{memory}"], EXIT_BAD_INPUT, "missing.en.md"),
        (["match", str(DRAFT), "-m", "{tmp}/none.sqlite"], EXIT_BAD_INPUT, "no memory at"),
        (["match", str(DRAFT), "-m", "{memory}", "-t", "f!r"], EXIT_BAD_INPUT, "language"),
        (["match", str(DRAFT), "-m", "{memory}", "-t", "de"], EXIT_BAD_INPUT, "no text in 'de'"),
        (
            ["pretranslate", str(DRAFT), "-m", "{memory}", "-t", "zh", "-o", "{tmp}/o.tmx"],
            EXIT_BAD_INPUT,
            "no text in 'zh'",
        ),
        (["match", str(DRAFT), "-m", "{memory}", "--top", "0"], 2, "top"),
        (["match", "{tmp}/empty.en.md", "-m", "{memory}"], EXIT_BAD_INPUT, "empty"),
        (["match", str(DRAFT), "-m", "{tmp}/junk.sqlite"], EXIT_STORE, "junk.sqlite"),
        (["pretranslate", str(DRAFT), "-m", "{memory}", "-o", "{tmp}/o.tmx"], 2, "target-lang"),
    ],
)
def test_bad_input_one_line_and_exit_code(
    memory: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "empty.en.md").write_text("", encoding="utf-8")
    (tmp_path / "junk.sqlite").write_bytes(b"not a database at all, just bytes" * 40)
    args = [a.format(memory=memory, tmp=tmp_path) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert message.lower() in result.output.lower()
    assert "Traceback" not in result.output


def test_user_glossary_is_added_to_the_shipped_one(memory: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "mine.csv"
    glossary.write_text("id,en,fr\nX-1,closing meeting,séance de clôture\n", encoding="utf-8")
    segments = _json(DRAFT, "-m", memory, "-t", "fr", "--glossary", glossary)
    terms = _segment(segments, "The Committee adopted")["terms"]
    mine = [t for t in terms if t["concept"] == "X-1"]
    assert [(t["text"], t["equivalents"]) for t in mine] == [
        ("closing meeting", {"fr": "séance de clôture"})
    ]


def test_broken_user_glossary_is_one_line(memory: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "broken.tbx"
    glossary.write_text("<martif><text><body><termEntry", encoding="utf-8")
    result = runner.invoke(
        app, ["match", str(DRAFT), "-m", str(memory), "--glossary", str(glossary)]
    )
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "broken.tbx" in result.output
    assert "Traceback" not in result.output


_OWN_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence"
 o-tmf="test" adminlang="en" srclang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>Letter dated 12 September 2023.</seg></tuv>
<tuv xml:lang="fr"><seg>Lettre datée du 12 septembre 2023.</seg></tuv></tu>
<tu><prop type="x-align-suspect">yes</prop>
<tuv xml:lang="en"><seg>The report is annexed.</seg></tuv>
<tuv xml:lang="fr"><seg>Le rapport est joint.</seg></tuv></tu>
<tu segtype="paragraph">
<tuv xml:lang="en"><seg>Armenia refuses a dialogue. It ignores our calls.</seg></tuv>
<tuv xml:lang="fr"><seg>L'Arménie refuse tout dialogue et ignore nos appels.</seg></tuv></tu>
</body></tmx>
"""
# our own sentences, not official UN text
_OWN_DRAFT = (
    "Letter dated 12 October 2023.\n\nThe report is annexed.\n\n"
    "Armenia refuses a dialogue. It ignores our calls.\n"
)


@pytest.fixture
def own(tmp_path: Path) -> tuple[Path, Path]:
    """A memory with a dated letter, a suspect unit and a merged two-sentence unit; a draft."""
    (tmp_path / "own.tmx").write_text(_OWN_TMX, encoding="utf-8")
    path = tmp_path / "own.sqlite"
    result = runner.invoke(app, ["import", str(tmp_path / "own.tmx"), "--memory", str(path)])
    assert result.exit_code == EXIT_OK, result.output
    draft = tmp_path / "draft.en.md"
    draft.write_text(_OWN_DRAFT, encoding="utf-8")
    return path, draft


def test_match_shows_changed_month_and_suspect_beads(own: tuple[Path, Path]) -> None:
    memory, draft = own
    segments = _json(draft, "--memory", memory, "-t", "fr")
    month = _segment(segments, "Letter dated")["matches"][0]
    assert month["kind"] == "placeable"
    assert month["changes"] == [
        {
            "old": "12 September 2023",
            "new": "12 October 2023",
            "kind": "date",
            "month_changed": True,
        }
    ]
    assert month["substituted"] == {}
    assert _segment(segments, "The report")["matches"][0]["suspect"] is True
    assert month["suspect"] is False
    human = runner.invoke(app, ["match", str(draft), "--memory", str(memory), "-t", "fr"]).output
    assert "month changed" in human
    assert "SUSPECT" in human


def test_pretranslate_fills_no_target_twice(own: tuple[Path, Path], tmp_path: Path) -> None:
    memory, draft = own
    out = tmp_path / "draft.en-fr.tmx"
    args = ["pretranslate", str(draft), "-m", str(memory), "-t", "fr", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    # the month changed (left), the suspect unit (filled, flagged), the merged unit: its
    # target fills the first of its two sentences only
    assert "2 segments filled from the memory, 2 left to translate" in result.output
    units = list(read_tmx(out))
    targets = [u.text("fr") for u in units]
    assert targets == [
        "Le rapport est joint.",
        "L'Arménie refuse tout dialogue et ignore nos appels.",
    ]
    assert dict(units[0].props)["x-align-suspect"] == "yes"
