"""``untm align``: the three output formats, warnings on stderr, one clear error per bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def _column(path: Path) -> str:
    rows = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(row.split("\t")[2] for row in rows) + "\n"


@pytest.fixture
def letter_files(shared_data: Path, tmp_path: Path) -> dict[str, Path]:
    """The letter's reference segmentation as one-sentence-a-line files, en, fr and zh."""
    letter = shared_data / "letter"
    files = {"en": tmp_path / "letter.en.txt"}
    files["en"].write_text(_column(letter / "en.sentences.tsv"), encoding="utf-8")
    for lang in ("fr", "zh"):
        files[lang] = tmp_path / f"letter.{lang}.txt"
        files[lang].write_text(_column(letter / lang / "sentences.tsv"), encoding="utf-8")
    return files


def test_beads_format_matches_the_gold(letter_files: dict[str, Path], shared_data: Path) -> None:
    args = ["align", str(letter_files["en"]), str(letter_files["fr"]), "--presegmented"]
    result = runner.invoke(app, [*args, "--format", "beads"])
    assert result.exit_code == 0, result.stderr
    gold = (shared_data / "letter" / "fr" / "gold.txt").read_text(encoding="utf-8")
    assert result.stdout.splitlines() == gold.splitlines()


def test_tsv_has_one_column_per_language(letter_files: dict[str, Path]) -> None:
    files = [str(letter_files[lang]) for lang in ("en", "fr", "zh")]
    result = runner.invoke(app, ["align", *files, "--presegmented"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "en\tfr\tzh"
    assert lines[3].startswith("13 September 2023\t13 septembre 2023\t")
    assert all(line.count("\t") == 2 for line in lines)


def test_json_gives_indices_texts_and_scores(letter_files: dict[str, Path]) -> None:
    args = ["align", str(letter_files["en"]), str(letter_files["zh"]), "--presegmented"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)["alignments"]
    assert [(a["src_lang"], a["tgt_lang"]) for a in data] == [("en", "zh")]
    first = data[0]["beads"][0]
    assert first["src"] == [0]
    assert first["tgt"] == [0]
    assert first["src_text"] == "General Assembly Security Council"
    assert 0.0 <= first["score"] <= 1.0
    assert isinstance(first["suspect"], bool)


def test_langs_option_and_suspect_warnings_on_stderr(tmp_path: Path) -> None:
    en = tmp_path / "a.txt"
    fr = tmp_path / "b.txt"
    en.write_text(
        "The meeting opened at 10 a.m.\nIt adopted the report of 2019.\nIt rose at 1 p.m.\n",
        encoding="utf-8",
    )
    fr.write_text(
        "Le Comité a examiné 45 demandes en 1998, dont 17 venaient de 12 pays différents.\n"
        "Un texte sans aucun rapport.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["align", str(en), str(fr), "--presegmented", "--langs", "en,fr"])
    assert result.exit_code == 0, result.stderr
    assert "untm: warning: en-fr: check the alignment of" in result.stderr


def test_raw_documents_align(shared_data: Path) -> None:
    letter = shared_data / "letter"
    args = ["align", str(letter / "letter.en.md"), str(letter / "ru" / "letter.ru.md")]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    beads = json.loads(result.stdout)["alignments"][0]["beads"]
    assert sum(len(b["src"]) for b in beads) == 124


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        (["a.en.txt"], [], "at least one other file"),
        (["a.en.txt", "b.fr.txt", "c.es.txt"], ["--format", "beads"], "exactly one other file"),
        (["a.en.txt", "b.fr.txt"], ["--format", "xml"], "xml"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, files: list[str], extra: list[str], message: str
) -> None:
    paths = []
    for name in files:
        (tmp_path / name).write_text("One sentence.\n", encoding="utf-8")
        paths.append(str(tmp_path / name))
    result = runner.invoke(app, ["align", *paths, "--presegmented", *extra])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("names", "texts", "extra", "message"),
    [
        (["a.en.txt", "b.txt"], ["One.", "Un."], [], "cannot tell the language"),
        (["a.en.txt", "b.fr.txt"], ["One.", "Un."], ["--langs", "en"], "one per file"),
        (["a.en.txt", "b.fr.txt"], ["One.", "\n\n"], [], "no sentence to align"),
        (["a.en.txt", "b.en.txt"], ["One.", "One."], [], "pivot's language"),
        (["a.en.txt", "b.zh.txt"], ["One.", "Not Chinese at all."], [], "Latin script"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, names: list[str], texts: list[str], extra: list[str], message: str
) -> None:
    paths = []
    for name, text in zip(names, texts, strict=True):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    result = runner.invoke(app, ["align", *paths, "--presegmented", *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith("untm: error:")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    present = tmp_path / "a.en.txt"
    present.write_text("One.\n", encoding="utf-8")
    result = runner.invoke(
        app, ["align", str(present), str(tmp_path / "b.fr.txt"), "--presegmented"]
    )
    assert result.exit_code == 2
    assert "b.fr.txt" in result.stderr
