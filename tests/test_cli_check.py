"""``untm check`` end to end: drafts, translations, TMX and PO, JSON, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli._errors import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_OK
from cli.main import app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"
KEYS = {
    "rule",
    "severity",
    "segment",
    "source",
    "target",
    "found",
    "expected",
    "message",
    # the glossary concept at issue, and the confidence and source of its expected form
    "concept",
    "confidence",
    "glossary_source",
}

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_glossaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Glossaries imported by the person running the tests must not change the findings."""
    monkeypatch.setenv("UNTM_HOME", str(tmp_path / "home"))


def _run(*args: str | Path):
    return runner.invoke(app, ["check", *map(str, args)])


def _issues(result) -> list[dict]:
    data = json.loads(result.stdout)
    assert set(data) == {"issues"}
    for issue in data["issues"]:
        assert set(issue) == KEYS
    return data["issues"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_draft_exits_zero(tmp_path: Path) -> None:
    draft = _write(
        tmp_path / "draft.en.md",
        "The Secretary-General cited the International Covenant on Civil and Political Rights.\n",
    )
    result = _run(draft)
    assert result.exit_code == EXIT_OK, result.output
    assert "No terminology problems" in result.stdout


def test_deprecated_form_fails_and_suggests(tmp_path: Path) -> None:
    draft = _write(tmp_path / "draft.en.md", "I send a copy to the Secretary General.\n")
    result = _run(draft)
    assert result.exit_code == EXIT_FOUND
    assert "Segment 1" in result.stdout  # people count from 1
    assert "Secretary-General" in result.stdout


def test_json_and_fail_on_warning(tmp_path: Path) -> None:
    draft = _write(
        tmp_path / "draft.en.md",
        "The ICCPR applies. The International Covenant on Civil and Political Rights applies.\n",
    )
    result = _run(draft, "--json")
    issues = _issues(result)
    assert [(i["rule"], i["severity"]) for i in issues] == [
        ("abbreviation-not-introduced", "warning")
    ]
    assert result.exit_code == EXIT_OK  # only a warning; the default threshold is error
    assert _run(draft, "--json", "--fail-on", "warning").exit_code == EXIT_FOUND


def test_letter_reports_its_real_deviations(shared_data: Path) -> None:
    result = _run(shared_data / "letter" / "letter.en.md", "--json")
    assert result.exit_code == EXIT_FOUND
    found = {issue["found"] for issue in _issues(result)}
    assert "Secretary General" in found
    assert any("Social, and Cultural" in f for f in found)
    assert any("Against Women" in f for f in found)
    # Official names in the letter are not reported.
    assert not any(f.startswith("Universal Declaration") for f in found)
    assert not any(f.startswith("International Covenant on Civil") for f in found)


def test_translation_against_source() -> None:
    result = _run(FIXTURES / "planted.en.md", "--target", FIXTURES / "planted.fr.md", "--json")
    assert result.exit_code == EXIT_FOUND
    rules = {issue["rule"] for issue in _issues(result)}
    assert {"number-mismatch", "deprecated-term", "untranslated"} <= rules


def test_tmx_units(tmp_path: Path) -> None:
    tmx = _write(
        tmp_path / "memory.tmx",
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
 o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>Article 26 of the International Covenant on Civil and Political
 Rights.</seg></tuv><tuv xml:lang="fr"><seg>L'article 27 du Pacte international relatif aux
 droits civils et politiques.</seg></tuv></tu>
</body></tmx>
""",
    )
    issues = _issues(_run(tmx, "--json"))
    assert [(i["rule"], i["found"], i["expected"]) for i in issues] == [
        ("number-mismatch", "27", "26")
    ]


def test_po_units(tmp_path: Path) -> None:
    po = _write(
        tmp_path / "letter.po",
        """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The Secretary-General received the letter today."
msgstr "The Secretary-General received the letter today."
""",
    )
    result = _run(po, "--json")
    assert result.exit_code == EXIT_FOUND
    assert [i["rule"] for i in _issues(result)] == ["untranslated"]


def test_user_glossary_adds_terms(tmp_path: Path) -> None:
    terms = _write(
        tmp_path / "mine.csv",
        "id,lang,term,status\nX-HRC,en,Human Rights Committee,preferred\n"
        "X-HRC,en,UN Human Rights Committee,deprecated\n",
    )
    draft = _write(tmp_path / "draft.en.md", "They wrote to the UN Human Rights Committee.\n")
    issues = _issues(_run(draft, "--glossary", terms, "--json"))
    assert [(i["rule"], i["expected"]) for i in issues] == [
        ("deprecated-term", "Human Rights Committee")
    ]


def test_unreadable_glossary_is_bad_input(tmp_path: Path) -> None:
    draft = _write(tmp_path / "draft.en.md", "Text.\n")
    empty = _write(tmp_path / "empty.csv", "")
    result = _run(draft, "--glossary", empty)
    assert result.exit_code == EXIT_BAD_INPUT
    assert "empty" in result.output


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = _run(tmp_path / "nowhere.en.md")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "untm: error" in result.output


def test_target_lang_without_target(tmp_path: Path) -> None:
    draft = _write(tmp_path / "draft.en.md", "Text.\n")
    result = _run(draft, "--target-lang", "fr")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--target" in result.output


def test_translation_in_another_language_than_said() -> None:
    result = _run(
        FIXTURES / "planted.en.md",
        "--target",
        FIXTURES / "planted.fr.md",
        "--target-lang",
        "zh",
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "script" in result.output


def test_draft_without_language(tmp_path: Path) -> None:
    draft = _write(tmp_path / "draft.md", "Text.\n")
    result = _run(draft)
    assert result.exit_code == EXIT_BAD_INPUT


def test_tmx_with_several_targets_needs_target_lang(tmp_path: Path) -> None:
    tmx = _write(
        tmp_path / "three.tmx",
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
 o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>Hello there, my friend.</seg></tuv>
<tuv xml:lang="fr"><seg>Bonjour, mon ami.</seg></tuv>
<tuv xml:lang="es"><seg>Hola, amigo mío.</seg></tuv></tu>
</body></tmx>
""",
    )
    result = _run(tmx)
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--target-lang" in result.output
    assert _run(tmx, "--target-lang", "es").exit_code == EXIT_OK


@pytest.mark.parametrize("bad", ["--fail-on=never", "--json=maybe"])
def test_bad_options_are_usage_errors(tmp_path: Path, bad: str) -> None:
    draft = _write(tmp_path / "draft.en.md", "Text.\n")
    assert _run(draft, bad).exit_code == 2
