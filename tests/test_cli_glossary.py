"""``untm query``, ``untm terms`` and ``untm glossary ...`` through typer's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.sources import compact_source
from glossaries import load_shipped
from tm.models import Unit, Variant

runner = CliRunner()
G = load_shipped()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNTM_HOME", str(tmp_path / "home"))


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.stdout, result.stderr


def _reference(shared_data: Path) -> dict[str, dict[str, str]]:
    """The preferred full name per concept and language, read from treaty_terms.tsv itself."""
    path = shared_data / "terms" / "treaty_terms.tsv"
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["status"] == "preferred" and row["category"] != "abbreviation":
                out.setdefault(row["id"], {}).setdefault(row["lang"], row["term"])
    return out


def test_query_every_english_name_gives_the_six_preferred_forms(shared_data: Path) -> None:
    reference = _reference(shared_data)
    assert len(reference) == 72  # revision 2
    for concept, names in reference.items():
        code, out, err = _run("query", names["en"], "--json", "--limit", "1")
        assert code == 0, err
        (result,) = json.loads(out)["results"]
        assert result["id"] == concept
        assert result["score"] == 100.0
        assert result["preferred"] == names, concept


def test_query_human_output_and_language_filter() -> None:
    code, out, _ = _run("query", "PIDCP", "--lang", "fr", "--limit", "1")
    assert code == 0
    assert "INS-ICCPR" in out
    assert "Pacte international relatif aux droits civils et politiques" in out


def test_query_shows_each_terms_source_in_a_few_words() -> None:
    code, out, _ = _run("query", "PIDCP", "--lang", "fr", "--limit", "1")
    assert code == 0
    assert "source" in out
    assert "un.org" in out  # the French preferred name: http://www.un.org/french/...
    assert "ohchr.org (archived)" in out  # English: a web.archive.org copy of ohchr.org
    assert "http" not in out  # whole sources: --json and glossary show


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (None, ""),
        ("", ""),
        ("http://www.un.org/french/millenaire/law/4.htm", "un.org"),
        ("https://news.un.org/fr/story/2010/10/199832 ; https://www.ohchr.org/x", "un.org +1"),
        ("https://hchr.org.mx/puntal/a (OHCHR Mexico office)", "hchr.org.mx"),
        (
            "http://web.archive.org./web/20170210/http://www.ohchr.org/EN/a.aspx",
            "ohchr.org (archived)",
        ),
        (
            "no source seen in this session (own knowledge) [lower-case]",
            "no source seen in this session",
        ),
        ("GitHub code (find_string hits) - not an official source ; x", "GitHub code +1"),
        (
            "see the report of the Committee on its forty-second session",
            "see the report of the Committee …",
        ),
    ],
)
def test_compact_sources(source: str | None, shown: str) -> None:
    assert compact_source(source) == shown


def test_query_without_match_exits_1() -> None:
    code, _, err = _run("query", "zzzz qqqq xxxx")
    assert code == 1
    assert "no glossary concept matches" in err


def test_query_bad_language_exits_2() -> None:
    code, _, err = _run("query", "ICCPR", "--lang", "english!")
    assert code == 2
    assert "not a language code" in err


def test_terms_in_the_russian_letter(shared_data: Path) -> None:
    letter = shared_data / "letter" / "ru" / "letter.ru.md"
    code, out, _ = _run("terms", str(letter), "--json")
    assert code == 0
    hits = json.loads(out)
    iccpr = [h for h in hits if h["concept"] == "INS-ICCPR"]
    assert any(
        h["text"] == "Международного пакта о гражданских и политических правах" for h in iccpr
    )
    assert all(h["equivalents"]["en"].startswith("International Covenant") for h in iccpr)
    code, out, _ = _run("terms", str(letter))
    assert code == 0
    assert "not in the preferred form" in out


def test_terms_errors(tmp_path: Path) -> None:
    code, _, err = _run("terms", str(tmp_path / "missing.en.md"))
    assert code == 2
    assert "missing.en.md" in err
    nolang = tmp_path / "draft.md"
    nolang.write_text("The Security Council met.", encoding="utf-8")
    code, _, err = _run("terms", str(nolang))
    assert code == 2
    code, out, _ = _run("terms", str(nolang), "--lang", "en", "--json")
    assert code == 0
    assert [h["concept"] for h in json.loads(out)] == ["BOD-SC"]


def test_glossary_list_and_show() -> None:
    code, out, _ = _run("glossary", "list", "--json")
    assert code == 0
    assert len(json.loads(out)) == len(G)
    code, out, _ = _run("glossary", "list", "--lang", "fr")
    assert "Conseil de sécurité" in out
    code, out, _ = _run("glossary", "show", "INS-UDHR", "--json")
    assert json.loads(out)["preferred"]["es"] == "Declaración Universal de Derechos Humanos"
    code, out, _ = _run("glossary", "show", "INS-UDHR")
    assert code == 0
    assert "deprecated" in out


def test_glossary_show_unknown_exits_2() -> None:
    code, _, err = _run("glossary", "show", "INS-UDH")
    assert code == 2
    assert "INS-UDHR" in err


@pytest.mark.parametrize(
    ("fmt", "name"), [("tbx", "un.tbx"), ("tbx2", "un2.tbx"), ("csv", "un.csv")]
)
def test_export_then_import_round_trips(tmp_path: Path, fmt: str, name: str) -> None:
    out = tmp_path / name
    code, stdout, err = _run("glossary", "export", "--format", fmt, "-o", str(out))
    assert code == 0, err
    assert "Wrote" in stdout
    code, stdout, err = _run("glossary", "import", str(out))
    assert code == 0, err
    assert f"Imported {len(G)} concepts" in stdout
    stored = tmp_path / "home" / "glossaries" / f"{out.stem}.tsv"
    assert stored.is_file()
    code, stdout, _ = _run("glossary", "list", "--json")
    assert len(json.loads(stdout)) == len(G)  # same ids: pooled, not duplicated


def test_import_adds_user_concepts_everywhere(tmp_path: Path) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("Convention on Biological Diversity\tConvention sur la diversité biologique\n")
    code, _, err = _run("glossary", "import", str(mine))
    assert code == 2
    assert "--source-lang" in err
    code, _, err = _run(
        "glossary", "import", str(mine), "--source-lang", "en", "--target-lang", "fr"
    )
    assert code == 0, err
    code, out, _ = _run("query", "Convention on Biological Diversity", "--json", "--limit", "1")
    assert (
        json.loads(out)["results"][0]["preferred"]["fr"] == "Convention sur la diversité biologique"
    )
    draft = tmp_path / "draft.fr.md"
    draft.write_text("Les Parties à la Convention sur la diversité biologique.", encoding="utf-8")
    code, out, _ = _run("terms", str(draft), "--json")
    assert [h["concept"] for h in json.loads(out)] == ["mine-1"]
    code, _, err = _run(
        "glossary", "import", str(mine), "--source-lang", "en", "--target-lang", "fr"
    )
    assert code == 0
    assert "mine.tsv replaces your earlier glossary of that name" in err


def test_glossary_option_on_each_command(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("id,en,fr\nX-PA,Paris Agreement,Accord de Paris\n", encoding="utf-8")
    code, out, _ = _run("query", "Paris Agreement", "--glossary", str(extra), "--json")
    assert json.loads(out)["results"][0]["id"] == "X-PA"
    code, out, _ = _run("glossary", "show", "X-PA", "--glossary", str(extra), "--json")
    assert code == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary")
    code, _, err = _run("glossary", "list", "--glossary", str(bad))
    assert code == 2
    assert "binary" in err


def test_export_errors(tmp_path: Path) -> None:
    code, _, err = _run("glossary", "export", "--format", "omegat", "-o", str(tmp_path / "x.txt"))
    assert code == 2
    assert "--target-lang" in err
    code, _, err = _run(
        "glossary",
        "export",
        "--format",
        "omegat",
        "--target-lang",
        "fr",
        "-o",
        str(tmp_path / "x.tsv"),
    )
    assert code == 2
    assert "ignores" in err
    code, _, err = _run("glossary", "export", "--format", "tbx", "-o", str(tmp_path / "no" / "x"))
    assert code == 2
    assert "does not exist" in err
    code, _, _ = _run("glossary", "export", "--format", "pdf", "-o", str(tmp_path / "x"))
    assert code == 2


def test_export_omegat(tmp_path: Path) -> None:
    out = tmp_path / "un.utf8"
    code, stdout, _ = _run(
        "glossary", "export", "--format", "omegat", "--target-lang", "ar", "-o", str(out)
    )
    assert code == 0
    assert "lines" in stdout
    assert "العهد الدولي الخاص بالحقوق المدنية والسياسية" in out.read_text(encoding="utf-8")


def test_extract_from_a_memory(tmp_path: Path) -> None:
    from tm.memory import Memory

    pairs = [
        (
            "The Convention on Biological Diversity entered into force.",
            "La Convention sur la diversité biologique est entrée en vigueur.",
        ),
        (
            "Parties to the Convention on Biological Diversity met.",
            "Les Parties à la Convention sur la diversité biologique se sont réunies.",
        ),
        ("The Security Council met.", "Le Conseil de sécurité s'est réuni."),
    ]
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(Unit((Variant("en", a), Variant("fr", b))) for a, b in pairs)
    code, out, err = _run("glossary", "extract", "--memory", str(path), "--json")
    assert code == 0, err
    (candidate,) = json.loads(out)
    assert candidate["text"] == "Convention on Biological Diversity"
    assert candidate["count"] == 2
    assert candidate["equivalents"]["fr"][0][0] == "Convention sur la diversité biologique"
    code, out, _ = _run("glossary", "extract", "--memory", str(path))
    assert "Convention sur la diversité biologique" in out


def test_extract_missing_memory_exits_2(tmp_path: Path) -> None:
    code, _, err = _run("glossary", "extract", "--memory", str(tmp_path / "none.sqlite"))
    assert code == 2
    assert "no memory at" in err
    assert "none.sqlite" in err
