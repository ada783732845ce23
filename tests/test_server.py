"""The HTTP API (server/): in-process through Starlette's test client, against the CLI's JSON.

Each endpoint answers what the matching ``untm ... --json`` prints for the same input; every
endpoint but /api/health refuses requests without a valid token (401) or with a role too low
(403); bad input is a 4xx with a one-line message, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pgcluster import new_database
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app as cli
from server.app import create_app
from server.service import Limits
from tm import access
from tm.memory import Memory

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letter"
RESOLUTION = ROOT / "tests" / "fixtures" / "reference"
DRAFT = (
    "The General Assembly recalls the International Covenant on Civil and Political Rights.\n\n"
    "These actions also stand in stark contradiction to the commitments outlined in various "
    "international conventions, including the International Covenant on Economic, Social and "
    "Cultural Rights and, most significantly, the Convention on the Elimination of All Forms of "
    "Racial Discrimination."
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str, dict[str, str]]]:
    """The letter (en, fr, zh) served from a memory in SQLite, then in PostgreSQL."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            memory = str(tmp_path_factory.mktemp("served") / "letter.sqlite")
        else:
            memory = stack.enter_context(new_database(request.getfixturevalue("postgres_admin")))
        files = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "fr", "zh")]
        result = CliRunner().invoke(cli, ["build", *files, "-m", memory])
        assert result.exit_code == 0, result.output
        tokens = {}
        with Memory.open(memory, create=False) as store:
            for role in access.ROLES:
                tokens[role] = access.add_token(store, f"test {role}", role)[1]
        client = TestClient(create_app(memory, limits=Limits(body_bytes=64 * 1024)))
        yield client, memory, tokens


def _auth(tokens: dict[str, str], role: str = "reader") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def _cli_json(*args: str) -> object:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


ENDPOINTS = [
    ("GET", "/api/terms?q=ICCPR"),
    ("GET", "/api/concordance?q=Covenant"),
    ("POST", "/api/match"),
    ("POST", "/api/check"),
    ("GET", "/api/stats"),
    ("GET", "/api/export"),
    ("GET", "/api/documents"),
    ("POST", "/api/documents"),
    ("DELETE", "/api/documents/letter"),
    ("GET", "/api/tokens"),
    ("POST", "/api/tokens"),
    ("DELETE", "/api/tokens/abc"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Bearer untm_dead_beef", "Basic abc", "Bearer "])
def test_every_endpoint_needs_a_valid_token(
    served: tuple[TestClient, str, dict[str, str]], method: str, path: str, header: str | None
) -> None:
    client, _, _ = served
    headers = {} if header is None else {"Authorization": header}
    response = client.request(method, path, headers=headers, json={"text": "x"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["message"]


def test_health_needs_no_token(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, memory, _ = served
    with Memory.open(memory, create=False) as store:
        revision = store.revision()
    assert client.get("/api/health").json() == {"status": "ok", "revision": revision}


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_an_admin_manages_tokens(
    served: tuple[TestClient, str, dict[str, str]], role: str
) -> None:
    client, _, tokens = served
    for method, path in (("GET", "/api/tokens"), ("POST", "/api/tokens")):
        response = client.request(method, path, headers=_auth(tokens, role), json={"name": "x"})
        assert response.status_code == 403
        assert "needs the admin role" in response.json()["error"]["message"]


def test_admin_adds_and_revokes_a_token(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, tokens = served
    made = client.post(
        "/api/tokens", headers=_auth(tokens, "admin"), json={"name": "new", "role": "reader"}
    )
    assert made.status_code == 201
    secret = made.json()["token"]
    assert (
        client.get("/api/stats", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    listed = client.get("/api/tokens", headers=_auth(tokens, "admin")).json()
    assert made.json()["id"] in {t["id"] for t in listed}
    assert all("token" not in t and "sha256" not in t for t in listed)
    gone = client.delete(f"/api/tokens/{made.json()['id']}", headers=_auth(tokens, "admin"))
    assert gone.status_code == 200
    assert (
        client.get("/api/stats", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_terms_as_query_json(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, tokens = served
    response = client.get(
        "/api/terms",
        params={"q": "Covenant on Civil and Political Rights", "limit": 3},
        headers=_auth(tokens),
    )
    assert response.status_code == 200
    assert response.json() == _cli_json("query", "Covenant on Civil and Political Rights")
    six = response.json()["results"][0]["preferred"]
    assert set(six) == {"ar", "en", "es", "fr", "ru", "zh"}


def test_concordance_as_cli_json(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, memory, tokens = served
    response = client.get(
        "/api/concordance", params={"q": "Covenant", "lang": "en"}, headers=_auth(tokens)
    )
    assert response.json() == _cli_json(
        "concordance", "Covenant", "-m", str(memory), "--lang", "en"
    )
    assert response.json()


def test_match_as_cli_json_from_text_and_from_a_file(
    served: tuple[TestClient, str, dict[str, str]], tmp_path: Path
) -> None:
    client, memory, tokens = served
    draft = tmp_path / "draft.en.md"
    draft.write_text(DRAFT, encoding="utf-8")
    expected = _cli_json("match", str(draft), "-m", str(memory), "-t", "fr")
    fields = {"text": DRAFT, "lang": "en", "target_lang": "fr"}
    assert client.post("/api/match", json=fields, headers=_auth(tokens)).json() == expected
    with draft.open("rb") as handle:
        upload = client.post(
            "/api/match",
            files={"file": ("draft.en.md", handle, "text/markdown")},
            data={"target_lang": "fr"},
            headers=_auth(tokens),
        )
    assert upload.status_code == 200, upload.text
    assert upload.json() == expected
    best = expected["segments"][1]["matches"][0]  # type: ignore[index]
    assert best["score"] >= 100


def test_check_as_cli_json(served: tuple[TestClient, str, dict[str, str]], tmp_path: Path) -> None:
    client, _, tokens = served
    text = "The International Covenant on Civil and Political Right was signed by the Secretary."
    draft = tmp_path / "draft.en.md"
    draft.write_text(text, encoding="utf-8")
    response = client.post("/api/check", json={"text": text, "lang": "en"}, headers=_auth(tokens))
    assert response.json() == _cli_json("check", str(draft))
    assert response.json()["issues"]


def test_check_a_translation(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, tokens = served
    fields = {
        "text": "Recalling the International Covenant on Civil and Political Rights,",
        "lang": "en",
        "target_text": "Rappelant la Convention relative aux droits de l'enfant,",
        "target_lang": "fr",
    }
    issues = client.post("/api/check", json=fields, headers=_auth(tokens)).json()["issues"]
    assert {issue["rule"] for issue in issues} & {"missing-term", "wrong-term"}


def test_stats_and_export(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, memory, tokens = served
    stats = client.get("/api/stats", headers=_auth(tokens)).json()
    stem = "letter" if memory.endswith(".sqlite") else memory.rsplit("/", 1)[-1]
    assert stats["path"] in ("letter.sqlite", stem)  # a file's or a database's name, no host
    assert stats["units"] > 100
    one = client.get(
        "/api/export", params={"langs": "en,fr", "profile": "omegat"}, headers=_auth(tokens)
    )
    assert one.status_code == 200
    assert one.content.count(b"<tu ") == one.content.count(b"</tu>") > 100
    assert f"{stem}.en-fr" in one.headers["content-disposition"]
    several = client.get("/api/export", params={"format": "po"}, headers=_auth(tokens))
    assert several.status_code == 200
    assert several.content[:2] == b"PK"  # a zip of one PO file per pair


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/api/terms?q=", {}, 400),
        ("GET", "/api/terms?q=x&limit=abc", {}, 400),
        ("GET", "/api/concordance?q=x&limit=100000", {}, 400),
        (
            "POST",
            "/api/match",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
        ),
        (
            "POST",
            "/api/match",
            {"content": b"text", "headers": {"content-type": "text/plain"}},
            415,
        ),
        ("POST", "/api/match", {"json": ["a list"]}, 400),
        ("POST", "/api/match", {"json": {"text": "Hello.", "lang": "xx-nonsense"}}, 400),
        (
            "POST",
            "/api/match",
            {"json": {"text": "Hello.", "lang": "en", "target_lang": "de"}},
            400,
        ),
        ("POST", "/api/match", {"json": {"text": "Hello.", "min_score": "high"}}, 400),
        ("POST", "/api/match", {"json": {"text": "x" * 70_000}}, 413),
        ("POST", "/api/check", {"json": {"text": 12}}, 400),
        ("POST", "/api/check", {"json": {"text": "a", "target_text": "b"}}, 400),
        ("GET", "/api/export?format=docx", {}, 400),
        ("GET", "/api/export?langs=de", {}, 400),
        ("GET", "/api/nowhere", {}, 404),
    ],
)
def test_bad_input_is_a_4xx_with_one_line(
    served: tuple[TestClient, str, dict[str, str]],
    method: str,
    path: str,
    kwargs: dict[str, object],
    status: int,
) -> None:
    client, _, tokens = served
    kwargs = dict(kwargs)  # the parameters are shared by both backends' runs: not changed
    headers = {**_auth(tokens), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    if status != 404:
        message = response.json()["error"]["message"]
        assert "\n" not in message
        assert "Traceback" not in message


def test_an_upload_of_an_unknown_kind(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, tokens = served
    response = client.post(
        "/api/match",
        files={"file": ("draft.en.exe", b"MZ\x90\x00", "application/octet-stream")},
        headers=_auth(tokens),
    )
    assert response.status_code == 400
    assert "unsupported file type" in response.json()["error"]["message"]


def test_openapi_describes_every_route(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, _ = served
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    described = set(spec["paths"])
    assert {path.split("?")[0] for _, path in ENDPOINTS} - {
        "/api/tokens/abc",
        "/api/documents/letter",
    } <= described
    assert {"/api/tokens/{ident}", "/api/documents/{document}"} <= described


def test_the_web_page_and_its_assets(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, _ = served
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for asset in ("/static/app.js", "/static/app.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200
    assert "http" not in client.get("/static/app.css").text.replace("http-equiv", "")  # no CDN


def test_no_cors_unless_configured(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, memory, _ = served
    origin = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}
    assert (
        "access-control-allow-origin" not in client.options("/api/health", headers=origin).headers
    )
    open_client = TestClient(create_app(memory, cors_origins=["https://elsewhere.example"]))
    allowed = open_client.options("/api/health", headers=origin)
    assert allowed.headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_a_missing_memory_is_refused_at_start(tmp_path: Path) -> None:
    from tm.errors import InputError

    with pytest.raises(InputError, match="no memory at"):
        create_app(tmp_path / "none.sqlite")


def test_tokens_commands(memory_target: str, tmp_path: Path) -> None:
    memory = memory_target
    CliRunner().invoke(
        cli,
        ["build", str(LETTER / "letter.en.md"), str(LETTER / "letter.fr.md"), "-m", str(memory)],
    )
    runner = CliRunner()
    made = runner.invoke(
        cli, ["tokens", "add", "A. Reviser", "-m", str(memory), "--role", "editor"]
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("untm_")
    with Memory.open(memory, create=False) as store:
        token = access.verify(store, secret)
        assert token is not None
        assert token.role == "editor"
        assert secret not in json.dumps(store.meta())  # only the hash is kept
    listed = runner.invoke(cli, ["tokens", "list", "-m", str(memory)])
    assert "A. Reviser" in listed.stdout
    assert (
        runner.invoke(cli, ["tokens", "add", "x", "-m", str(memory), "--role", "boss"]).exit_code
        == 2
    )
    assert runner.invoke(cli, ["tokens", "revoke", token.id, "-m", str(memory)]).exit_code == 0
    assert runner.invoke(cli, ["tokens", "revoke", token.id, "-m", str(memory)]).exit_code == 2
    with Memory.open(memory, create=False) as store:
        assert access.verify(store, secret) is None


def test_a_document_built_after_start_is_matched_at_once(
    memory_target: str, tmp_path: Path
) -> None:
    memory = memory_target
    files = [str(RESOLUTION / f"resolution.{lang}.md") for lang in ("en", "fr")]
    assert CliRunner().invoke(cli, ["build", *files, "-m", str(memory)]).exit_code == 0
    with Memory.open(memory, create=False) as store:
        secret = access.add_token(store, "t", "reader")[1]
    client = TestClient(create_app(memory))
    headers = {"Authorization": f"Bearer {secret}"}
    fields = {"text": DRAFT, "lang": "en", "target_lang": "fr"}
    before = client.post("/api/match", json=fields, headers=headers).json()
    assert not before["segments"][1]["matches"]
    letter = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "fr")]
    assert CliRunner().invoke(cli, ["build", *letter, "-m", str(memory)]).exit_code == 0
    after = client.post("/api/match", json=fields, headers=headers).json()
    assert after["segments"][1]["matches"][0]["score"] >= 100


def _files(stem: str, folder: Path, langs: tuple[str, ...]) -> list[tuple[str, tuple[str, bytes]]]:
    return [
        ("files", (f"{stem}.{lang}.md", (folder / f"{stem}.{lang}.md").read_bytes()))
        for lang in langs
    ]


def test_documents_build_list_and_remove_through_the_api(
    memory_target: str, tmp_path: Path
) -> None:
    memory = memory_target
    files = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "fr")]
    assert CliRunner().invoke(cli, ["build", *files, "-m", str(memory)]).exit_code == 0
    with Memory.open(memory, create=False) as store:
        reader = {"Authorization": f"Bearer {access.add_token(store, 'r', 'reader')[1]}"}
        editor = {"Authorization": f"Bearer {access.add_token(store, 'e', 'editor')[1]}"}
    client = TestClient(create_app(memory))
    upload = _files("resolution", RESOLUTION, ("en", "fr", "ru"))
    refused = client.post("/api/documents", files=upload, headers=reader)
    assert refused.status_code == 403
    built = client.post(
        "/api/documents", files=upload, data={"document": "A/RES/99/101"}, headers=editor
    )
    assert built.status_code == 201, built.text
    assert built.json()["stored"]["document"] == "A/RES/99/101"
    listed = client.get("/api/documents", headers=reader).json()
    assert listed == _cli_json("documents", "-m", str(memory))
    assert {d["id"] for d in listed} >= {"A/RES/99/101"}
    assert client.delete("/api/documents/A/RES/99/101?lang=ru", headers=reader).status_code == 403
    gone = client.delete("/api/documents/A/RES/99/101?lang=ru", headers=editor)
    assert gone.status_code == 200, gone.text
    record = next(
        d for d in client.get("/api/documents", headers=reader).json() if d["id"] == "A/RES/99/101"
    )
    assert "ru" not in record["languages"]
    assert client.delete("/api/documents/A/RES/99/101", headers=editor).status_code == 200
    assert client.delete("/api/documents/A/RES/99/101", headers=editor).status_code == 400
    one = client.post("/api/documents", files=upload[:1], headers=editor)
    assert one.status_code == 400
