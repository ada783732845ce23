"""User glossary files (tmx/glossary.py): CSV/TSV, OmegaT, TBX by extension; user imports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Literal

import pytest

from glossaries import load_shipped
from tm.align import align, multilingual
from tm.document import read_document
from tm.errors import GlossaryError, InputError
from tm.models import Concept, Term
from tm.reference import ReferenceGlossary, document_glossary
from tm.segment import segment_document
from tm.terms import Glossary
from tmx.glossary import (
    import_user,
    load,
    read_table,
    user_dir,
    user_glossaries,
    with_user_glossaries,
    write_omegat,
    write_table,
)
from tmx.reference import write_reference
from tmx.tbx import write_tbx

G = load_shipped()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letter"
SHARED_TOOLS = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "cat-clients"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNTM_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("name", ["un.csv", "un.tsv"])
def test_table_round_trip(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    rows = write_table(G, out)
    assert rows == sum(len(c.terms) for c in G.concepts)
    back = load(out)
    assert {c.id: set(c.terms) for c in back.concepts} == {c.id: set(c.terms) for c in G.concepts}


def test_wide_table(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,en,fr,note\nCBD,Convention on Biological Diversity,Convention sur la diversité "
        "biologique,Rio 1992\n,Paris Agreement,Accord de Paris,\n",
        encoding="utf-8",
    )
    glossary = load(path)
    assert [c.id for c in glossary.concepts] == ["CBD", "mine-2"]
    assert glossary.get("CBD").note == "Rio 1992"
    assert glossary.get("mine-2").preferred("fr").text == "Accord de Paris"
    # the import keeps the concept note (its TSV once had no column for it)
    import_user(path)
    assert with_user_glossaries(Glossary([])).get("CBD").note == "Rio 1992"


def test_omegat_file_needs_languages(tmp_path: Path) -> None:
    path = tmp_path / "pairs.txt"
    path.write_text("# comment\nSecurity Council\tConseil de sécurité\torgan\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="does not say its languages") as raised:
        load(path)
    assert raised.value.parameter == "languages"
    glossary = load(path, src_lang="en", tgt_lang="fr")
    (concept,) = glossary.concepts
    assert concept.preferred("fr").text == "Conseil de sécurité"
    assert concept.preferred("fr").note == "organ"


def test_tbx_by_extension_and_by_content(tmp_path: Path) -> None:
    write_tbx(G, tmp_path / "un.tbx", version="tbx2")
    (tmp_path / "un.tbx").replace(tmp_path / "un.xml.tsv")
    assert len(load(tmp_path / "un.xml.tsv")) == len(G)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"  \n", "empty"),
        ("bin.csv", b"\x00\x01\x02abc", "binary"),
        ("latin.csv", "id,lang,term\nA,fr,caf\xe9\n".encode("latin-1"), "UTF-8"),
        # an even number of bytes was once decoded as UTF-16 without a BOM, into garbage
        ("latin2.csv", "id,lang,term\nA,fr,caf\xe9s\n".encode("latin-1"), "UTF-8"),
        ("x.docx", b"id,lang,term\n", "unknown glossary format"),
        ("short.txt", b"only-one-column\n", "expected source"),
        ("bad.tsv", b"id\tlang\tterm\tstatus\nA\ten\tx\tofficial\n", "status 'official'"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(GlossaryError, match=message):
        load(path, src_lang="en", tgt_lang="fr")


def test_omegat_export(tmp_path: Path) -> None:
    out = tmp_path / "un.txt"
    count = write_omegat(G, out, src_lang="en", tgt_lang="fr")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert count == len(lines) - 1
    pairs = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert pairs["ICCPR"][1] == "PIDCP"
    assert pairs["Secretary General"][1] == "Secrétaire général"
    assert "deprecated; use: Secretary-General" in pairs["Secretary General"][2]
    assert all(len(line.split("\t")) == 3 for line in lines[1:])
    with pytest.raises(InputError, match="ignores"):
        write_omegat(G, tmp_path / "un.tsv", src_lang="en", tgt_lang="fr")


def test_user_glossaries_live_in_untm_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert user_dir() == home
    assert user_glossaries() == []
    mine = Glossary([Concept("X-CBD", "instrument", (Term("en", "Convention on Biodiversity"),))])
    source = tmp_path / "mine.csv"
    write_table(mine, source)
    stored, read, replaced, _cleaned = import_user(source)
    assert stored == home / "glossaries" / "mine.tsv"
    assert len(read) == 1
    assert not replaced
    assert user_glossaries() == [stored]
    assert import_user(source)[2]  # the same name again: an update that replaces it
    merged = with_user_glossaries(G)
    assert "X-CBD" in merged
    assert "INS-ICCPR" in merged


def test_user_dir_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("UNTM_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_dir() == tmp_path / "xdg" / "untm"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert user_dir() == Path.home() / ".local" / "share" / "untm"


@pytest.mark.omegat
@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("un.txt", "fr"),
        pytest.param("un.tbx", "zh", marks=pytest.mark.slow),  # ~6 s per run
        ("letter-reference.txt", "ru"),
        ("letter-reference.tbx", "fr"),
    ],
)
def test_omegat_reads_the_exports(tmp_path: Path, name: str, lang: str) -> None:
    if shutil.which("omegat") is None and not Path("/usr/share/omegat/OmegaT.jar").is_file():
        pytest.skip("OmegaT is not installed (Debian package omegat)")
    script = SHARED_TOOLS / "check_tmx_in_omegat.sh"
    if not script.is_file():
        pytest.skip("../shared/tools/cat-clients is not beside this checkout")
    out = tmp_path / name
    expected: int | None = None
    least = len(G)
    if name.startswith("letter-reference"):  # the letter's own glossary (build --glossary)
        reference = _letter_reference()
        least = len(reference.entries)
        fmt: Literal["omegat", "tbx2"] = "omegat" if name.endswith(".txt") else "tbx2"
        write_reference(reference, out, fmt=fmt, target_lang=lang)
        if fmt == "omegat":
            expected = sum(1 for x in out.read_text(encoding="utf-8").splitlines() if x[:1] != "#")
    elif name.endswith(".txt"):
        expected = write_omegat(G, out, src_lang="en", tgt_lang=lang)
    else:
        write_tbx(G, out, version="tbx2")
    sample = SHARED_TOOLS / "sample"
    result = subprocess.run(
        [
            "bash",
            str(script),
            str(sample / "sample.tmx"),
            str(sample / "source.txt"),
            "en",
            lang,
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("glossary: OmegaT"))
    read = int(line.split(" read ")[1].split()[0])
    if expected is not None:
        assert read == expected
    else:
        assert read >= least
    terms = [x for x in result.stdout.splitlines() if x.startswith("  term ")]
    assert terms
    assert all(" => " in x for x in terms)


def _letter_reference() -> ReferenceGlossary:
    """The letter's reference glossary, aligned with its French and Russian versions."""
    source = read_document(EXAMPLES / "letter.en.md")
    src = segment_document(source)
    alignments, segments = [], {}
    for lang in ("fr", "ru"):
        tgt = segment_document(read_document(EXAMPLES / f"letter.{lang}.md"))
        alignments.append(align(src, tgt, src_lang="en", tgt_lang=lang, glossary=G))
        segments[lang] = tgt
    rows = multilingual(alignments)
    return document_glossary(source, G, document="letter", rows=rows, segments=segments)


def test_messages_without_a_file_name() -> None:
    # read_table and read_omegat take text; without an origin the messages began "None: "
    with pytest.raises(GlossaryError, match="^an OmegaT glossary does not say its languages"):
        read_table("a\tb\n")
    with pytest.raises(GlossaryError, match="^row 1: every row needs"):
        read_table("id\tlang\tterm\nA\ten\t\n")
