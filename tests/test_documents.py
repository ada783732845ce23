"""Documents in a memory: identity, rebuilds that keep other languages, removal on purpose,
own exports merging back, regional tags, and schema-2 memories migrating in place.

The documents under tests/fixtures/documents are our own text (see its README), with made-up
symbols in the UN pattern."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tm import storefile
from tm.build import build_memory
from tm.document import parse_text, read_document
from tm.documents import DocumentStore, document_title, identify, plan_rebuild
from tm.errors import InputError, StoreError
from tm.memory import SCHEMA_VERSION, Memory
from tm.models import Unit, Variant
from tmx.interchange import export_memory, import_files

DOCS = Path(__file__).parent / "fixtures" / "documents"
RESOLUTION = [DOCS / f"resolution.{lang}.md" for lang in ("en", "fr", "es")]


def _texts(store: Memory, document: str) -> list[dict[str, str]]:
    """The texts of a document's rows by primary language, in row order."""
    return [
        {v.lang.split("-")[0]: v.text for v in unit.variants}
        for _, unit in DocumentStore(store).rows(document)
    ]


def _build(store: Memory, pivot: Path, *others: Path, document: str | None = None) -> str:
    return build_memory(pivot, list(others), store, document=document).stored.document


# --- identity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "symbol"),
    [
        ("A/78/367–S/2023/681", "A/78/367–S/2023/681"),
        ("A/78/367 - S/2023/681", "A/78/367–S/2023/681"),
        ("A/RES/70/1", "A/RES/70/1"),
        ("E/CN.6/2024/3", "E/CN.6/2024/3"),
    ],
)
def test_a_document_is_identified_by_the_symbol_in_its_header(header: str, symbol: str) -> None:
    doc = parse_text(f"United Nations\n\n{header}\n\nDistr.: General\n\nIt is done.", "en")
    assert identify(doc, "draft.en.md") == symbol
    assert identify(doc, "draft.en.md", symbol=" A/C.3/79/L.5 ") == "A/C.3/79/L.5"


def test_without_a_symbol_the_name_and_the_text_identify_a_document() -> None:
    one = parse_text("# Note\n\nThe meeting was opened.", "en")
    other = parse_text("# Note\n\nThe meeting was closed.", "en")
    assert identify(one, "a/note.en.md") == identify(one, "b/note.en.md")
    assert identify(one, "note.en.md") != identify(other, "note.en.md")
    assert identify(one, "note.en.md") != identify(one, "memo.en.md")
    assert identify(one, "note.en.md").startswith("note.en.md#")


def test_the_title_is_the_heading_before_the_text_not_a_section_heading() -> None:
    assert document_title(read_document(DOCS / "resolution.en.md")) == (
        "99/101. Cooperation on water and sanitation"
    )
    report = parse_text("A/99/1\n\n## Report of the Board\n\n# I. Scope\n\n1. It is.", "en")
    assert document_title(report) == "Report of the Board"
    assert document_title(parse_text("Just text.", "en")) is None


# --- rebuilding -------------------------------------------------------------------------


def test_rebuilding_with_fewer_languages_keeps_the_others(
    memory_target: str, tmp_path: Path
) -> None:
    with Memory.open(memory_target) as store:
        doc = _build(store, *RESOLUTION)
        assert doc == "A/RES/99/101"
        before = _texts(store, doc)
        languages = store.languages()
        report = build_memory(RESOLUTION[0], [RESOLUTION[1]], store)
        assert report.stored.new is False
        assert report.stored.kept_languages == ("es",)
        assert report.stored.replaced == len(before)
        assert report.stored.added == 0
        assert _texts(store, doc) == before
        assert store.languages() == languages
        assert [d.id for d in DocumentStore(store).records()] == [doc]


def test_a_rebuild_with_a_new_translation_replaces_only_that_language(
    memory_target: str, tmp_path: Path
) -> None:
    french = (DOCS / "resolution.fr.md").read_text(encoding="utf-8")
    changed = tmp_path / "resolution.fr.md"
    changed.write_text(french.replace("Nations Unies", "Organisation des Nations Unies"))
    with Memory.open(memory_target) as store:
        doc = _build(store, *RESOLUTION)
        before = _texts(store, doc)
        _build(store, RESOLUTION[0], changed)
        after = _texts(store, doc)
        assert [row.get("es") for row in after] == [row.get("es") for row in before]
        assert [row.get("en") for row in after] == [row.get("en") for row in before]
        assert after[0]["fr"] == "Organisation des Nations Unies"
        assert [row["fr"] for row in after[1:]] == [row["fr"] for row in before[1:]]
        assert store.count() == len(before)


def test_a_same_named_other_document_leaves_the_first_alone(
    memory_target: str, tmp_path: Path
) -> None:
    letter = tmp_path / "a" / "nosymbol.en.md"
    other = tmp_path / "b" / "nosymbol.en.md"
    for folder in (letter.parent, other.parent):
        folder.mkdir()
        shutil.copy(DOCS / "nosymbol.fr.md", folder)
    shutil.copy(DOCS / "nosymbol.en.md", letter)
    other.write_text("# Note on another meeting\n\nThe meeting was closed at noon.\n")
    with Memory.open(memory_target) as store:
        first = _build(store, letter, letter.parent / "nosymbol.fr.md")
        kept = _texts(store, first)
        report = build_memory(other, [other.parent / "nosymbol.fr.md"], store)
        assert report.stored.new
        assert report.stored.document != first
        assert report.stored.namesakes == (first,)
        assert report.stored.others == len(kept)
        assert _texts(store, first) == kept
        assert len(DocumentStore(store).records()) == 2


def test_rows_grouped_differently_are_regrouped_not_duplicated() -> None:
    def unit(**texts: str) -> Unit:
        return Unit(tuple(Variant(lang, text) for lang, text in texts.items()))

    stored = [unit(en="A. B.", fr="A B fr.", es="A B es."), unit(en="C.", fr="C fr.", es="C es.")]
    new = [unit(en="A.", fr="A fr2."), unit(en="B.", fr="B fr2."), unit(en="D.", fr="D fr.")]
    plan = plan_rebuild(stored, new, langs=["fr"], pivot="en")
    rows = [{v.lang: v.text for v in u.variants} for u in plan.units]
    assert rows == [
        {"en": "A. B.", "fr": "A fr2. B fr2.", "es": "A B es."},
        {"en": "C.", "es": "C es."},
        {"en": "D.", "fr": "D fr."},
    ]
    assert (plan.replaced, plan.kept, plan.added, plan.dropped) == (1, 1, 1, 0)
    gone = plan_rebuild([unit(en="C.", fr="C fr.")], [], langs=["fr"], pivot="en")
    assert (gone.units, gone.dropped) == ((), 1)


# --- removing ---------------------------------------------------------------------------


def test_remove_a_language_then_the_document(memory_target: str, tmp_path: Path) -> None:
    with Memory.open(memory_target) as store:
        documents = DocumentStore(store)
        doc = _build(store, *RESOLUTION)
        report_doc = _build(store, DOCS / "report.en.md", DOCS / "report.fr.md")
        units = store.count()
        rows = _texts(store, doc)
        report_rows = _texts(store, report_doc)
        # rows whose English and French the report has too: without es, one unit each
        shared = [r for r in rows if {"en": r["en"], "fr": r["fr"]} in report_rows]
        assert {"en": "United Nations", "fr": "Nations Unies", "es": "Naciones Unidas"} in shared
        revision = store.revision()
        change = documents.remove(doc, langs=["es"])
        assert change.kept_languages == ("en", "fr")
        assert documents.find(doc).languages == ("en", "fr")
        assert store.revision() > revision
        assert change.variants_removed == len(rows)
        assert change.units_removed == len(shared)
        assert store.count() == units - len(shared)
        assert documents.find(doc).units == len(rows)
        with pytest.raises(InputError, match="pivot"):
            documents.remove(doc, langs=["en"])
        change = documents.remove(doc)
        assert change.units_removed == len(rows) - len(shared)
        assert [d.id for d in documents.records()] == [report_doc]
        # the rows both documents hold stay with the report
        assert _texts(store, report_doc) == report_rows
        assert store.count() == documents.find(report_doc).units == len(report_rows)


def test_an_unknown_or_ambiguous_document_is_refused(memory_target: str, tmp_path: Path) -> None:
    with Memory.open(memory_target) as store:
        _build(store, *RESOLUTION)
        _build(store, DOCS / "report.en.md", DOCS / "report.fr.md")
        with pytest.raises(InputError, match="no document named 'A/RES/1'"):
            DocumentStore(store).remove("A/RES/1")
        with pytest.raises(InputError, match="several documents"):
            DocumentStore(store).remove("A/")
        assert DocumentStore(store).find("resolution.en.md").id == "A/RES/99/101"


# --- own exports come back into the same units ------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "profile"),
    [
        ("tmx", None),
        ("tmx", "omegat"),
        ("tmx", "trados"),
        ("tmx", "memoq"),
        ("tmx", "phrase"),
        ("po", None),
        ("csv", None),
        ("tsv", None),
    ],
)
@pytest.mark.parametrize("langs", [None, ["en", "fr"]])
def test_own_exports_reimported_add_no_unit(
    memory_target: str, tmp_path: Path, fmt: str, profile: str | None, langs: list[str] | None
) -> None:
    if fmt == "po" and langs is None:
        langs = ["en", "es"]
    with Memory.open(memory_target) as store:
        _build(store, *RESOLUTION)
        before = (store.count(), store.languages(), _texts(store, "A/RES/99/101"))
        props = [u.props for u in store.units()]
        out = tmp_path / "out" / f"res.{fmt}"
        out.parent.mkdir()
        export_memory(store, out, fmt=fmt, langs=langs, profile=profile)
        files = sorted(out.parent.iterdir())
        report = import_files(store, files)
        assert report.added == 0
        assert report.merged > 0
        assert (store.count(), store.languages(), _texts(store, "A/RES/99/101")) == before
        if fmt == "tmx":  # every profile's props come back as they were (trados: x-...:Type)
            assert [u.props for u in store.units()] == props
        assert import_files(store, files).added == 0


def test_regional_tags_map_back_unless_kept(memory_target: str, tmp_path: Path) -> None:
    tmx = tmp_path / "new.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en-US" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="en-US"><seg>Water is life.</seg></tuv>'
        "<tuv xml:lang=\"fr-FR\"><seg>L'eau, c'est la vie.</seg></tuv>"
        '<tuv xml:lang="fr-CA"><seg>L\'eau est la vie.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with Memory.open(memory_target) as store:
        _build(store, *RESOLUTION)
        import_files(store, [tmx])
        (unit,) = store.concordance("Water is life")
        assert [v.lang for v in unit.variants] == ["en", "fr", "fr-CA"]
    with Memory.open(tmp_path / "kept.sqlite") as store:
        _build(store, *RESOLUTION)
        import_files(store, [tmx], keep_regions=True)
        (unit,) = store.concordance("Water is life")
        assert [v.lang for v in unit.variants] == ["en-US", "fr-FR", "fr-CA"]


def test_a_pair_contained_in_two_units_merges_into_the_first(
    memory_target: str, tmp_path: Path
) -> None:
    def unit(*texts: tuple[str, str]) -> Unit:
        return Unit(tuple(Variant(lang, text) for lang, text in texts))

    with Memory.open(memory_target) as store:
        store.add(
            [
                unit(("en", "Peace."), ("fr", "Paix."), ("es", "Paz.")),
                unit(("en", "Peace."), ("fr", "Paix."), ("es", "La paz.")),
            ]
        )
        report = store.add([unit(("en", "Peace."), ("fr", "Paix.")), unit(("en", "Peace."))])
        assert (report.added, report.merged, store.count()) == (0, 2, 2)
        report = store.add([unit(("en", "Peace."), ("fr", "La paix."))])
        assert (report.added, store.count()) == (1, 3)


# --- schema 2 memories ------------------------------------------------------------------


def _as_schema_2(path: Path) -> None:
    """Turn a memory into what the previous untm wrote: no documents tables, schema 2, and
    build units whose origin and x-document are the English file's name."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE document_units; DROP TABLE documents; "
        "UPDATE meta SET value = 'untm:0.1.0|schema:2' WHERE key = 'signature'; "
        "PRAGMA user_version = 2;"
    )
    for uid, props in conn.execute("SELECT id, props FROM units").fetchall():
        fixed = [[k, "resolution.en.md" if k == "x-document" else v] for k, v in json.loads(props)]
        conn.execute(
            "UPDATE units SET origin = 'resolution.en.md', props = ? WHERE id = ?",
            (json.dumps(fixed), uid),
        )
    conn.commit()
    conn.close()


def test_a_schema_2_memory_migrates_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Memory.open(path) as store:
        _build(store, *RESOLUTION)
        units = [u for _, u in store.units_with_ids()]
    _as_schema_2(path)
    with Memory.open(path, create=False) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.meta()["signature"].endswith(f"schema:{SCHEMA_VERSION}")
        (doc,) = DocumentStore(store).records()
        assert (doc.id, doc.units, doc.languages) == ("resolution.en.md", len(units), doc.languages)
        assert set(doc.languages) == {"en", "es", "fr"}
        assert Counter(u.variants for u in store.units()) == Counter(u.variants for u in units)
        change = DocumentStore(store).remove("resolution.en.md", langs=["es"])
        assert change.kept == len(units)


def test_a_schema_2_memory_that_cannot_be_written_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite"
    with Memory.open(path) as store:
        _build(store, *RESOLUTION)
    _as_schema_2(path)
    monkeypatch.setattr(storefile, "BUSY_TIMEOUT", 0.05)  # not a minute's wait for the lock
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is writing: the upgrade must wait
    try:
        with pytest.raises(StoreError, match="cannot upgrade the memory to schema 3"):
            Memory.open(path, create=False)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with Memory.open(path, create=False) as store:
        assert DocumentStore(store).records()[0].id == "resolution.en.md"
