"""The SQLite memory: schema, transactions, merging, languages, concordance, round trips."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tm.errors import InputError, LanguageError, StoreError
from tm.memory import SCHEMA_VERSION, Memory, language_tag, signature
from tm.models import Unit, Variant
from tmx.interchange import export_memory, import_files

FIXTURES = Path(__file__).parent / "fixtures" / "tmx"


def _unit(en: str, fr: str, **kw: object) -> Unit:
    return Unit((Variant("en", en), Variant("fr", fr)), **kw)  # type: ignore[arg-type]


@pytest.fixture
def memory(memory_target: str) -> Iterator[Memory]:
    """A new memory, once in SQLite and once in PostgreSQL."""
    with Memory.open(memory_target) as store:
        yield store


def test_a_new_memory_has_schema_wal_and_signature(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as store:
        assert store.meta()["signature"] == signature() == "untm:0.1.0|schema:3"
        assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.count() == 0
        assert store.revision() == 0


def test_open_without_create_needs_an_existing_memory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no memory at .*missing.sqlite; build or import first"):
        Memory.open(tmp_path / "missing.sqlite", create=False)


def test_a_file_that_is_not_a_memory_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a translation memory"):
        Memory.open(junk)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not an untm memory"):
        Memory.open(other)


@pytest.mark.parametrize(
    ("version", "message"),
    [(SCHEMA_VERSION + 1, "upgrade untm"), (1, "made by an older untm .*re-import it")],
)
def test_another_schema_version_is_refused_with_what_to_do(
    tmp_path: Path, version: int, message: str
) -> None:
    path = tmp_path / "tm.sqlite"
    Memory.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    with pytest.raises(StoreError, match=message):
        Memory.open(path)


def test_texts_holding_the_field_separator_round_trip(memory: Memory) -> None:
    odd = [
        ("t1", (("en", "a\x1fb", None), ("fr", "c", "<ph>\x1f</ph>"))),
        ("t2", (("en", "[x", ""), ("fr", "y\x1e", None))),
    ]
    report = memory.add(odd)
    assert (report.added, report.merged) == (2, 0)
    expected = [Unit(tuple(Variant(*v) for v in variants), tuid=t) for t, variants in odd]
    assert list(memory.units()) == expected
    assert memory.concordance("A\x1fB") == expected[:1]
    assert memory.add(odd).merged == 2


def test_two_units_with_one_hash_are_both_kept(memory: Memory, tmp_path: Path) -> None:
    peace, war = _unit("Peace", "Paix"), _unit("War", "Guerre")
    with Memory.open(tmp_path / "scratch.sqlite") as scratch:
        scratch.add([war])
        (war_key,) = scratch.connection.execute("SELECT key FROM units").fetchone()
    memory.add([peace])
    # give the stored unit the hash of the next one: a collision of 64-bit hashes
    memory.connection.execute("UPDATE units SET key = ?", (war_key,))
    report = memory.add([war, ("w", (("en", "War", None), ("fr", "Guerre", None)))])
    assert (report.added, report.merged) == (1, 1)
    again = memory.add([_unit("War", "Guerre", notes=("kept",)), peace])
    assert (again.added, again.merged) == (1, 1)
    assert [u.text("en") for u in memory.units()] == ["Peace", "War", "Peace"]
    assert list(memory.units())[1].notes == ("kept",)


def test_language_counts_follow_adds_merges_and_removals(memory: Memory) -> None:
    memory.add(
        [
            _unit("One", "Un"),
            Unit((Variant("en-GB", "Two"), Variant("en", "Deux"), Variant("ru", "Два"))),
            ("t", (("en", "One", None), ("fr-FR", "Un", None))),
        ],
        origin="a",
    )
    memory.add([_unit("Three", "Trois", notes=("n",))], origin="b")
    assert memory.languages() == {"en": 3, "en-GB": 1, "fr": 2, "ru": 1}
    memory.remove_origin("a")
    assert memory.languages() == {"en": 1, "fr": 1}
    memory.remove_origin("b")
    assert memory.languages() == {}


def test_units_come_back_as_stored_with_canonical_tags(memory: Memory) -> None:
    date = datetime(2023, 9, 13, 10, 0, tzinfo=UTC)
    unit = Unit(
        (Variant("EN-us", "General Assembly", notes=("n",)), Variant("zh_cn", "大会")),
        tuid="t1",
        props=(("x-document", "letter.en.md"), ("x-paragraph", "3")),
        creation_date=date,
        usage_count=2,
        segtype="paragraph",
    )
    report = memory.add([unit], origin="letter.en.md")
    assert (report.added, report.merged) == (1, 0)
    (back,) = memory.units()
    assert [v.lang for v in back.variants] == ["en-US", "zh-CN"]
    assert back.text("en") == "General Assembly"
    assert (back.tuid, back.props, back.creation_date, back.usage_count, back.segtype) == (
        "t1",
        unit.props,
        date,
        2,
        "paragraph",
    )
    assert back.variants[0].notes == ("n",)
    assert memory.languages() == {"en-US": 1, "zh-CN": 1}
    assert memory.origins() == {"letter.en.md": 1}


def test_duplicate_units_merge_instead_of_multiplying(memory: Memory) -> None:
    first = _unit("Ambassador", "Ambassadeur", notes=("first",))
    # same texts, other regions and order: the same unit
    second = Unit(
        (Variant("fr-FR", "Ambassadeur"), Variant("en-GB", "Ambassador")), notes=("second",)
    )
    report = memory.add([first, second, first])
    assert (report.added, report.merged) == (1, 2)
    (merged,) = memory.units()
    assert merged.notes == ("first", "second")
    again = memory.add([first])
    assert (again.added, again.merged) == (0, 1)
    assert memory.count() == 1


def test_a_failed_import_leaves_the_memory_as_it_was(memory: Memory) -> None:
    memory.add([_unit("One", "Un")])
    before = (memory.count(), memory.revision())

    def units():
        yield _unit("Two", "Deux")
        yield Unit((Variant("english", "Three"),))

    with pytest.raises(LanguageError):
        memory.add(units())
    assert (memory.count(), memory.revision()) == before
    assert [u.text("en") for u in memory.units()] == ["One"]


def test_plain_tuples_are_stored_as_the_units_they_stand_for(tmp_path: Path) -> None:
    plain = [
        ("t1", (("EN-us", "Peace", None), ("fr", "Paix", "<hi>Paix</hi>"))),
        (None, (("en", "War", None), ("zh-cn", "战争", None))),
    ]
    units = [Unit(tuple(Variant(*v) for v in variants), tuid=tuid) for tuid, variants in plain]
    stored = []
    for name, items in (("a.sqlite", plain), ("b.sqlite", units)):
        with Memory.open(tmp_path / name) as store:
            report = store.add(items, origin="f.tmx")
            assert (report.added, report.merged) == (2, 0)
            stored.append((list(store.units_with_ids()), store.languages(), store.origins()))
    assert stored[0] == stored[1]
    assert stored[0][0][0][1].variants[1].markup == "<hi>Paix</hi>"


def test_plain_tuples_merge_with_full_units(memory: Memory) -> None:
    full = _unit("Peace", "Paix", notes=("kept",), usage_count=3)
    report = memory.add([full, ("p1", (("fr-FR", "Paix", None), ("en", "Peace", None)))])
    assert (report.added, report.merged) == (1, 1)
    again = memory.add([("p2", (("en", "Peace", None), ("fr", "Paix", None)))])
    assert (again.added, again.merged) == (0, 1)
    (unit,) = memory.units()
    assert unit == full
    with pytest.raises(InputError, match="no language variant"):
        memory.add([("t", ())])
    with pytest.raises(LanguageError):
        memory.add([("t", (("english", "Peace", None),))])
    assert memory.count() == 1


@pytest.mark.parametrize("limit", [999, 250_000])
def test_many_units_store_whatever_sqlites_limit_on_bound_values(
    tmp_path: Path, limit: int
) -> None:
    memory = Memory.open(tmp_path / "tm.sqlite")
    # SQLite before 3.32 binds at most 999 values a statement: rows per INSERT follow it
    memory.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)  # type: ignore[attr-defined]
    # a first batch of plain units (3 values a row), then units with a usage count (11)
    units = [
        _unit(f"Peace {n}", f"Paix {n}", tuid=str(n), usage_count=n % 3 if n >= 2000 else 0)
        for n in range(2345)
    ]
    with memory:
        report = memory.add([*units, units[7]])
        assert (report.added, report.merged) == (2345, 1)
        assert list(memory.units()) == units


def test_many_units_in_batches_with_a_duplicate_in_the_batch(memory: Memory) -> None:
    units = [
        _unit(f"Peace {n}", f"Paix {n}", tuid=str(n), usage_count=n % 3 if n >= 2000 else 0)
        for n in range(2345)
    ]
    report = memory.add([*units[:10], units[3], *units[10:]])
    assert (report.added, report.merged) == (2345, 1)
    assert list(memory.units()) == units
    ids = [i for i, _ in memory.units_with_ids()]
    assert ids[:11] == [*range(1, 11), 12]  # the id of the unit that merged stays unused


def test_two_different_units_with_one_tuid_are_refused(memory: Memory) -> None:
    with pytest.raises(InputError, match="tuid '7' is used by two different units"):
        memory.add([_unit("Peace", "Paix", tuid="7"), _unit("War", "Guerre", tuid="7")])
    assert memory.count() == 0


def test_replace_swaps_the_units_of_one_origin(memory: Memory) -> None:
    memory.add([_unit("Old", "Ancien")], origin="letter.en.md")
    memory.add([_unit("Other", "Autre")], origin="other.en.md")
    report = memory.add([_unit("New", "Nouveau")], origin="letter.en.md", replace=True)
    assert (report.added, report.removed) == (1, 1)
    assert sorted(u.text("en") for u in memory.units()) == ["New", "Other"]


def test_revision_grows_on_every_change(memory: Memory) -> None:
    revisions = [memory.revision()]
    memory.add([_unit("One", "Un")], origin="a")
    revisions.append(memory.revision())
    memory.add([_unit("Two", "Deux")], origin="a")
    revisions.append(memory.revision())
    memory.remove_origin("a")
    revisions.append(memory.revision())
    assert revisions == sorted(set(revisions))
    assert memory.count() == 0


def test_units_by_language_and_ids(memory: Memory) -> None:
    memory.add(
        [
            Unit((Variant("en", "Peace"), Variant("fr", "Paix"), Variant("ru", "Мир"))),
            _unit("War", "Guerre"),
        ]
    )
    ru = list(memory.units(langs=["ru"]))
    assert [[v.lang for v in u.variants] for u in ru] == [["ru"]]
    pairs = list(memory.units_with_ids())
    ids = [i for i, _ in pairs]
    assert memory.get(list(reversed(ids))) == [u for _, u in reversed(pairs)]
    assert memory.get([999]) == []


def test_concordance_is_case_insensitive_in_every_script(memory: Memory) -> None:
    memory.add(
        [
            Unit((Variant("en", "Security Council"), Variant("ru", "Совет Безопасности"))),
            _unit("General Assembly", "Assemblée générale"),
        ]
    )
    assert [u.text("en") for u in memory.concordance("совет")] == ["Security Council"]
    assert [u.text("en") for u in memory.concordance("ASSEMBLÉE")] == ["General Assembly"]
    assert memory.concordance("council", langs=["fr"]) == []
    assert len(memory.concordance("e", limit=1)) == 1
    with pytest.raises(InputError):
        memory.concordance("  ")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en", "en"), ("EN-us", "en-US"), ("en_US", "en-US"), ("zh-hans-cn", "zh-Hans-CN")],
)
def test_language_tags(tag: str, expected: str) -> None:
    assert language_tag(tag) == expected


@pytest.mark.parametrize("tag", [None, "", "eng", "english", "xx", "e1"])
def test_unknown_or_missing_language_codes(tag: str | None) -> None:
    with pytest.raises(LanguageError):
        language_tag(tag)


# --- import -> export -> import (hypothesis) ------------------------------------------------

_CHARS = st.characters(
    min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=("Cs", "Cc", "Cn")
)
_WORD = st.text(_CHARS, min_size=1, max_size=10).filter(lambda s: s == s.strip())
_DATE = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)
# (markup template, flattened text template) of the inline codes the memory must keep
_INLINE = st.sampled_from(
    [
        None,
        ('<bpt i="1">&lt;b&gt;</bpt>{w}<ept i="1">&lt;/b&gt;</ept>', "{w}"),
        ('{w}<ph x="1">&lt;br/&gt;</ph>', "{w}"),
        ('<hi type="emphasis">{w}</hi> <it pos="begin">&lt;i&gt;</it>{w}', "{w} {w}"),
    ]
)


@st.composite
def _units(draw: st.DrawFn) -> Unit:
    variants = []
    for lang in draw(st.sampled_from([["en", "fr"], ["en", "ar", "zh-CN"], ["en-US", "ru"]])):
        word = draw(_WORD)
        inline = draw(_INLINE)
        if inline is None:
            variants.append(Variant(lang, word, change_date=draw(st.none() | _DATE)))
        else:
            markup, flat = inline
            variants.append(Variant(lang, flat.format(w=word), markup.format(w=escape(word))))
    return Unit(
        tuple(variants),
        tuid=draw(st.none() | _WORD),
        props=tuple(draw(st.lists(st.tuples(_WORD, _WORD), max_size=2))),
        notes=tuple(draw(st.lists(_WORD, max_size=2))),
        creation_date=draw(st.none() | _DATE),
        usage_count=draw(st.integers(0, 9)),
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(units=st.lists(_units(), min_size=1, max_size=6, unique_by=lambda u: u.tuid or id(u)))
def test_import_export_import_is_lossless(tmp_path: Path, units: list[Unit]) -> None:
    for name in ("a.sqlite", "b.sqlite", "a.tmx"):
        (tmp_path / name).unlink(missing_ok=True)
    with Memory.open(tmp_path / "a.sqlite") as first:
        first.add(units)
        export_memory(first, tmp_path / "a.tmx")
        stored = list(first.units())
    with Memory.open(tmp_path / "b.sqlite") as second:
        import_files(second, [tmp_path / "a.tmx"])
        assert list(second.units()) == [_source_first(u) for u in stored]


def _source_first(unit: Unit) -> Unit:
    from dataclasses import replace

    return replace(unit, variants=tuple(sorted(unit.variants, key=lambda v: v.lang[:2] != "en")))


def test_fixture_files_round_trip_through_the_memory(memory_target: str, tmp_path: Path) -> None:
    names = ["inline_tags.tmx", "dates_props_notes.tmx", "utf16_bom.tmx", "srclang_all.tmx"]
    with Memory.open(memory_target) as first:
        import_files(first, [FIXTURES / n for n in names])
        export_memory(first, tmp_path / "a.tmx")
        stored = list(first.units())
    with Memory.open(tmp_path / "b.sqlite") as second:
        import_files(second, [tmp_path / "a.tmx"])
        assert list(second.units()) == stored


@settings(max_examples=200, deadline=None)
@given(
    value=st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    aware=st.booleans(),
)
def test_stored_dates_are_iso_8601_with_four_digit_years_and_read_back(
    value: datetime, aware: bool
) -> None:
    from tm.encoding import _date, _date_text

    if aware:
        value = value.replace(tzinfo=UTC)
    v = value.astimezone(UTC)
    text = f"{v.year:04}-{v.month:02}-{v.day:02}T{v.hour:02}:{v.minute:02}:{v.second:02}Z"
    assert _date_text(value) == text
    assert _date(text) == v.replace(microsecond=0) == datetime.fromisoformat(text)


def test_a_date_before_the_year_1000_is_stored_and_read_back(memory: Memory) -> None:
    # such years were once written unpadded (``999-01-01...``) and could not be read back
    date = datetime(999, 1, 1, 12, 30, tzinfo=UTC)
    memory.add([_unit("Peace", "Paix", creation_date=date)])
    (unit,) = memory.units()
    assert unit.creation_date == date


@pytest.mark.parametrize("langs", [None, ["en", "fr"], ["fr"], ["ru", "en"]])
def test_records_are_the_units_as_tuples_where_plain(
    memory: Memory, langs: list[str] | None
) -> None:
    # the fast form of records() (PlainUnit tuples) against units(), the full decoding
    memory.add(
        [
            _unit("Peace", "Paix", tuid="p"),
            ("w", (("en", "War", None), ("fr", "la guerre", "la <ph/>guerre"))),
            ("s", (("en", "a\x1fb", None), ("ru", "c", None))),
            Unit((Variant("en-GB", "Law"), Variant("fr", "Droit", notes=("n",)))),
            _unit("Court", "Cour", usage_count=2),
            (None, (("ru", "Мир", None), ("en", "World", ""))),
            _unit("Charter", "Charte", tuid="d", props=(("x-document", "A/1"),), notes=("n",)),
            _unit("Board", "Conseil", change_date=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
            _unit("Fund", "Fonds", segtype="paragraph"),
        ]
    )
    from tm.memory import as_unit

    records = list(memory.records(langs=langs))
    assert [r if isinstance(r, Unit) else as_unit(r) for r in records] == list(
        memory.units(langs=langs)
    )
    plain = [r[0] for r in records if isinstance(r, tuple) and len(r) == 2]
    dated = [r[2:] for r in records if isinstance(r, tuple) and len(r) == 8]
    # texts holding U+001F, variant notes, usage counts and segtypes take the full form
    assert plain == (["p", "w"] if langs == ["fr"] else ["p", "w", None])
    assert dated == [
        ((("x-document", "A/1"),), ("n",), None, None, None, None),
        ((), (), None, None, datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), None),
    ]


def test_units_whose_joined_texts_look_alike_are_not_merged(memory: Memory) -> None:
    # the key hashes each variant as language, text and markup joined with U+001E: these two
    # units hash alike, and were once merged because they were also compared by that text
    one = Unit((Variant("en", "a\x1eb"), Variant("fr", "c")))
    two = Unit((Variant("en", "a", "b\x1e"), Variant("fr", "c")))
    report = memory.add([one, two])
    assert (report.added, report.merged) == (2, 0)
    assert list(memory.units()) == [one, two]
    assert memory.add([two, one]).merged == 2


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("schema", [None, 1, SCHEMA_VERSION + 1])
def test_a_refused_file_is_not_left_open(tmp_path: Path, schema: int | None) -> None:
    path = tmp_path / "tm.sqlite"
    if schema is None:
        path.write_bytes(b"this is not a database at all" * 100)
    else:
        Memory.open(path).close()
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA user_version = {schema}")
        conn.close()
    with pytest.raises(StoreError) as refused:
        Memory.open(path)
    # the traceback keeps open()'s frame (and a connection it did not close) alive
    assert refused.traceback
    held = [fd for fd in Path("/proc/self/fd").iterdir() if fd.resolve() == path.resolve()]
    assert held == []


def test_a_large_import_grows_the_page_cache_for_its_transaction_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tm import sqlite_store

    monkeypatch.setattr(sqlite_store, "_GROW_CACHE_AFTER", 1000)
    monkeypatch.setattr(sqlite_store, "_CACHE_BYTES_PER_UNIT", 100_000)
    seen: list[int] = []
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        real = sqlite_store.SqliteBackend.insert_units

        def spy(backend: sqlite_store.SqliteBackend, *args: Any) -> int:
            seen.append(memory.connection.execute("PRAGMA cache_size").fetchone()[0])
            return real(backend, *args)

        monkeypatch.setattr(sqlite_store.SqliteBackend, "insert_units", spy)
        units = [
            Unit((Variant("en", f"Text {n}"), Variant("fr", f"Texte {n}"))) for n in range(7000)
        ]
        memory.add(units)
        assert seen[0] == -65536  # the size of the cache, in KB
        assert min(seen) < -65536  # grown for the later batches
        assert memory.connection.execute("PRAGMA cache_size").fetchone()[0] == -65536
