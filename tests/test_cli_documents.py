"""``untm documents``, ``untm remove``, ``untm build --document`` and ``untm import
--keep-regions`` through the CLI, on our own test documents (tests/fixtures/documents)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from cli.main import app

runner = CliRunner()
DOCS = Path(__file__).parent / "fixtures" / "documents"


def _run(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def test_build_list_rebuild_and_remove(memory_target: str, tmp_path: Path) -> None:
    store = memory_target
    res = [DOCS / f"resolution.{lang}.md" for lang in ("en", "fr", "es")]
    result = _run("build", *res, "--memory", store, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    result = _run("build", DOCS / "nosymbol.en.md", DOCS / "nosymbol.fr.md", "-m", store)
    assert "New document nosymbol.en.md#" in result.stdout
    note = json.loads(_run("documents", "--memory", store, "--json").stdout)[1]["units"]
    result = _run("build", res[0], res[1], "--memory", store)
    out = " ".join(result.stdout.split())
    assert f"Rebuilt A/RES/99/101: added 0, replaced {rows}, kept 0" in out
    assert "Kept as they were: es." in out
    assert f"{note} other unit(s) of the memory are untouched" in out

    listed = json.loads(_run("documents", "--memory", store, "--json").stdout)
    assert [(d["id"], d["units"], d["languages"]) for d in listed] == [
        ("A/RES/99/101", rows, ["en", "es", "fr"]),
        (listed[1]["id"], note, ["en", "fr"]),
    ]
    assert listed[1]["id"].startswith("nosymbol.en.md#")
    assert listed[0]["title"] == "99/101. Cooperation on water and sanitation"
    assert listed[0]["files"] == ["resolution.en.md", "resolution.fr.md", "resolution.es.md"]

    result = _run("remove", "A/RES/99/101", "--lang", "es", "--memory", store)
    out = " ".join(result.stdout.split())
    assert f"Removed es from A/RES/99/101: {rows} text(s); 0 unit(s) went" in out
    result = _run("remove", "nosymbol.en.md", "--memory", store, "--json")
    assert json.loads(result.stdout)["units_removed"] == note
    result = _run("documents", "--memory", store)
    assert "A/RES/99/101" in result.stdout
    assert "nosymbol" not in result.stdout


def test_build_document_names_the_document(memory_target: str, tmp_path: Path) -> None:
    store = memory_target
    args = [DOCS / "nosymbol.en.md", DOCS / "nosymbol.fr.md", "-m", store]
    assert _run("build", *args, "--document", "E/2025/NOTE/1").exit_code == 0
    listed = json.loads(_run("documents", "-m", store, "--json").stdout)
    assert [d["id"] for d in listed] == ["E/2025/NOTE/1"]


def test_unknown_document_exits_2(memory_target: str, tmp_path: Path) -> None:
    store = memory_target
    _run("build", DOCS / "nosymbol.en.md", DOCS / "nosymbol.fr.md", "-m", store)
    result = _run("remove", "A/RES/1/1", "-m", store)
    assert result.exit_code == 2
    assert "no document named 'A/RES/1/1'" in result.stderr
    assert "Traceback" not in result.output


def test_import_keep_regions_flag(memory_target: str, tmp_path: Path) -> None:
    store = memory_target
    _run("build", DOCS / "nosymbol.en.md", DOCS / "nosymbol.fr.md", "-m", store)
    csv = tmp_path / "new.csv"
    csv.write_text("en-US,fr-FR\nThe meeting rose.,La séance est levée.\n", encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("en-US,fr-FR\nIt rose.,Elle est levée.\n", encoding="utf-8")
    assert _run("import", csv, "-m", store).exit_code == 0
    assert _run("import", other, "-m", store, "--keep-regions").exit_code == 0
    stats = json.loads(_run("stats", "-m", store, "--json").stdout)
    assert stats["languages"] == {"en": 4, "en-US": 1, "fr": 4, "fr-FR": 1}


def test_match_follows_build_rebuild_and_remove(memory_target: str, tmp_path: Path) -> None:
    """The match index follows each change of a document: built, rebuilt with fewer
    languages, removed; each next match is what a fresh index gives."""
    from tm import index_rows, live_index
    from tm.match import Matcher
    from tm.memory import Memory

    store = memory_target
    res = [DOCS / f"resolution.{lang}.md" for lang in ("en", "fr", "es")]
    sentence = "Calls upon States to improve access to safe drinking water and sanitation;"

    def best() -> list[tuple[str, float]]:
        with Memory.open(store, create=False) as memory:
            found = Matcher(memory).lookup(sentence, min_score=60)
            rows = list(index_rows.unit_rows(memory.sources("en"), "en"))
            fresh = live_index.in_ram(memory.units_with_ids(langs=["en"]), "en")
            assert len(fresh) == len(rows)
            expected = fresh.search(sentence, top=3, min_score=60)
            assert [round(s, 6) for *_, s in expected] == [
                round(s, 6) for *_, s in Matcher(memory).index().search(sentence, min_score=60)
            ]
        return [(m.kind, m.score) for m in found]

    assert _run("build", *res, "--memory", store).exit_code == 0
    built = best()
    assert built[0][1] >= 90  # the draft lacks the paragraph number
    assert _run("build", res[0], res[1], "--memory", store).exit_code == 0
    assert best() == built
    result = _run("remove", "A/RES/99/101", "--memory", store)
    assert result.exit_code == 0, result.output
    assert best() == []
