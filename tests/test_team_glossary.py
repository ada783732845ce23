"""A team's glossaries stored with the memory (``untm glossary import --memory``): used by every
command and server using that memory, on either backend, and carried by ``untm copy``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from server.app import create_app
from tm import access
from tm.memory import Memory
from tm.models import Unit, Variant

runner = CliRunner()
# our own test entries (not official UN terminology)
TEAM = (
    "id\tcategory\tlang\tterm\tabbreviation\tstatus\tconfidence\tsource\tnote\tconcept_note\n"
    "team-1\torgan\ten\tWorking Group on Quiet Seas\tWGQS\tpreferred\t\t\t\t\n"
    "team-1\torgan\tfr\tGroupe de travail sur les mers calmes\tGTMC\tpreferred\t\t\t\t\n"
)


def _run(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def team(memory_target: str, tmp_path: Path) -> tuple[str, Path]:
    """A memory with a unit, and our glossary file beside it."""
    with Memory.open(memory_target) as memory:
        memory.add([Unit((Variant("en", "The seas are quiet."), Variant("fr", "Mers calmes.")))])
    path = tmp_path / "team.tsv"
    path.write_text(TEAM, encoding="utf-8")
    return memory_target, path


def _ids(result: Result) -> list[str]:
    assert result.exit_code in (0, 1), result.stderr
    return [hit["id"] for hit in json.loads(result.stdout)["results"]]


def _fr(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [hit["preferred"].get("fr") for hit in json.loads(result.stdout)["results"]]


def test_a_glossary_kept_with_the_memory_is_used_by_its_users_only(team: tuple[str, Path]) -> None:
    memory, path = team
    done = _run("glossary", "import", path, "--memory", memory)
    assert done.exit_code == 0, done.stderr
    assert "into the memory" in done.stdout
    query = ("query", "Working Group on Quiet Seas", "--json", "--limit", "1")
    assert _fr(_run(*query, "--memory", memory)) == ["Groupe de travail sur les mers calmes"]
    # not a user glossary: a command without the memory does not see it
    assert "team-1" not in _ids(_run(*query))
    again = _run("glossary", "import", path, "--memory", memory)
    assert "replaces the memory's earlier glossary" in again.stderr
    shown = _run("glossary", "show", "team-1", "--memory", memory, "--json")
    assert json.loads(shown.stdout)["preferred"]["en"] == "Working Group on Quiet Seas"


def test_match_and_check_with_the_memory_use_its_glossary(
    team: tuple[str, Path], tmp_path: Path
) -> None:
    memory, path = team
    assert _run("glossary", "import", path, "-m", memory).exit_code == 0
    draft = tmp_path / "draft.en.md"
    draft.write_text("The Working Group on Quiet Seas met.\n", encoding="utf-8")
    matched = _run("match", draft, "-m", memory, "--json")
    assert matched.exit_code == 0, matched.stderr
    terms = [t["concept"] for s in json.loads(matched.stdout)["segments"] for t in s["terms"]]
    assert "team-1" in terms
    target = tmp_path / "draft.fr.md"
    target.write_text("Le Groupe de travail s'est réuni.\n", encoding="utf-8")
    args = ("check", draft, "--target", target, "--json")
    with_team = json.loads(_run(*args, "-m", memory).stdout)["issues"]
    without = json.loads(_run(*args).stdout)["issues"]
    assert any(f.get("concept") == "team-1" for f in with_team)
    assert not any(f.get("concept") == "team-1" for f in without)


def test_removing_a_memory_glossary(team: tuple[str, Path]) -> None:
    memory, path = team
    assert _run("glossary", "import", path, "-m", memory).exit_code == 0
    missing = _run("glossary", "remove", "other", "-m", memory)
    assert missing.exit_code == 2
    assert "its glossaries: team" in missing.stderr
    assert _run("glossary", "remove", "team", "-m", memory).exit_code == 0
    assert "team-1" not in _ids(
        _run("query", "Working Group on Quiet Seas", "-m", memory, "--json")
    )


def test_a_glossary_that_is_not_one_is_refused_and_nothing_is_stored(
    team: tuple[str, Path], tmp_path: Path
) -> None:
    memory, _ = team
    broken = tmp_path / "broken.tbx"
    broken.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    refused = _run("glossary", "import", broken, "-m", memory)
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    with Memory.open(memory, create=False) as store:
        assert not store.glossary_stamps()


def test_copy_carries_the_glossaries(team: tuple[str, Path], tmp_path: Path) -> None:
    memory, path = team
    assert _run("glossary", "import", path, "-m", memory).exit_code == 0
    copied = tmp_path / "copy.sqlite"
    done = _run("copy", memory, copied, "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["glossaries"] == 1
    query = ("query", "Working Group on Quiet Seas", "--json", "--limit", "1", "-m", copied)
    assert _fr(_run(*query)) == ["Groupe de travail sur les mers calmes"]


def test_the_server_uses_a_glossary_imported_after_it_started(team: tuple[str, Path]) -> None:
    memory, path = team
    with Memory.open(memory, create=False) as store:
        token = access.add_token(store, "reader", "reader")[1]
    client = TestClient(create_app(memory))
    headers = {"Authorization": f"Bearer {token}"}
    ask = {"q": "Working Group on Quiet Seas", "limit": 1}
    before = client.get("/api/terms", params=ask, headers=headers).json()["results"]
    assert not before or before[0]["id"] != "team-1"
    assert _run("glossary", "import", path, "-m", memory).exit_code == 0
    after = client.get("/api/terms", params=ask, headers=headers).json()["results"]
    assert after[0]["id"] == "team-1"
