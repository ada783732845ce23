"""PostgreSQL as a memory: what only it has (the revision log, writers on an advisory lock,
refusing foreign databases, errors in one line) and ``untm copy`` between the two engines.

The behaviour both engines share is tested by the memory, documents, match, CLI and server
tests, which run against both (the ``memory_target`` fixture, tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from tm import access, pg_search
from tm.documents import DocumentStore
from tm.errors import InputError, StoreError
from tm.live_index import LiveIndex
from tm.memory import SCHEMA_VERSION, Memory
from tm.models import Unit, Variant

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letter"
UN = ROOT / "tests" / "fixtures" / "un"
LANGS = ("en", "ar", "es", "fr", "ru", "zh")
runner = CliRunner()


def _run(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def _unit(en: str, fr: str) -> Unit:
    return Unit((Variant("en", en), Variant("fr", fr)))


def _changes(memory: Memory) -> list[tuple[int, int, str]]:
    rows = memory.connection.execute(
        "SELECT unit_id, revision, op FROM unit_changes ORDER BY seq"
    ).fetchall()
    return [(int(u), int(r), str(o)) for u, r, o in rows]


# --- the revision log -------------------------------------------------------------------------


def test_every_change_to_units_is_logged_with_the_revision_it_commits(postgres_url: str) -> None:
    with Memory.open(postgres_url) as memory:
        first = memory.add([_unit("Peace", "Paix"), _unit("War", "Guerre")], origin="a")
        assert _changes(memory) == [(1, 1, "a"), (2, 1, "a")]
        memory.add([_unit("Peace", "Paix")], origin="b")  # merges: no unit added or changed
        assert len(_changes(memory)) == 2
        removed = memory.remove_origin("a")
        assert removed == 2
        assert _changes(memory)[2:] == [(1, 3, "d"), (2, 3, "d")]
        assert (first.revision, memory.revision()) == (1, 3)


def test_a_rebuild_logs_texts_changed_in_place(postgres_url: str, tmp_path: Path) -> None:
    en, fr = LETTER / "letter.en.md", LETTER / "letter.fr.md"
    assert _run("build", en, fr, "-m", postgres_url).exit_code == 0
    changed = tmp_path / "letter.fr.md"
    changed.write_text(
        fr.read_text(encoding="utf-8").replace(
            "Prévention des conflits armés", "Prévention des conflits"
        )
    )
    assert _run("build", en, changed, "-m", postgres_url).exit_code == 0
    with Memory.open(postgres_url, create=False) as memory:
        log = _changes(memory)
        revisions = [r for _, r, _ in log]
        assert revisions == sorted(revisions)
        assert max(revisions) == memory.revision() == 2
        # the rows whose French changed are new units; the old ones went
        assert {op for _, r, op in log if r == 2} == {"a", "d"}
        uid = log[0][0]
        with memory.transaction():
            memory.connection.execute(
                "UPDATE units SET variants = ? WHERE id = ?", ("en\x1fChanged\x1f", uid)
            )
        assert _changes(memory)[-1] == (uid, 3, "u")
        assert memory.revision() == 3  # a change to units that did not say so still counts


def test_writers_serialise_revisions_follow_commit_order(postgres_url: str) -> None:
    Memory.open(postgres_url).close()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with Memory.open(postgres_url, create=False) as memory:
                for n in range(5):
                    memory.add([_unit(f"Text {worker}-{n}", f"Texte {worker}-{n}")])
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Memory.open(postgres_url, create=False) as memory:
        assert (memory.count(), memory.revision()) == (20, 20)
        log = _changes(memory)
        # one unit per revision, revisions and ids in the order the writes committed
        assert [r for _, r, _ in log] == list(range(1, 21))
        assert [u for u, _, _ in log] == list(range(1, 21))


def test_the_log_rows_of_a_write_are_written_once_with_their_revision(postgres_url: str) -> None:
    with Memory.open(postgres_url) as memory:
        memory.add([_unit("Peace", "Paix")])
        conn = memory.connection
        with memory.transaction():
            memory.store_units([_unit(f"Text {n}", f"Texte {n}") for n in range(5)], origin="b")
            # the trigger wrote the revision this write commits: nothing to set at the commit
            written = conn.execute(
                "SELECT seq, revision, ctid::text FROM unit_changes WHERE seq > 1 ORDER BY seq"
            ).fetchall()
            assert {r[1] for r in written} == {2}
            memory.bump()
        after = conn.execute(
            "SELECT seq, revision, ctid::text FROM unit_changes WHERE seq > 1 ORDER BY seq"
        ).fetchall()
        assert after == written  # the same row versions: no UPDATE rewrote them
        assert memory.revision() == 2


def test_a_memory_whose_trigger_logs_revision_0_still_logs_revisions(postgres_url: str) -> None:
    with Memory.open(postgres_url) as memory:
        # the trigger of memories made by earlier versions of untm
        (body,) = memory.connection.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = 'untm_log_units'"
        ).fetchone()
        old = re.sub(r"DECLARE.*?;\s*BEGIN", "BEGIN", body, flags=re.S).replace("logged", "0")
        memory.connection.execute(
            f"CREATE OR REPLACE FUNCTION untm_log_units() RETURNS trigger "
            f"LANGUAGE plpgsql AS $${old}$$"
        )
        memory.add([_unit("Peace", "Paix"), _unit("War", "Guerre")])
        memory.remove_origin("")
        memory.add([_unit("Law", "Droit")], origin="b")
        assert [r for _, r, _ in _changes(memory)] == [1, 1, 2]


def test_the_log_is_trimmed_and_followers_behind_it_index_anew(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tm import followed_index, pg_log

    monkeypatch.setattr(pg_log, "MAX_PENDING", 3)  # the newest 3 rows are kept
    monkeypatch.setattr(pg_log, "MERGE_SHARE", 0.0)

    def ids(index: LiveIndex, text: str) -> set[int]:
        return {int(index.parts[p].ids[r]) for p, r, s in index.search(text, top=9) if s == 100}

    with Memory.open(postgres_url) as memory:
        memory.add([_unit("the council met", "le conseil s'est réuni")], origin="a")
        log = pg_log.RevisionLog(memory, name="test")
        follower = followed_index.FollowedIndex(log.identity(), "en", folder=tmp_path)
        assert ids(follower.refresh(log), "the council met") == {1}  # a main file at 1
        for n, topic in enumerate(("water", "food", "health", "peace", "trade", "labour")):
            memory.add([_unit(f"a report on {topic}", f"un rapport {n}")], origin=f"r{n}")
        assert len(_changes(memory)) == 7  # not over twice the rows kept: not trimmed yet
        memory.remove_origin("a")
        # this write found 7 rows before it: all but the newest 3 of them went
        assert [u for u, _, _ in _changes(memory)] == [5, 6, 7, 1]
        assert log.position() == 8
        assert log.changes(1) is None  # no longer reaches back to the follower's file
        since = log.changes(4)
        assert since is not None
        assert (since[0], sorted(since[1])) == (8, [1, 5, 6, 7])
        index = follower.refresh(log)  # indexed anew
        assert ids(index, "the council met") == set()
        assert ids(index, "a report on water") == {2}
    # optimize trims to the rows kept; the position stays
    result = _run("optimize", "-m", postgres_url, "--json")
    assert result.exit_code == 0, result.stderr
    with Memory.open(postgres_url, create=False) as memory:
        assert [u for u, _, _ in _changes(memory)] == [6, 7, 1]
        log = pg_log.RevisionLog(memory, name="test")
        assert (log.position(), log.changes(8)) == (8, (8, []))


# --- opening: foreign databases, errors, rights ------------------------------------------------


def test_a_foreign_database_is_refused_unchanged(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INT PRIMARY KEY, total NUMERIC)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    with pytest.raises(StoreError, match="not an untm memory"):
        Memory.open(postgres_url)
    result = _run(
        "import", ROOT / "tests" / "fixtures" / "tmx" / "inline_tags.tmx", "-m", postgres_url
    )
    assert result.exit_code == 4
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        assert tables == [("invoices",)]


@pytest.mark.parametrize(
    ("version", "said"),
    [(SCHEMA_VERSION + 1, "upgrade untm"), (SCHEMA_VERSION - 1, "copy it anew"), (0, "copy")],
)
def test_a_memory_of_another_schema_version_is_one_line_exit_4_or_503(
    postgres_url: str, version: int, said: str
) -> None:
    """A database an older or newer untm made: the CLI says so in one line (exit 4), a
    server refuses to start, and one already running answers 503 with that line."""
    from starlette.testclient import TestClient

    from server.app import create_app

    with Memory.open(postgres_url) as memory:
        memory.add([Unit((Variant("en", "Peace"), Variant("fr", "Paix")))])
        token = access.add_token(memory, "reader", "reader")[1]
    client = TestClient(create_app(postgres_url))  # started while the memory was current
    signature = f"untm:0.0.1|schema:{version}" if version else "untm:0.0.1"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'signature'", (signature,))
    for args in (["stats", "-m", postgres_url], ["serve", "-m", postgres_url, "--port", "1"]):
        result = _run(*args)
        assert result.exit_code == 4, result.output
        (line,) = result.stderr.strip().splitlines()
        assert f"schema version {version}" in line
        assert said in line
    response = client.get("/api/stats", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert said in response.json()["error"]["message"]


@pytest.mark.parametrize("what", ["unreachable", "missing database"])
def test_an_unreachable_server_or_missing_database_is_one_line_exit_4(
    postgres_admin: str, what: str
) -> None:
    import socket

    if what == "unreachable":
        with socket.socket() as sock:  # a port nothing listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url = f"postgresql://untm:secret@127.0.0.1:{port}/tm"
        said = "cannot reach the PostgreSQL server"
    else:
        url = postgres_admin.rsplit("/", 1)[0] + "/no_such_memory"
        said = "the database does not exist"
    for args in (["stats", "-m", url], ["concordance", "peace", "-m", url]):
        result = _run(*args)
        assert result.exit_code == 4, result.output
        (line,) = result.stderr.strip().splitlines()
        assert said in line
        assert "secret" not in line
    with pytest.raises(StoreError, match=said):
        Memory.open(url)


def test_an_empty_database_needs_a_first_import(postgres_url: str) -> None:
    with pytest.raises(InputError, match="no memory in .*build or import first"):
        Memory.open(postgres_url, create=False)


def test_a_failed_first_import_leaves_the_database_empty(postgres_url: str) -> None:
    result = _run(
        "import", ROOT / "tests" / "fixtures" / "tmx" / "malformed.tmx", "-m", postgres_url
    )
    assert result.exit_code == 2
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone() == (0,)


def test_a_role_that_may_only_read_reads_and_is_told_it_cannot_write(postgres_url: str) -> None:
    with Memory.open(postgres_url) as memory:
        memory.add([_unit("Peace", "Paix")])
    reader = f"untm_reader_{postgres_url.rsplit('_', 1)[-1]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {reader} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    url = postgres_url.replace("postgres@", f"{reader}@")
    try:
        with Memory.open(url, create=False) as memory:
            assert memory.read_only
            assert [u.text("fr") for u in memory.concordance("peace")] == ["Paix"]
            with pytest.raises(StoreError, match="read-only"):
                memory.add([_unit("War", "Guerre")])
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {reader}")
            conn.execute(f"DROP ROLE {reader}")


def test_optimize_writes_this_machines_index_cache_of_a_postgresql_memory(
    postgres_url: str, tmp_path: Path
) -> None:
    with Memory.open(postgres_url) as memory:
        memory.add([_unit("Peace", "Paix"), _unit("War", "Guerre")])
    result = _run("optimize", "-m", postgres_url, "--json")
    assert result.exit_code == 0, result.stderr
    size = json.loads(result.stdout)["index_bytes"]
    (held,) = (tmp_path / "index-cache").iterdir()  # conftest: UNTM_INDEX_CACHE
    (path,) = held.iterdir()
    assert path.name.startswith("en.")
    assert path.stat().st_size == size > 0
    draft = tmp_path / "draft.en.md"
    draft.write_text("War\n", encoding="utf-8")
    matched = _run("match", draft, "-m", postgres_url, "--json")
    assert matched.exit_code == 0, matched.stderr
    assert json.loads(matched.stdout)["segments"][0]["matches"][0]["targets"]["fr"] == "Guerre"


# --- concordance: SQL prefilter, exact check -------------------------------------------------

_TEXTS = [
    "Straße des 17. Juni",
    "STRASSE",
    "ΣΟΦΙΑ σοφίας σοφός",
    "İstanbul Declaration",
    "Temperature in \u212aelvin",
    "l’Assemblée générale",
    "« Conseil de sécurité »",
    "Совет Безопасности",
    "安全理事会的报告",
    "مجلس الأمن",
    "ﬁnancial ﬂows",  # ligatures: NFKC changes them
    "Ｆｕｌｌ width",
    "co-operation and cooperation",
    "Re\u0301solution adopte\u0301e",  # decomposed accents: NFKC composes them
    "安全理事会，报告：２０２４年",  # full-width punctuation (not unusual) and digits (unusual)
    "\ufee1\ufee0\ufeb0\u0020\u0627\u0644\u0623\u0645\u0646",  # presentation forms
    "Conseil\u00a0: résolution",  # a no-break space only (not unusual)
]


@pytest.fixture
def both(postgres_url: str, tmp_path: Path) -> tuple[Memory, Memory]:
    memories = Memory.open(tmp_path / "tm.sqlite"), Memory.open(postgres_url)
    for memory in memories:
        memory.add([Unit((Variant("en", t), Variant("fr", f"{t} (fr)"))) for t in _TEXTS])
    return memories


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    needle=st.one_of(
        st.sampled_from(
            [
                "strasse",
                "STRAẞE",
                "σοφια",
                "ΣΟΦΊΑΣ",
                "istanbul",
                "kelvin",
                "l'assemblée",
                '"conseil',
                "совет",
                "理事会",
                "الأمن",
                "financial",
                "full",
                "-",
                "'",
                "operation",
                "résolution",
                "adoptée",
                "2024",
                "报告",
                "مجلس",
                "conseil :",
            ]
        ),
        st.text(alphabet="sStrRaAßẞkKKiİıσςΣ '-", min_size=1, max_size=6),
    ),
    lang=st.sampled_from(["", "en", "fr"]),
)
def test_concordance_in_postgresql_finds_what_sqlite_finds(
    both: tuple[Memory, Memory], needle: str, lang: str
) -> None:
    sqlite, postgres = both
    langs = [lang] if lang else []
    try:
        expected = [u.variants for u in sqlite.concordance(needle, langs=langs)]
    except InputError:
        with pytest.raises(InputError):
            postgres.concordance(needle, langs=langs)
        return
    assert [u.variants for u in postgres.concordance(needle, langs=langs)] == expected


@pytest.mark.parametrize("in_transaction", [False, True])
def test_concordance_finds_the_same_by_windows_and_by_the_trigram_index(
    both: tuple[Memory, Memory], monkeypatch: pytest.MonkeyPatch, in_transaction: bool
) -> None:
    """Tiny windows and walk: each search goes through windows, batches cut short by the
    limit, and the rare needle's path (the index, the planner told so in a savepoint when a
    transaction is open), and finds what SQLite finds, in order, at every limit."""
    monkeypatch.setattr(pg_search, "_WINDOW", 8)
    monkeypatch.setattr(pg_search, "_WALK", 10)
    monkeypatch.setattr(pg_search, "_FIRST_BATCH", 1)
    sqlite, postgres = both
    if in_transaction:
        postgres.backend.begin_read()
    for needle in ("strasse", "conseil", "2024", "full", "de", "'", "e", "zzz"):
        for limit in (1, 2, 3, 50):
            expected = [u.variants for u in sqlite.concordance(needle, limit=limit)]
            found = [u.variants for u in postgres.concordance(needle, limit=limit)]
            assert found == expected, (needle, limit)
    assert postgres.connection.in_transaction == in_transaction
    settings_now = postgres.connection.execute("SHOW enable_indexscan").fetchone()
    assert settings_now[0] == "on"  # the planner is as it was after the search


# --- untm copy -------------------------------------------------------------------------------


def _six_language_memory(path: Path) -> None:
    """Our UN fixtures (a resolution, a report, goals) and the letter, in six languages, with
    a token stored with the memory."""
    for stem, folder in (("resolution", UN), ("report", UN), ("goals", UN), ("letter", LETTER)):
        files = [folder / f"{stem}.{lang}.md" for lang in LANGS]
        result = _run("build", *files, "-m", path)
        assert result.exit_code == 0, result.output
    with Memory.open(path, create=False) as memory:
        access.add_token(memory, "A. Reviser", "editor")


def _exports(memory: str, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    for args in (
        ["-o", folder / "all.tmx"],
        ["-o", folder / "pairs.tmx", "--profile", "omegat", "--langs", "en,fr,zh"],
        ["-o", folder / "ar.po", "--format", "po", "--langs", "en,ar"],
        ["-o", folder / "all.csv", "--format", "csv"],
    ):
        result = _run("export", "-m", memory, *args)
        assert result.exit_code == 0, result.output
    out = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        # the header's date says when the export ran
        out[path.name] = re.sub(rb'(<header [^>]*creationdate=")[0-9TZ]+"', rb'\1"', data)
    for command in ("documents", "stats"):
        data = json.loads(_run(command, "-m", memory, "--json").stdout)
        if command == "stats":
            data = {k: v for k, v in data.items() if k not in ("path", "revision")}
        out[command] = json.dumps(data, sort_keys=True).encode()
    out["tokens"] = _run("tokens", "list", "-m", memory).stdout.encode()
    return out


def test_copy_moves_a_six_language_memory_both_ways_unchanged(
    postgres_url: str, tmp_path: Path
) -> None:
    original = tmp_path / "un.sqlite"
    _six_language_memory(original)
    back = tmp_path / "back.sqlite"
    for source, target in ((original, postgres_url), (postgres_url, back)):
        result = _run("copy", source, target, "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert (report["documents"], report["settings"], report["revision"]) == (4, 1, 1)
        assert report["models"] > 0
    expected = _exports(str(original), tmp_path / "a")
    assert _exports(postgres_url, tmp_path / "b") == expected
    assert _exports(str(back), tmp_path / "c") == expected
    with Memory.open(original, create=False) as a, Memory.open(back, create=False) as c:
        assert list(a.units_with_ids()) == list(c.units_with_ids())
        assert [a.learned(n) for n in a.learned_names() or []] == [
            c.learned(n) for n in c.learned_names() or []
        ]
        assert [d.id for d in DocumentStore(c).records()] == [
            d.id for d in DocumentStore(a).records()
        ]
    # the copy is a memory like any other: it takes a rebuild, it matches
    result = _run("match", LETTER / "letter.en.md", "-m", postgres_url, "-t", "fr", "--json")
    assert result.exit_code == 0, result.output
    segments = json.loads(result.stdout)["segments"]
    assert sum(1 for s in segments if s["matches"] and s["matches"][0]["score"] >= 100) > 20


def test_copy_refuses_a_destination_that_holds_a_memory(postgres_url: str, tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    with Memory.open(source) as memory:
        memory.add([_unit("Peace", "Paix")])
    with Memory.open(postgres_url) as memory:
        memory.add([_unit("War", "Guerre")])
    result = _run("copy", source, postgres_url)
    assert result.exit_code == 2
    assert "already holds a memory (1 units" in result.stderr
    with Memory.open(postgres_url, create=False) as memory:
        assert [u.text("en") for u in memory.units()] == ["War"]
    assert _run("copy", source, source).exit_code == 2


@pytest.mark.parametrize("direction", ["to postgresql", "to sqlite"])
def test_an_interrupted_copy_leaves_no_half_memory(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direction: str
) -> None:
    import tm.memory_copy

    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with Memory.open(source) as memory:
        memory.add([_unit(f"Peace {n}", f"Paix {n}") for n in range(50)])
        access.add_token(memory, "A. Reviser", "editor")
    if direction == "to sqlite":
        assert _run("copy", source, postgres_url).exit_code == 0
        source, target = postgres_url, target  # type: ignore[assignment]
    else:
        target = postgres_url  # type: ignore[assignment]
    monkeypatch.setattr(tm.memory_copy, "_BATCH", 10)
    real = tm.memory_copy._counted
    stop = KeyboardInterrupt  # Ctrl-C halfway through the units

    def interrupted(rows, total, progress):  # type: ignore[no-untyped-def]
        for done, row in enumerate(real(rows, total, progress), 1):
            if done == 25:
                raise stop
            yield row

    monkeypatch.setattr(tm.memory_copy, "_counted", interrupted)
    result = _run("copy", source, target)
    assert result.exit_code != 0
    if direction == "to sqlite":
        assert not Path(target).exists()
    else:
        with psycopg.connect(postgres_url) as conn:
            assert conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone() == (0,)


def test_a_server_survives_the_database_dropping_its_connections(
    postgres_url: str, postgres_admin: str
) -> None:
    from starlette.testclient import TestClient

    from server.app import create_app

    with Memory.open(postgres_url) as memory:
        memory.add([_unit("Peace", "Paix")])
        token = access.add_token(memory, "reader", "reader")[1]
    headers = {"Authorization": f"Bearer {token}"}
    database = postgres_url.rsplit("/", 1)[1]
    # one event loop and its worker threads for every request, as in a running server
    with TestClient(create_app(postgres_url)) as client:
        assert client.get("/api/stats", headers=headers).status_code == 200
        with psycopg.connect(postgres_admin, autocommit=True) as admin:  # as a restart would
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        statuses = [client.get("/api/stats", headers=headers).status_code for _ in range(8)]
    # the requests the drop interrupted say the memory cannot be read; then it is served again
    assert set(statuses) <= {200, 503}
    assert statuses[-3:] == [200, 200, 200]


def test_a_parallel_index_build_leaves_other_threads_connections_working(
    postgres_url: str, tmp_path: Path
) -> None:
    # a server thread keeps its connection in thread-local storage (server/service.py) while
    # another request builds a large index on worker processes: the workers must not take the
    # connection down with them (a forked child frees the other threads' locals, and libpq
    # then says goodbye to the server on the shared socket)
    from tm.index import MatchIndex

    with Memory.open(postgres_url) as memory:
        memory.add([_unit("Peace", "Paix")])
    local = threading.local()
    opened, built = threading.Event(), threading.Event()
    seen: list[object] = []

    def serve() -> None:
        local.memory = Memory.open(postgres_url, create=False)
        opened.set()
        built.wait(60)
        try:
            seen.append(local.memory.count())
        except StoreError as err:
            seen.append(err)
        finally:
            local.memory.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert opened.wait(30)
        rows = [(n, f"the report number {n} on human rights", 0, 0) for n in range(2000)]
        stamp = {"memory": 1, "seq": 1}
        MatchIndex.write(tmp_path / "x.idx", rows, lang="en", stamp=stamp, workers=2)
    finally:
        built.set()
        thread.join()
    assert seen == [1]
