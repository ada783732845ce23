"""``untm segment``: output formats, options, and one clear error line (exit 2) per bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_letter_gives_the_reference_sentences(shared_data: Path) -> None:
    result = runner.invoke(app, ["segment", str(shared_data / "letter" / "letter.en.md")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    reference = (shared_data / "letter" / "en.sentences.tsv").read_text(encoding="utf-8")
    assert len(lines) == 124
    assert lines == [row.split("\t")[2] for row in reference.splitlines() if row]


def test_json_output(tmp_path: Path) -> None:
    path = tmp_path / "note.fr.md"
    path.write_text("## Titre\n\nM. Dupont parle. Il part.\n", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"paragraph": 0, "kind": "heading", "text": "Titre"},
        {"paragraph": 1, "kind": "body", "text": "M. Dupont parle."},
        {"paragraph": 1, "kind": "body", "text": "Il part."},
    ]


def test_lang_option_overrides_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Sr. García habló. ¿Por qué?", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path), "--lang", "es"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["Sr. García habló.", "¿Por qué?"]


def test_srx_option(tmp_path: Path) -> None:
    srx = tmp_path / "commas.srx"
    srx.write_text(
        '<srx xmlns="http://www.lisa.org/srx20" version="2.0"><header cascade="no"/><body>'
        '<languagerules><languagerule languagerulename="c"><rule break="yes">'
        "<beforebreak>,</beforebreak><afterbreak>\\s</afterbreak></rule></languagerule>"
        '</languagerules><maprules><languagemap languagepattern=".*" languagerulename="c"/>'
        "</maprules></body></srx>",
        encoding="utf-8",
    )
    path = tmp_path / "text.de.txt"
    path.write_text("Eins, zwei. Drei", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path), "--srx", str(srx)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["Eins,", "zwei. Drei"]


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("letter.md", b"Text.", [], "cannot tell the language"),
        ("letter.en.md", b"Text.", ["--lang", "xx"], "no segmentation rules for language 'xx'"),
        ("letter.en.md", b"Text.", ["--lang", "e n"], "not a language code"),
        ("empty.en.md", b"", [], "the file is empty"),
        ("binary.en.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [], "binary"),
        ("broken.en.docx", b"PK\x03\x04 not a zip archive", [], "not a readable Word document"),
        ("broken.en.pdf", b"%PDF-1.4\nnothing else", [], "not a readable PDF file"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, name: str, content: bytes, args: list[str], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["segment", str(path), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("srx", "message"),
    [
        ("<srx><body>", "not a valid SRX file"),
        ("<notsrx/>", "not an SRX file"),
        (
            '<srx xmlns="http://www.lisa.org/srx20"><body><languagerules><languagerule '
            'languagerulename="r"><rule><beforebreak>[</beforebreak></rule></languagerule>'
            '</languagerules><maprules><languagemap languagepattern=".*" languagerulename="r"/>'
            "</maprules></body></srx>",
            "bad regular expression",
        ),
        (  # an entity the parser would leave out: the rule would silently lose "Mr|Dr"
            '<!DOCTYPE srx [<!ENTITY titles "Mr|Dr">]><srx xmlns="http://www.lisa.org/srx20">'
            '<body><languagerules><languagerule languagerulename="r"><rule break="no">'
            "<beforebreak>(&titles;)\\.</beforebreak><afterbreak>\\s</afterbreak></rule>"
            '</languagerule></languagerules><maprules><languagemap languagepattern=".*" '
            'languagerulename="r"/></maprules></body></srx>',
            "declares XML entities",
        ),
    ],
)
def test_broken_srx_exits_2(tmp_path: Path, srx: str, message: str) -> None:
    rules = tmp_path / "broken.srx"
    rules.write_text(srx, encoding="utf-8")
    path = tmp_path / "text.en.txt"
    path.write_text("One. Two.", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path), "--srx", str(rules)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["segment", str(tmp_path / "absent.en.md")])
    assert result.exit_code == 2
    assert "No such file" in result.stderr
